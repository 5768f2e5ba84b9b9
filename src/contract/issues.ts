import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/**
 * A contract violation in words a gateway's integrator can act on: each issue as `path: message`.
 * zod says only "Invalid input" where a value fits none of a union's members (an event's `data`
 * has one form per phase), which names no field. Such an issue is opened instead: the members that
 * came closest (fewest issues) are the forms meant, and their issues name the fields, under the
 * full path (`data.floor`); two equally close forms are both given.
 */
export function describeIssues(issues: readonly Issue[], max = 3): string {
  const lines = issues.flatMap((i) => describe(i, []));
  return lines.slice(0, max).join('; ') + (lines.length > max ? ` (+${lines.length - max} more)` : '');
}

function describe(issue: Issue, prefix: Path): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const fewest = Math.min(...issue.errors.map((e) => e.length));
    const closest = issue.errors.filter((e) => e.length === fewest).map((e) => e.flatMap((i) => describe(i, path)).join('; '));
    if (closest.length === 1) return [closest[0]!];
    return [`${name(path)}: fits none of its forms (${closest.join(', or ')})`];
  }
  return [`${name(path)}: ${issue.message}`];
}

function name(path: Path): string {
  return path.map(String).join('.') || '(root)';
}
