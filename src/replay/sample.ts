import { z } from 'zod';
import type { SignalName, SignalValues } from '../signals/types.js';

/**
 * One recorded snapshot of an elevator's signals at sample time `t` (ms). A signal absent from
 * `values` and `bad` was not provided; one in `bad` was provided but unreadable.
 */
export interface ReplaySample {
  t: number;
  values: Partial<SignalValues>;
  bad: SignalName[];
  /** Where it came from, for messages: "log.jsonl:17". */
  source?: string;
}

const int = z.number().int();
const bool = z.boolean();

/** The value schema of every signal, checked against SignalValues by the compiler. */
export const SIGNAL_VALUE_SCHEMAS = {
  positionMm: z.number(),
  floor: int,
  speedMps: z.number(),
  direction: z.enum(['up', 'down', 'none']),
  door: z.enum(['open', 'closed', 'opening', 'closing', 'unknown']),
  doorZone: bool,
  levelingErrorMm: z.number(),
  safetyCircuit: bool,
  doorLockCircuit: bool,
  overspeedSwitch: bool,
  occupied: bool,
  inspection: bool,
  alarmButton: bool,
  mainsPower: bool,
  topFinalLimit: bool,
  bottomFinalLimit: bool,
  controllerFloor: int,
} satisfies { [K in SignalName]: z.ZodType<SignalValues[K]> };

export const SIGNAL_NAMES = Object.keys(SIGNAL_VALUE_SCHEMAS) as SignalName[];

export function isSignalName(name: string): name is SignalName {
  return Object.hasOwn(SIGNAL_VALUE_SCHEMAS, name);
}

/** Signal values as a scenario writes them: any subset, each a valid value. */
export const signalValuesSchema = z.strictObject(
  Object.fromEntries(SIGNAL_NAMES.map((n) => [n, SIGNAL_VALUE_SCHEMAS[n].optional()])) as {
    [K in SignalName]: z.ZodOptional<(typeof SIGNAL_VALUE_SCHEMAS)[K]>;
  },
);

/** One line of a replay log: `t` and any signals; null = provided but unreadable. */
export const logLineSchema = z.strictObject({
  // Milliseconds: beyond 2^53 they are no longer whole, and a log is not 285,000 years long.
  t: z.number().nonnegative().max(Number.MAX_SAFE_INTEGER, 'milliseconds, at most 9007199254740991'),
  ...(Object.fromEntries(SIGNAL_NAMES.map((n) => [n, SIGNAL_VALUE_SCHEMAS[n].nullable().optional()])) as {
    [K in SignalName]: z.ZodOptional<z.ZodNullable<(typeof SIGNAL_VALUE_SCHEMAS)[K]>>;
  }),
});
export type LogLine = z.infer<typeof logLineSchema>;

/** A validated log line as a sample. */
export function sampleOfLine(line: LogLine, source?: string): ReplaySample {
  const values: Record<string, unknown> = {};
  const bad: SignalName[] = [];
  for (const name of SIGNAL_NAMES) {
    const v = line[name];
    if (v === null) bad.push(name);
    else if (v !== undefined) values[name] = v;
  }
  return { t: line.t, values: values as Partial<SignalValues>, bad, ...(source ? { source } : {}) };
}

/** One zod issue as "path: message", in the words a technician reads. */
export function describeIssue(issue: z.core.$ZodIssue, unknownKey = 'key'): string {
  const path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'invalid_type') message = `expected ${issue.expected}`;
  else if (issue.code === 'invalid_value') message = `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
  else if (issue.code === 'unrecognized_keys') message = `unknown ${unknownKey}(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return path ? `${path}: ${message}` : message;
}
