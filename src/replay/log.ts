import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';
import { describeIssue, isSignalName, logLineSchema, SIGNAL_NAMES, SIGNAL_VALUE_SCHEMAS, sampleOfLine, type ReplaySample } from './sample.js';

/** Problems reported before giving up on a file. */
const MAX_PROBLEMS = 20;

/**
 * Collects "file:line: message" problems and the samples read so far; throws them all at the
 * end, like the config loader does.
 */
class LogReader {
  readonly samples: ReplaySample[] = [];
  private readonly problems: string[] = [];
  private lastT = -Infinity;
  /** A name was not a signal: the list of those that are is given once, at the end. */
  private unknownName = false;

  constructor(private readonly file: string) {}

  problem(line: number, message: string, unknownName = false): void {
    this.unknownName ||= unknownName;
    this.problems.push(`${this.file}:${line}: ${message}`);
  }

  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  /** Validates one parsed line as a snapshot. */
  accept(data: unknown, line: number): void {
    const r = logLineSchema.safeParse(data);
    if (!r.success) {
      for (const issue of r.error.issues) this.problem(line, describeIssue(issue, 'signal'), issue.code === 'unrecognized_keys');
      return;
    }
    if (r.data.t < this.lastT) this.problem(line, `t: goes back in time (previous sample at ${this.lastT})`);
    this.lastT = r.data.t;
    this.samples.push(sampleOfLine(r.data, `${this.file}:${line}`));
  }

  result(): ReplaySample[] {
    if (this.problems.length > 0) {
      const more = this.full ? [`${this.file}: stopped after ${MAX_PROBLEMS} problems`] : [];
      if (this.unknownName) more.push(`${this.file}: the signals are ${SIGNAL_NAMES.join(', ')} (and t, the sample time in ms)`);
      throw new ElevgwError('SCENARIO_INVALID', [...this.problems, ...more].join('\n'), { file: this.file });
    }
    if (this.samples.length === 0) throw new ElevgwError('SCENARIO_INVALID', `${this.file}: no samples`, { file: this.file });
    return this.samples;
  }
}

/** Lines worth reading: blank lines and `#` comments are skipped. Numbers are 1-based. */
function* contentLines(text: string): Generator<{ n: number; line: string }> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== '' && !line.startsWith('#')) yield { n: i + 1, line };
  }
}

/** The lift a recording of `elevgw diag live --json` describes: replay's defaults for its id, landings and rated speed. */
export interface RecordedLift {
  id: string;
  floors: { label: string; levelMm: number }[];
  ratedSpeedMps: number;
}

/**
 * A frame of `elevgw diag live --json` (`src/diag/live/frame.ts`): its wall time `at` (epoch ms)
 * is the sample time, `signals` (null for a bad or stale reading) the snapshot. The rest of the
 * frame (driver, outbox, faults) is the gateway's view, not the lift's, and is not replayed.
 */
const liveFrameSchema = z.looseObject({
  at: z.number(),
  elevator: z.strictObject({
    id: z.string().min(1),
    board: z.string(),
    floors: z.array(z.strictObject({ label: z.string(), levelMm: z.number() })).min(2),
    ratedSpeedMps: z.number().positive(),
  }),
  signals: z.record(z.string(), z.unknown()),
});

function isLiveFrame(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'signals' in data && 'elevator' in data;
}

/**
 * JSONL: one snapshot object per line, `{ "t": 1200, "speedMps": 0.5, "door": "closed" }`, or the
 * frames `elevgw diag live --json` prints (one elevator's; the lift they name is returned too).
 */
export function readJsonl(text: string, file: string): { samples: ReplaySample[]; lift?: RecordedLift } {
  const reader = new LogReader(file);
  let lift: RecordedLift | undefined;
  for (const { n, line } of contentLines(text)) {
    if (reader.full) break;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (e) {
      reader.problem(n, `invalid JSON (${(e as Error).message})`);
      continue;
    }
    if (!isLiveFrame(data)) {
      reader.accept(data, n);
      continue;
    }
    const frame = liveFrameSchema.safeParse(data);
    if (!frame.success) {
      for (const issue of frame.error.issues) reader.problem(n, `a diag live frame: ${describeIssue(issue)}`);
      continue;
    }
    const { at, elevator, signals } = frame.data;
    if (lift !== undefined && elevator.id !== lift.id) {
      reader.problem(n, `a frame of elevator "${elevator.id}" in a recording of "${lift.id}" (record one elevator: diag live --elevator ID)`);
      continue;
    }
    lift ??= { id: elevator.id, floors: elevator.floors, ratedSpeedMps: elevator.ratedSpeedMps };
    reader.accept({ ...signals, t: at }, n);
  }
  const samples = reader.result();
  return lift ? { samples, lift } : { samples };
}

/** JSONL as samples alone (`readJsonl`). */
export function parseJsonl(text: string, file: string): ReplaySample[] {
  return readJsonl(text, file).samples;
}

/**
 * CSV: a header of `t` and signal names, then one snapshot per row. An empty cell is "not
 * provided", `null` or `bad` an unreadable value; booleans are true/false or 1/0. No quoting:
 * no value contains a comma.
 */
export function parseCsv(text: string, file: string): ReplaySample[] {
  const reader = new LogReader(file);
  const lines = contentLines(text);
  const head = lines.next();
  if (head.done) return reader.result();
  const columns = head.value.line.split(',').map((c) => c.trim());
  columns.forEach((c) => {
    if (c !== 't' && !isSignalName(c)) reader.problem(head.value.n, `unknown column ${shown(c)} (expected t or a signal name)`, true);
  });
  if (!columns.includes('t')) reader.problem(head.value.n, 'no "t" column');
  for (const { n, line } of lines) {
    if (reader.full) break;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== columns.length) {
      reader.problem(n, `${cells.length} cells, the header has ${columns.length}`);
      continue;
    }
    const data: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const cell = cells[i]!;
      // An unknown column was reported once, at the header.
      if (cell !== '' && (c === 't' || isSignalName(c))) data[c] = cellValue(c, cell);
    });
    reader.accept(data, n);
  }
  return reader.result();
}

/** A cell as the column's type, left a string when it is not one (so validation names the problem). */
function cellValue(column: string, cell: string): unknown {
  if (cell === 'null' || cell === 'bad') return null;
  const kind = isSignalName(column) ? SIGNAL_VALUE_SCHEMAS[column].def.type : 'number'; // else t
  if (kind === 'number') {
    const v = Number(cell);
    return Number.isFinite(v) ? v : cell;
  }
  if (kind === 'boolean') {
    if (cell === 'true' || cell === '1') return true;
    if (cell === 'false' || cell === '0') return false;
  }
  return cell;
}

/** A header cell as a person can read it: quoted and escaped (a binary file's bytes stay off the terminal), cut at 40 characters. */
function shown(cell: string): string {
  const text = JSON.stringify(cell.length > 40 ? cell.slice(0, 40) : cell);
  return cell.length > 40 ? `${text}…` : text;
}
