import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../../src/config/thresholds.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import type { IndicatorSummary } from '../../../src/detect/health/summary.js';
import type { ElevatorSignals, SignalName } from '../../../src/signals/types.js';
import { ALL_SIGNALS, FLOORS_MM, Scenario, type Values } from '../scenario.js';

/**
 * ElevatorHealth driven as the engine drives it: one sample every 100 ms through `observe`, the
 * watchers' landing, standing and inspection read from the signals. Floor labels unlike the
 * indices, so a landing shown by its index instead of its label shows.
 */
const LABELS = ['B2', 'B1', 'G', '1', '2', '3'];
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: LABELS[i]!, levelMm }));

/**
 * A lift's health on a scenario. `marked`: each sample that reads as the one before (values and
 * qualities) is passed as unchanged, as the pipeline passes it.
 */
function lift(marked = false): { health: ElevatorHealth; sc: Scenario } {
  const health = new ElevatorHealth({ elevatorId: 'E1', thresholds: defaultThresholds, ratedSpeedMps: 1.75, floors: FLOORS, available: new Set(ALL_SIGNALS) });
  let before = '';
  const step = (s: ElevatorSignals, now: number) => {
    const reads = JSON.stringify(Object.entries(s).map(([name, r]) => [name, r?.value, r?.quality]));
    const same = marked && reads === before;
    before = reads;
    // Unmarked: the default, every sample watched.
    return marked ? health.observe(s, now, same) : health.observe(s, now);
  };
  return { health, sc: new Scenario({ step }) };
}

/** The door worked at a stop: opening for `openMs`, open 3 s, closing for `closeMs`, closed 1 s. */
function doorCycle(sc: Scenario, openMs: number, closeMs: number, bad: readonly SignalName[] = []): void {
  sc.set({ door: 'opening' }).run(openMs, bad);
  sc.set({ door: 'open' }).run(3000, bad);
  sc.set({ door: 'closing' }).run(closeMs, bad);
  sc.set({ door: 'closed' }).run(1000, bad);
}

/**
 * A trip of `floors` landings from where the car stands (negative: down): 0.2 m/s steps up to
 * rated speed (2 m/s² between 10 % and 90 % of rated), a 2 s cruise with one 100 ms blink of the
 * lock circuit, the same steps down, then a stop in the zone `levelMm` off the sill.
 */
function trip(sc: Scenario, from: number, floors: number, levelMm: number, bad: readonly SignalName[] = []): void {
  const sign = Math.sign(floors);
  const steps = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6];
  const moving = (speed: number): Values => ({ speedMps: sign * speed, direction: sign > 0 ? 'up' : 'down', doorZone: false, positionMm: FLOORS_MM[from]! + sign * 1500 });
  for (const v of steps) sc.set(moving(v)).run(100, bad);
  sc.set(moving(1.75)).run(1000, bad);
  sc.glitch({ doorLockCircuit: false }, bad);
  sc.run(900, bad);
  for (const v of [...steps].reverse()) sc.set(moving(v)).run(100, bad);
  const to = from + floors;
  sc.set({ speedMps: 0, direction: 'none', doorZone: true, positionMm: FLOORS_MM[to]!, floor: to, levelingErrorMm: levelMm }).run(500, bad);
}

const at = (s: IndicatorSummary, id: 'doorOpenS' | 'doorCloseS' | 'levelingMm') =>
  Object.fromEntries(Object.entries(s.histograms[id].byFloor).map(([label, bins]) => [label, bins.indexOf(1)]));
const causes = (h: ElevatorHealth) =>
  h
    .baselines()
    .map((b) => b.cause)
    .sort();

describe('ElevatorHealth.observe on a ride', () => {
  it('times the doors at the landing the car stands at, levels per landing and arrival direction, and counts the trips', () => {
    const { health, sc } = lift(); // parked at index 2 ('G'), door closed
    sc.run(1000);
    doorCycle(sc, 2000, 3000); // G: opening 2.0 s, closing 3.0 s
    trip(sc, 2, 2, 4); // up to index 4 ('2'), 4 mm high
    doorCycle(sc, 2500, 3500); // '2': 2.5 s, 3.5 s
    trip(sc, 4, -3, -2); // down to index 1 ('B1'), 2 mm low
    doorCycle(sc, 1500, 4500);

    const s = health.takeSummary();
    // Bins: [2, 2.5) is 3, [2.5, 3) is 4, [3, 3.5) is 5, [3.5, 4) is 6, [1.5, 2) is 2, [4.5, 5) → [4, 5) is 7.
    expect(at(s, 'doorOpenS')).toEqual({ G: 3, '2': 4, B1: 2 });
    expect(at(s, 'doorCloseS')).toEqual({ G: 5, '2': 6, B1: 7 });
    // Levelling bins: [3, 6) is 7, [-3, -1) is 4.
    expect(at(s, 'levelingMm')).toEqual({ '2': 7, B1: 4 });
    expect(s.counts).toMatchObject({ trips: 2, doorCycles: 3, lockGlitches: 2, relevels: 0, reopenings: 0 });
    expect(causes(health)).toEqual(
      [
        'accelMps2@*/down',
        'accelMps2@*/up',
        'doorCloseS',
        'doorOpenS',
        'levelingMm@*/down',
        'levelingMm@*/up',
        'peakSpeedRatio@*/down',
        'peakSpeedRatio@*/up',
        'tripExcessS@*/down',
        'tripExcessS@*/up',
      ].sort(),
    );
    // 36 moving samples a trip, 100 ms each.
    expect(health.wear).toEqual({ trips: 2, doorCycles: 3, runningMs: 7200 });
  });

  it('in inspection nothing is timed, counted or learned: the runs and doors are the technician’s', () => {
    const { health, sc } = lift();
    sc.set({ inspection: true }).run(1000);
    doorCycle(sc, 2000, 3000);
    trip(sc, 2, 2, 4);
    doorCycle(sc, 2500, 3500);
    // The technician unplugs a sensor box and plugs it in again, twice: not the link's drop-outs.
    for (let i = 0; i < 2; i++) {
      sc.run(2000, ['occupied']);
      sc.run(2000);
    }
    const s = health.takeSummary();
    expect([s.histograms.doorOpenS.byFloor, s.histograms.doorCloseS.byFloor, s.histograms.levelingMm.byFloor]).toEqual([{}, {}, {}]);
    expect(s.counts).toMatchObject({ trips: 0, doorCycles: 0, lockGlitches: 0, sensorDrops: 0 });
    expect(health.baselines()).toEqual([]);
  });

  it('a door worked outside the zone (a rescue between floors) or at an unread floor is no landing’s door time', () => {
    const { health, sc } = lift();
    sc.set({ positionMm: 7500, doorZone: false, levelingErrorMm: 1500 }).run(1000);
    doorCycle(sc, 2000, 3000);
    sc.set({ positionMm: 6000, doorZone: true, levelingErrorMm: 0 }).run(1000);
    doorCycle(sc, 2000, 3000, ['floor']);
    const s = health.takeSummary();
    expect([s.histograms.doorOpenS.byFloor, s.histograms.doorCloseS.byFloor]).toEqual([{}, {}]);
    expect(s.counts.doorCycles).toBe(2);
    expect(health.baselines()).toEqual([]);
  });

  it('a lock blink while the speed is unread is not a glitch: the car may be standing', () => {
    const { health, sc } = lift();
    sc.run(1000);
    trip(sc, 2, 2, 4, ['speedMps']);
    const s = health.takeSummary();
    expect(s.counts).toMatchObject({ trips: 0, lockGlitches: 0 });
  });

  it('a car creeping at exactly the stationary speed moves, as the stop watch reads it: a lock blink then is a glitch', () => {
    const { health, sc } = lift();
    sc.run(1000);
    sc.set({ speedMps: defaultThresholds.stationaryMps, direction: 'up' }).run(300);
    sc.glitch({ doorLockCircuit: false });
    sc.run(300);
    expect(health.takeSummary().counts.lockGlitches).toBe(1);
  });

  it('samples passed as unchanged give the same figures: a running car and a settling stop are still watched', () => {
    const ride = (marked: boolean) => {
      const { health, sc } = lift(marked);
      sc.run(1000);
      doorCycle(sc, 2000, 3000);
      trip(sc, 2, 2, 4);
      doorCycle(sc, 2500, 3500);
      return { summary: health.takeSummary(), wear: health.wear, causes: causes(health) };
    };
    const plain = ride(false);
    expect(plain.summary.counts.trips).toBe(1);
    expect(ride(true)).toEqual(plain);
  });
});
