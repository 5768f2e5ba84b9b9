import type { SimState, VirtualElevator } from '../../src/sim/elevator.js';
import type { ScenarioRunner } from '../../src/sim/runner.js';

/** Advances in 10 ms steps for `ms` of simulated time and returns every state seen. */
export function run(target: VirtualElevator | ScenarioRunner, ms: number, stepMs = 10): SimState[] {
  const e = 'elevator' in target ? target.elevator : target;
  const seen: SimState[] = [];
  for (let t = 0; t < ms; t += stepMs) {
    if ('elevator' in target) target.advance(stepMs);
    else target.step(stepMs);
    seen.push(e.state());
  }
  return seen;
}

/** Advances until the predicate holds (or throws after `limitMs`). */
export function runUntil(target: VirtualElevator | ScenarioRunner, done: (s: SimState) => boolean, limitMs = 120_000): SimState[] {
  const e = 'elevator' in target ? target.elevator : target;
  const seen: SimState[] = [];
  for (let t = 0; t < limitMs; t += 10) {
    if ('elevator' in target) target.advance(10);
    else target.step(10);
    const s = e.state();
    seen.push(s);
    if (done(s)) return seen;
  }
  throw new Error(`condition not reached within ${limitMs} ms of simulated time`);
}

/** Longest stretch (ms, first to last sample) over which `pred` holds in every sample. */
export function longestStretchMs(states: readonly SimState[], pred: (s: SimState) => boolean): number {
  let best = 0;
  let since: number | undefined;
  for (const s of states) {
    if (pred(s)) {
      since ??= s.simMs;
      best = Math.max(best, s.simMs - since);
    } else since = undefined;
  }
  return best;
}

export const inZone = (s: SimState): boolean => s.doorZoneUpper && s.doorZoneLower;
