import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ElevgwError } from '../core/errors.js';
import { parseCsv, type RecordedLift, readJsonl } from './log.js';
import { describeIssue, type ReplaySample } from './sample.js';
import { scenarioSamples, ruleScenarioSchema, type RuleScenario } from './rule-scenario.js';

/** A log, with the lift it names when it is a recording of `diag live --json`; or a rule scenario. */
export type ReplayInput = { kind: 'log'; samples: ReplaySample[]; lift?: RecordedLift } | { kind: 'scenario'; scenario: RuleScenario; samples: ReplaySample[] };

/** A replay log (.jsonl, .ndjson, .csv, or .json of one object per line) or a rule scenario (.yaml, .yml, .json), by extension. */
export function readReplayFile(file: string): ReplayInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ElevgwError('SCENARIO_INVALID', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || (ext === '.json' && isJsonLines(text))) return { kind: 'log', ...readJsonl(text, file) };
  if (ext === '.csv') return { kind: 'log', samples: parseCsv(text, file) };
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    const scenario = parseScenario(text, file);
    return { kind: 'scenario', scenario, samples: scenarioSamples(scenario) };
  }
  throw new ElevgwError('SCENARIO_INVALID', `${file}: unknown kind of file (expected .jsonl, .csv, or a scenario .yaml/.json)`);
}

/**
 * One JSON object per line in a `.json` file: a log (`diag live --json > shaft.json`), not a
 * scenario. Told by its first line being a whole object with more after it.
 */
function isJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length < 2) return false;
  try {
    const first: unknown = JSON.parse(lines[0]!);
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}

/** Parses and validates a rule scenario; every problem as "file:line path: message". */
function parseScenario(text: string, file: string): RuleScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: YAML syntax: ${e.message.split('\n')[0]}`);
    throw new ElevgwError('SCENARIO_INVALID', problems.join('\n'), { file });
  }
  const r = ruleScenarioSchema.safeParse(doc.toJS());
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => {
    // The nearest node that exists: a missing key points at its parent.
    let line: number | undefined;
    for (let n = issue.path.length; n >= 0 && line === undefined; n--) {
      const node = doc.getIn(issue.path.slice(0, n), true);
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    }
    return `${file}${line ? `:${line}` : ''}: ${describeIssue(issue)}`;
  });
  throw new ElevgwError('SCENARIO_INVALID', problems.join('\n'), { file });
}
