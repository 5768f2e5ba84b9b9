import type { ElevatorSignals, Snapshot } from '../signals/types.js';
import type { SignalName } from '../signals/types.js';

/** The fault and event catalogue (docs/domain.md). */
export const EVENT_TYPES = [
  'trapped',
  'door-open-while-moving',
  'moving-with-door-open',
  'overspeed',
  'overtravel-top',
  'overtravel-bottom',
  'stopped-outside-zone',
  'leveling-error',
  'door-open-too-long',
  'door-reopen-repeated',
  'safety-circuit-open',
  'door-lock-fault',
  'door-close-fault',
  'door-open-fault',
  'run-time-exceeded',
  'floor-position-lost',
  'service-mode',
  'power-loss',
  'sensor-lost',
  'alarm-pressed',
  'maintenance-session',
  // The black box after a raised fault: a follow-up carrying the snapshots of the seconds after it.
  'blackbox',
  // gateway-level events
  'gateway-started',
  'outbox-loss',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type Phase = 'raised' | 'cleared' | 'instant';
export type Severity = 'critical' | 'fault' | 'warning' | 'info';

/** What a rule emits: no id, no wall time yet — the gateway stamps and stores it. */
export interface Transition {
  type: EventType;
  phase: Phase;
  severity: Severity;
  /** Monotonic time the transition happened (sample time). */
  mono: number;
  data?: Record<string, unknown>;
}

export interface Rule {
  readonly type: EventType;
  readonly severity: Severity;
  /** Signals the rule needs; it is not armed when any is missing from the board. */
  readonly needs: readonly SignalName[];
  /** Pure state machine step: given the latest signals at sample time `now`, what changed. */
  step(signals: ElevatorSignals, now: number): Transition[];
  /** Whether an episode is currently raised. */
  readonly active: boolean;
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
