import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * vitest's global setup: the run's tests make their temp files under one directory of their own
 * (TMPDIR, which the test workers and every process they start inherit), removed at the end. A
 * test that leaves an `elevgw-` entry of its own behind fails the run by name, so that repeated
 * runs on a developer's machine or a CI runner do not fill /tmp with brokers' configs and
 * outboxes. Sticky and world-writable like /tmp: mosquitto and PostgreSQL, started as root, drop
 * to their own users and must reach their directories below it.
 *
 * A run filtered by test name (`-t`) is not judged: a suite whose tests it skips still makes the
 * directories its body makes when the file is collected, and vitest runs no `afterAll` for it.
 * They go with the run's directory all the same.
 */
export default function setup(project: TestProject): () => void {
  const judged = project.config.testNamePattern === undefined;
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-run-'));
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const left = readdirSync(dir).filter((name) => name.startsWith('elevgw-'));
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      left.push(`(and ${dir} itself: ${(error as Error).message})`);
    }
    if (left.length === 0 || !judged) return;
    // vitest reports an error thrown here but exits 0 all the same: the run fails by its exit code.
    console.error(`\nthe tests left ${left.length} temp entries behind (each test removes what it makes): ${left.join(', ')}`);
    process.exitCode = 1;
  };
}
