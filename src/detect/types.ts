import type { ElevatorSignals, Snapshot } from '../signals/types.js';
import type { SignalName } from '../signals/types.js';
import type { EventType, Phase, Severity } from '../contract/enums.js';
import type { EventData } from '../contract/event-data.js';

export type { EventType, Phase, Severity };

/** What a rule emits: no id, no wall time yet — the gateway stamps and stores it. */
export interface Transition {
  type: EventType;
  phase: Phase;
  severity: Severity;
  /** Monotonic time the transition happened (sample time). */
  mono: number;
  data?: Record<string, unknown>;
}

/**
 * A transition of one type as a rule builds it (rules/context.ts `transition`): its `data` is
 * typed by the contract (src/contract/event-data.ts), so a rule cannot emit data the event's
 * schema would refuse.
 */
export interface TransitionOf<T extends EventType> extends Transition {
  type: T;
  data?: EventData<T>;
}

export interface Rule {
  readonly type: EventType;
  readonly severity: Severity;
  /** Signals the rule needs; it is not armed when any is missing from the board. */
  readonly needs: readonly SignalName[];
  /** Signals it also reads when the board has them (an inspection switch, a governor switch). */
  readonly optional?: readonly SignalName[];
  /**
   * Pure state machine step: given the latest signals, what changed. `now` is the rule's time:
   * the sample time up to which its inputs have been read (see DetectionEngine), never decreasing.
   */
  step(signals: ElevatorSignals, now: number): Transition[];
  /** Whether an episode is currently raised. */
  readonly active: boolean;
  /**
   * Optional: every signal whose value or quality `step` looks at, whether the board provides it
   * or not (event data read only on the step that raises does not count). A rule with `reads`
   * may return QUIET (rules/context.ts) from a step after which stepping again on the same
   * values of `reads`, at any later time, would emit nothing and change no state — no hold
   * waiting, no attempt being timed; the engine then skips it until one of them changes. A rule
   * without `reads` runs on every step.
   */
  readonly reads?: readonly SignalName[];
  /**
   * Optional, with `reads`: signals of which `step` looks only at whether they read good — their
   * quality and, while they read bad, the time of their last good read (`at`) — not at their
   * value. A change of those wakes the rule as a change of `reads` does; a new value does not.
   */
  readonly readsQuality?: readonly SignalName[];
  /**
   * Optional, with `reads`: after a step that returned WAIT, the rule time before which stepping
   * again on the same values of `reads` would emit nothing and change no state (the end of a hold
   * or of an attempt being timed). The engine skips the rule until one of its reads changes or
   * its time reaches this.
   */
  wakeAt?(): number;
}

/** A transition with identity, ready to be stored. */
export interface DetectedEvent extends Transition {
  elevatorId: string;
  /**
   * Black box snapshots: on a raised fault those before it (ending with the raise itself); on a
   * `blackbox` follow-up those after the raise.
   */
  blackbox?: Snapshot[];
  /**
   * Only on a `blackbox` follow-up: the raised event it completes (same elevatorId, this type and
   * mono). The follow-up's own `mono` is the raise's too, so its `at` and black-box offsets are
   * those of the raised event.
   */
  blackboxFor?: { type: EventType; mono: number };
}
