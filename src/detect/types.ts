import type { ElevatorSignals, Snapshot } from '../signals/types.js';
import type { SignalName } from '../signals/types.js';

/** The fault and event catalogue (see docs/domain and ../shared/docs/DOMAIN.md). */
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
  /** Snapshots around the raise (black box), when recorded. */
  blackbox?: Snapshot[];
}
