import type { Thresholds } from '../../config/thresholds.js';
import type { SignalName } from '../../signals/types.js';
import type { EventType, Phase, Severity, Transition } from '../types.js';

/** What every rule is built from: config thresholds and the elevator's facts. */
export interface RuleContext {
  thresholds: Thresholds;
  ratedSpeedMps: number;
  /** Landing levels, mm above the bottom landing, ascending. */
  floorLevelsMm: readonly number[];
  /** Signals the board provides; rules with alternative inputs pick theirs from it. */
  available: ReadonlySet<SignalName>;
}

export function transition(
  type: EventType,
  severity: Severity,
  phase: Phase,
  mono: number,
  data?: Record<string, unknown>,
): Transition {
  return data === undefined ? { type, phase, severity, mono } : { type, phase, severity, mono, data };
}

/** Seconds between two monotonic times, to 0.1 s — for durations in event data. */
export function seconds(fromMs: number, toMs: number): number {
  return Math.round((toMs - fromMs) / 100) / 10;
}
