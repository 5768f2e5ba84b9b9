import type { Thresholds } from '../../config/thresholds.js';
import type { SignalName } from '../../signals/types.js';
import type { EventData } from '../../contract/event-data.js';
import type { EventType, Phase, Severity, Transition, TransitionOf } from '../types.js';

/** What every rule is built from: config thresholds and the elevator's facts. */
export interface RuleContext {
  thresholds: Thresholds;
  ratedSpeedMps: number;
  /** Landing levels, mm above the bottom landing, ascending. */
  floorLevelsMm: readonly number[];
  /** Signals the board provides; rules with alternative inputs pick theirs from it. */
  available: ReadonlySet<SignalName>;
  /** Those a retrofit board's fusion computes rather than reads from a controller (docs/retrofit.md). */
  fused?: ReadonlySet<SignalName>;
  /**
   * Given by the engine that steps the rules: when `signal` was read good as of the engine's step
   * before the current one (+Infinity: it read bad or was absent then). A rule that sleeps while
   * its reads keep their values (Rule.reads) uses it to catch up on the reads it slept through;
   * without it (a rule stepped on its own) such a rule runs on every step.
   */
  previousRead?: (signal: SignalName) => number;
}

/**
 * What a rule returns from a step with nothing to report: one shared array, frozen so that a
 * caller adding to it fails loudly. A new `[]` from every rule on every step was most of the
 * engine's garbage.
 */
export const NONE = Object.freeze([]) as unknown as Transition[];

/**
 * What a rule with `reads` returns from a step with nothing to report after which the same
 * values of its reads, at any later time, would emit nothing and change no state (no hold
 * waiting, no attempt being timed): the engine then skips it until one of them changes. Frozen
 * like NONE; told apart from it by identity. Saying so in the return value, not through a
 * second method, spares the engine a megamorphic call per rule run.
 */
export const QUIET = Object.freeze([]) as unknown as Transition[];

/**
 * As QUIET, but only until the rule's time reaches its `wakeAt()` (a hold or an attempt being
 * timed): the engine skips it until one of its reads changes or that time comes, and asks
 * `wakeAt()` once, when the rule returns this.
 */
export const WAIT = Object.freeze([]) as unknown as Transition[];

/**
 * Nothing to report, with the rule's wakeAt() after this step: QUIET for +Infinity, WAIT for a
 * time, NONE (run again on the next step) for -Infinity.
 */
export function nothing(wakeAt: number): Transition[] {
  if (wakeAt === Number.POSITIVE_INFINITY) return QUIET;
  return wakeAt > Number.NEGATIVE_INFINITY ? WAIT : NONE;
}

/** A transition of `type`, its data checked against that type's schema at compile time. */
export function transition<T extends EventType>(type: T, severity: Severity, phase: Phase, mono: number, data?: EventData<T>): TransitionOf<T> {
  return data === undefined ? { type, phase, severity, mono } : { type, phase, severity, mono, data };
}

/** Seconds between two monotonic times, to 0.1 s — for durations in event data. */
export function seconds(fromMs: number, toMs: number): number {
  return Math.round((toMs - fromMs) / 100) / 10;
}
