import type { Exposure, IndicatorId, KeyPlace } from './indicators.js';

/**
 * Where the watchers (door, stop, circuit) report what they saw. ElevatorHealth routes each
 * report to the baselines it belongs to, to the wear counters and to the day's summary.
 */
export interface HealthSink {
  /** One observation of a level indicator (a door closing time, a stop's levelling error). */
  level(id: IndicatorId, place: KeyPlace, value: number): void;
  /** Occurrences of a rate indicator (a reopening, a glitch), at a landing where there is one. */
  count(id: IndicatorId, floor: number | null, n?: number): void;
  /** Exposure the rates are counted against (a stop, a closing, a trip, hours of observation). */
  expose(exposure: Exposure, amount: number): void;
  /** Wear counters and day figures that are no indicator of their own. */
  tally(what: Tally, n?: number): void;
}

export type Tally = 'trip' | 'doorCycle' | 'runningMs' | 'nearMiss' | 'reconnect';

/** A landing the car stands at (index), or none: door times are kept per landing. */
export type Landing = number | null;
