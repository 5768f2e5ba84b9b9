import { describe, expect, it } from 'vitest';
import { CircuitWatch } from '../../../src/detect/health/circuit-watch.js';
import { DoorWatch } from '../../../src/detect/health/door-watch.js';
import { type RunSample, StopWatch } from '../../../src/detect/health/stop-watch.js';
import type { DoorState } from '../../../src/signals/types.js';
import { PARKED, running, Scenario, type Values } from '../scenario.js';
import { Recorder } from './recorder.js';

/** A door driven through states at given times (ms), standing at `landing`. */
function doorSteps(w: DoorWatch, steps: [number, DoorState][], landing = 5): void {
  for (const [t, d] of steps) w.step(d, landing, t, false);
}

describe('DoorWatch', () => {
  it('times a closing from leaving fully open to closed, and an opening from leaving closed to fully open, at the landing', () => {
    const r = new Recorder();
    doorSteps(new DoorWatch(r, 300), [
      [0, 'closed'],
      [1000, 'opening'],
      [3500, 'open'],
      [7500, 'closing'],
      [10_600, 'closed'],
    ]);
    expect(r.lines).toEqual(['doorOpenS@5/*=2.5', 'expose closings 1', 'doorCloseS@5/*=3.1', 'tally doorCycle']);
  });

  it('a closing that reverses is a failed closing, not a closing time; the reopening is counted at the stop', () => {
    const r = new Recorder();
    const w = new DoorWatch(r, 300);
    doorSteps(w, [
      [0, 'closed'],
      [1000, 'opening'],
      [3500, 'open'],
      [7500, 'closing'],
      [9000, 'opening'], // a passenger steps in
      [10_000, 'open'],
      [12_000, 'closing'],
      [12_100, 'opening'], // a 100 ms contact glitch: no failed closing
      [12_200, 'closing'],
      [15_500, 'closed'],
    ]);
    w.departed();
    expect(r.lines).toEqual(['doorOpenS@5/*=2.5', 'count failedCloses@5 1', 'expose closings 1', 'expose closings 1', 'tally doorCycle', 'count doorReopens 2', 'expose stops 1']);
  });

  it('a door-closed contact alone gives door cycles but no times; nothing is counted in inspection', () => {
    const r = new Recorder();
    const w = new DoorWatch(r, 300);
    doorSteps(w, [
      [0, 'closed'],
      [1000, 'open'],
      [8000, 'closed'],
    ]);
    w.step('opening', 5, 9000, true);
    w.step('open', 5, 11_000, true);
    w.step('closing', 5, 12_000, true);
    w.step('closed', 5, 15_000, true);
    expect(r.lines).toEqual(['tally doorCycle']);
  });
});

const STOP = { stationaryMps: 0.05, ratedSpeedMps: 1.75, tripMinMs: 1000, settleMs: 500, nearMissFactor: 1.05 };

function runSample(v: Partial<RunSample>): RunSample {
  return { speedMps: 0, positionMm: 0, door: 'closed', doorZone: true, levelingErrorMm: 0, landing: 0, inspection: false, ...v };
}

describe('StopWatch', () => {
  it('a trip with a cruise: peak against rated, time lost to the ramps, acceleration, then the levelling of its stop', () => {
    const r = new Recorder();
    let departures = 0;
    const w = new StopWatch(r, STOP, () => departures++);
    w.step(runSample({ positionMm: 0 }), 0);
    // 0.8 m/s² ramp to 1.75 m/s, sampled every 0.5 s; cruise; brake; stop 9 m up.
    const speeds = [0.4, 0.8, 1.2, 1.6, 1.75, 1.75, 1.75, 1.75, 1.6, 1.2, 0.8, 0.4];
    for (const [i, v] of speeds.entries()) w.step(runSample({ speedMps: v, positionMm: 500 * i, door: 'closed', doorZone: false, landing: null }), 500 * (i + 1));
    w.step(runSample({ speedMps: 0, positionMm: 9004, door: 'closed', landing: 3, levelingErrorMm: 4 }), 6500);
    w.step(runSample({ positionMm: 9004, door: 'opening', landing: 3, levelingErrorMm: 4 }), 7000);
    w.step(runSample({ positionMm: 9004, door: 'open', landing: 3, levelingErrorMm: 4 }), 9500);
    w.step(runSample({ positionMm: 9004, door: 'open', landing: 3, levelingErrorMm: 4 }), 10_000);
    expect(departures).toBe(1);
    expect(r.lines).toEqual(['tally trip', 'expose trips 1', 'accelMps2@*/up=0.8', 'peakSpeedRatio@*/up=1', 'tripExcessS@*/up=0.855', 'levelingMm@3/up=4']);
  });

  it('an overspeed near-miss is tallied; a re-levelling move with the door open is counted at the next departure', () => {
    const r = new Recorder();
    const w = new StopWatch(r, STOP, () => {});
    let t = 0;
    const at = (v: Partial<RunSample>) => {
      t += 500;
      w.step(runSample(v), t);
    };
    at({});
    for (const v of [0.9, 1.9, 1.9, 1.9, 0.9]) at({ speedMps: -v, doorZone: false, landing: null });
    at({ door: 'open', landing: 0 });
    at({ door: 'open', speedMps: 0.08, landing: null }); // re-levelling in the zone
    at({ door: 'open', speedMps: 0.06, landing: null });
    at({ door: 'open', landing: 0 });
    at({ door: 'closed', landing: 0 });
    at({ speedMps: 0.9, doorZone: false, landing: null });
    expect(r.lines.filter((l) => /nearMiss|relevels/.test(l))).toEqual(['tally nearMiss', 'count relevels 1']);
  });
});

describe('CircuitWatch', () => {
  it('counts safety-circuit openings shorter than the fault hold and lock openings while running; not a long one, not in inspection', () => {
    const r = new Recorder();
    const w = new CircuitWatch(r, { safetyHoldMs: 500, lockHoldMs: 500 });
    const sc = new Scenario({
      step: (s, now) => {
        w.step(s, now, Math.abs(s.speedMps?.value ?? 0) >= 0.05, s.inspection?.value === true);
        return [];
      },
    });
    sc.run(1000);
    sc.glitch({ safetyCircuit: false }); // 100 ms open: a glitch
    sc.run(1000);
    sc.set({ safetyCircuit: false }).run(600); // 600 ms: the fault's, not a glitch
    sc.set({ safetyCircuit: true }).run(1000);
    sc.set({ ...running(1.75), door: 'closed' }).run(1000);
    sc.glitch({ doorLockCircuit: false });
    sc.run(1000);
    sc.set({ ...PARKED, inspection: true } as Values).run(500);
    sc.glitch({ safetyCircuit: false });
    sc.run(500);
    expect(r.lines).toEqual(['count safetyGlitches 1', 'count lockGlitches 1']);
  });

  it('a drop in signal quality is counted once, and the reconnect when every signal reads good again', () => {
    const r = new Recorder();
    const w = new CircuitWatch(r, { safetyHoldMs: 500, lockHoldMs: 500 });
    const sc = new Scenario({
      step: (s, now) => {
        w.step(s, now, false, false);
        return [];
      },
    });
    sc.run(500);
    sc.run(2000, ['positionMm', 'speedMps']);
    sc.run(500);
    expect(r.lines).toEqual(['count sensorDrops 1', 'tally reconnect']);
  });
});
