import type { DoorState, ElevatorSignals, Sample, SignalName, SignalValues } from '../../src/signals/types.js';
import { ALL_SIGNALS, FLOORS_MM } from './scenario.js';
import { prng } from '../../src/sim/prng.js';

/**
 * A seeded, deliberately rough trace of one elevator's signals for comparing two ways of running
 * the rules: the car moves at speeds from creeping to overspeed and past the end landings, the
 * position sometimes jumps, the controller floor sometimes disagrees, doors stall and reverse,
 * buttons are tapped and held — and the field bus is noisy: readings go bad for a while (with
 * the time of their last good read, as the normalizer stamps them), are held through a failed
 * poll (the same value with its old read time, sometimes the very same object), and polls are
 * not evenly spaced. Not a realistic lift: a fuzzer that makes every rule raise and clear.
 */
export interface NoisyTraceOptions {
  seed: number;
  steps: number;
  /** Signals the board provides (default all); the others are absent from every sample. */
  available?: readonly SignalName[];
  /**
   * How many times rarer the car's changes are (default 1): a calm trace keeps its state long
   * enough for the long holds (a trapped passenger, a door held open) to complete.
   */
  calm?: number;
  /**
   * Bad readings whose time moves while they stay bad (default false: a bad reading keeps the
   * time of its last good read): some are stamped with the poll's time, as fusion stamps an
   * estimate it does not trust yet, and some move back mid-episode, as a stale reading does when
   * the heartbeat is then found frozen since earlier.
   */
  restamped?: boolean;
}

export interface TraceStep {
  t: number;
  signals: ElevatorSignals;
}

const DOORS: DoorState[] = ['closed', 'closed', 'opening', 'open', 'open', 'closing', 'unknown'];
const SPEEDS = [0, 0, 0, 0, 0.05, 0.2, 0.5, 1.0, 1.75, 2.1, -0.3, -1.0, -1.75];
const TOP = FLOORS_MM.at(-1)!;

function nearest(mm: number): number {
  let best = 0;
  for (let i = 1; i < FLOORS_MM.length; i++) if (Math.abs(FLOORS_MM[i]! - mm) < Math.abs(FLOORS_MM[best]! - mm)) best = i;
  return best;
}

export function noisyTrace(o: NoisyTraceOptions): TraceStep[] {
  const rnd = prng(o.seed);
  const chance = (p: number) => rnd() < p;
  const calm = o.calm ?? 1;
  const change = (p: number) => chance(p / calm);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const provided = new Set(o.available ?? ALL_SIGNALS);

  let t = 0;
  let speed = 0;
  let pos = 6000;
  let floorOffset = 0;
  let door: DoorState = 'closed';
  const flags = {
    safetyCircuit: true,
    overspeedSwitch: false,
    occupied: false,
    inspection: false,
    alarmButton: false,
    mainsPower: true,
    topFinalLimit: false,
    bottomFinalLimit: false,
  };
  let lockGlitch = false;
  let zoneGlitch = false;

  const last = new Map<SignalName, Sample<unknown>>();
  const lastGood = new Map<SignalName, Sample<unknown>>();
  const badLeft = new Map<SignalName, number>();
  const badMode = new Map<SignalName, 'kept' | 'poll' | 'back'>();
  const out: TraceStep[] = [];

  for (let i = 0; i < o.steps; i++) {
    const dt = chance(0.05) ? pick([50, 200, 300, 1000]) : 100;
    t += dt;
    if (change(0.012)) speed = pick(SPEEDS);
    pos = Math.max(-400, Math.min(TOP + 400, pos + speed * dt));
    if (change(0.001)) pos = Math.round(rnd() * TOP);
    if (change(0.003)) floorOffset = floorOffset === 0 ? pick([1, -1]) : 0;
    if (change(0.03)) door = pick(DOORS);
    for (const k of Object.keys(flags) as (keyof typeof flags)[]) {
      const p = k === 'alarmButton' || k === 'occupied' ? 0.01 : 0.002;
      if (change(p)) flags[k] = !flags[k];
    }
    if (change(0.004)) lockGlitch = !lockGlitch;
    if (change(0.004)) zoneGlitch = !zoneGlitch;

    const mm = Math.round(pos);
    const floor = nearest(mm);
    const level = mm - FLOORS_MM[floor]!;
    const values: SignalValues = {
      positionMm: mm,
      floor,
      speedMps: speed,
      direction: speed > 0.05 ? 'up' : speed < -0.05 ? 'down' : 'none',
      door,
      doorZone: Math.abs(level) <= 100 !== zoneGlitch,
      levelingErrorMm: level,
      doorLockCircuit: (door === 'closed') !== lockGlitch,
      controllerFloor: Math.max(0, floor + floorOffset),
      ...flags,
    };

    const s: Record<string, Sample<unknown>> = {};
    for (const name of ALL_SIGNALS) {
      if (!provided.has(name)) continue;
      const prev = last.get(name);
      const good = lastGood.get(name);
      let left = badLeft.get(name) ?? 0;
      if (left === 0 && chance(0.002)) {
        left = 1 + Math.floor(rnd() * 200);
        if (o.restamped) badMode.set(name, pick(['kept', 'poll', 'back'] as const));
      }
      let sample: Sample<unknown>;
      if (left > 0) {
        badLeft.set(name, left - 1);
        const kept = good?.at ?? t;
        const mode = badMode.get(name) ?? 'kept';
        const at = mode === 'poll' ? t : mode === 'back' && left < 50 ? kept - 3000 : kept;
        sample = { value: good?.value ?? values[name], quality: 'bad', at };
      } else if (prev !== undefined && prev.quality === 'good' && chance(0.05)) {
        // Held through a failed poll: the last reading again, as it was read.
        sample = chance(0.5) ? prev : { value: prev.value, quality: 'good', at: prev.at };
      } else {
        sample = { value: values[name], quality: 'good', at: t };
      }
      if (sample.quality === 'good') lastGood.set(name, sample);
      last.set(name, sample);
      s[name] = sample;
    }
    out.push({ t, signals: s as ElevatorSignals });
  }
  return out;
}
