import { signalNameSchema } from '../../src/contract/enums.js';
import { thresholdsSchema, type ThresholdsInput } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import type { RuleContext } from '../../src/detect/rules/index.js';
import type { Transition } from '../../src/detect/types.js';
import type { ElevatorSignals, SignalName, SignalValues } from '../../src/signals/types.js';

/** A six-stop residential lift: landings every 3 m, rated 1.75 m/s. */
export const FLOORS_MM = [0, 3000, 6000, 9000, 12000, 15000];
export const RATED_MPS = 1.75;
export const SAMPLE_MS = 100;

export type Values = Partial<SignalValues>;

export function ruleContext(thresholds: ThresholdsInput = {}, available?: readonly SignalName[]): RuleContext {
  return {
    thresholds: thresholdsSchema().parse(thresholds),
    ratedSpeedMps: RATED_MPS,
    floorLevelsMm: FLOORS_MM,
    available: new Set(available ?? ALL_SIGNALS),
  };
}

/** Every signal, as a board with a full controller interface provides them. */
export const ALL_SIGNALS: SignalName[] = [...signalNameSchema.options];

/** Parked at the 3rd landing (index 2), doors closed, nobody inside, all circuits healthy. */
export const PARKED: SignalValues = {
  positionMm: 6000,
  floor: 2,
  speedMps: 0,
  direction: 'none',
  door: 'closed',
  doorZone: true,
  levelingErrorMm: 0,
  safetyCircuit: true,
  doorLockCircuit: true,
  overspeedSwitch: false,
  occupied: false,
  inspection: false,
  alarmButton: false,
  mainsPower: true,
  topFinalLimit: false,
  bottomFinalLimit: false,
  controllerFloor: 2,
};

/** Stopped half-way between the 3rd and 4th landings, doors closed. */
export const BETWEEN_FLOORS: Values = { positionMm: 7500, levelingErrorMm: 1500, doorZone: false };

export const WITH_PASSENGER: Values = { occupied: true };

/** Running up at `speed` between floors, doors closed and locked. */
export function running(speedMps: number): Values {
  return { speedMps, direction: speedMps > 0 ? 'up' : 'down', doorZone: false, positionMm: 7500 };
}

/**
 * Signals at time `at`; the names in `bad` read with quality 'bad' and, as the normalizer stamps
 * them, the time of their last good read (`badSince`, default `at`).
 */
export function signals(values: Values, at: number, bad: readonly SignalName[] = [], badSince: ReadonlyMap<SignalName, number> = new Map()): ElevatorSignals {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const isBad = bad.includes(name as SignalName);
    out[name] = { value, quality: isBad ? 'bad' : 'good', at: isBad ? (badSince.get(name as SignalName) ?? at) : at };
  }
  return out as ElevatorSignals;
}

export interface Steppable<T extends { mono: number }> {
  step(s: ElevatorSignals, now: number): T[];
}

/**
 * Drives a rule (or the engine) with samples every SAMPLE_MS on a FakeClock: time moves only
 * between samples, never by sleeping. Everything emitted is collected in `events`.
 */
export class Scenario<T extends { mono: number } = Transition> {
  readonly clock = new FakeClock();
  readonly events: T[] = [];
  private state: Values;
  /** When each currently bad signal went bad (what a bad sample's `at` says, see signals()). */
  private readonly lastGoodAt = new Map<SignalName, number>();

  constructor(
    private readonly target: Steppable<T>,
    start: Values = PARKED,
    readonly everyMs = SAMPLE_MS,
  ) {
    this.state = { ...PARKED, ...start };
  }

  get now(): number {
    return this.clock.now();
  }

  /** Changes the car's state from now on. */
  set(values: Values): this {
    this.state = { ...this.state, ...values };
    return this;
  }

  /** Samples the current state every period for `ms`; returns what was emitted meanwhile. */
  run(ms: number, bad: readonly SignalName[] = []): T[] {
    const out: T[] = [];
    const end = this.now + ms;
    while (this.now < end) out.push(...this.sample(this.state, bad));
    return out;
  }

  /** Exactly one sample of `values` (over the current state), e.g. a glitch. */
  glitch(values: Values, bad: readonly SignalName[] = []): T[] {
    return this.sample({ ...this.state, ...values }, bad);
  }

  private sample(values: Values, bad: readonly SignalName[]): T[] {
    for (const name of Object.keys(values) as SignalName[]) {
      if (!bad.includes(name)) this.lastGoodAt.delete(name);
      else if (!this.lastGoodAt.has(name)) this.lastGoodAt.set(name, this.now);
    }
    const emitted = this.target.step(signals(values, this.now, bad, this.lastGoodAt), this.now);
    this.events.push(...emitted);
    this.clock.advance(this.everyMs);
    return emitted;
  }
}

export function phases(events: readonly { phase: string; mono: number }[]): string[] {
  return events.map((e) => `${e.phase}@${e.mono}`);
}
