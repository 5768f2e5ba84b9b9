import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type SimState } from '../../src/sim/elevator.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { inZone, longestStretchMs } from './helpers.js';

const RATED = DEFAULT_MODEL.ratedSpeedMps;

/** Runs a built-in scenario to its end in 10 ms steps and returns every state. */
function play(name: string): { states: SimState[]; runner: ScenarioRunner } {
  const runner = new ScenarioRunner(SCENARIOS[name]!.scenario);
  const states: SimState[] = [];
  while (!runner.finished) {
    runner.advance(10);
    states.push(runner.elevator.state());
  }
  return { states, runner };
}

const trapped = (s: SimState): boolean => s.speedMps === 0 && s.doorClosed && s.occupied && !inZone(s);
const anyFault = (s: SimState): boolean => (!s.doorClosed && s.speedMps !== 0) || s.overspeedSwitch || !s.mainsPower || s.alarmButton || s.inspection;

describe('built-in scenarios', () => {
  it('each has a description and a finite duration', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(['demo', 'door-open-while-moving', 'normal', 'overspeed', 'power-loss', 'trapped']);
    for (const { description, scenario } of Object.values(SCENARIOS)) {
      expect(description.length).toBeGreaterThan(10);
      expect(scenario.durationS).toBeGreaterThan(0);
    }
  });

  it('normal: traffic with passengers, no fault, never above rated speed', () => {
    const { states, runner } = play('normal');
    expect(runner.elevator.counters().trips).toBeGreaterThan(10);
    expect(states.some((s) => s.occupied)).toBe(true);
    expect(states.some(anyFault)).toBe(false);
    expect(states.every((s) => Math.abs(s.speedMps) <= RATED)).toBe(true);
    expect(longestStretchMs(states, trapped)).toBe(0);
  });

  it('trapped: stationary outside the door zone, doors closed, occupied for ≥ 60 s, then released and delivered', () => {
    const { states } = play('trapped');
    expect(longestStretchMs(states, trapped)).toBeGreaterThanOrEqual(60_000);
    const end = states.findLastIndex(trapped);
    const after = states.slice(end + 1);
    const doorsOpenAgain = after.findIndex((s) => s.doorOpen);
    expect(doorsOpenAgain).toBeGreaterThan(0);
    expect(after[doorsOpenAgain]!.occupied).toBe(true); // the passenger is delivered, doors open at a landing
    expect(inZone(after[doorsOpenAgain]!)).toBe(true);
  });

  it('door-open-while-moving: the door is not closed while the car runs faster than 0.3 m/s, for about a second', () => {
    const { states } = play('door-open-while-moving');
    const stretch = longestStretchMs(states, (s) => !s.doorClosed && Math.abs(s.speedMps) > 0.3);
    expect(stretch).toBeGreaterThanOrEqual(900);
    expect(stretch).toBeLessThanOrEqual(1_100);
    expect(states.filter((s) => !s.doorClosed && s.speedMps !== 0).every((s) => !s.doorLockCircuit && !inZone(s))).toBe(true);
  });

  it('overspeed: |speed| above 1.15 × rated with the overspeed switch tripped, for about a second', () => {
    const { states } = play('overspeed');
    const over = (s: SimState): boolean => Math.abs(s.speedMps) > 1.15 * RATED;
    expect(Math.max(...states.map((s) => Math.abs(s.speedMps)))).toBeCloseTo(1.3 * RATED, 6);
    expect(states.filter(over).every((s) => s.overspeedSwitch)).toBe(true);
    const stretch = longestStretchMs(states, over);
    expect(stretch).toBeGreaterThanOrEqual(800);
    expect(stretch).toBeLessThanOrEqual(2_000);
  });

  it('power-loss: mains absent for ≥ 10 s, the car stops at once between floors, then completes its trip', () => {
    const { states } = play('power-loss');
    expect(longestStretchMs(states, (s) => !s.mainsPower)).toBeGreaterThanOrEqual(9_990);
    const cut = states.findIndex((s) => !s.mainsPower);
    const stop = states.findIndex((s, i) => i > cut && s.speedMps === 0);
    expect((stop - cut) * 10).toBeLessThanOrEqual(1_000);
    expect(inZone(states[stop]!)).toBe(false);
    expect(states.some((s, i) => i > stop && s.doorOpen && s.positionMm === DEFAULT_MODEL.floorLevelsMm[5])).toBe(true);
  });

  it('demo: about three minutes with each fault, a trapped stop of ≥ 40 s, then a power cut', () => {
    const { states } = play('demo');
    expect(SCENARIOS.demo!.scenario.durationS).toBeGreaterThanOrEqual(150);
    expect(SCENARIOS.demo!.scenario.durationS).toBeLessThanOrEqual(200);
    const firstTime = (pred: (s: SimState) => boolean): number => states.find(pred)?.simMs ?? NaN;
    const tDoor = firstTime((s) => !s.doorClosed && Math.abs(s.speedMps) > 0.3);
    const tOver = firstTime((s) => s.overspeedSwitch && Math.abs(s.speedMps) > 1.15 * RATED);
    const tTrapped = firstTime(trapped);
    const tPower = firstTime((s) => !s.mainsPower);
    expect(states.slice(0, tDoor / 10).some((s) => s.occupied && s.speedMps !== 0)).toBe(true); // normal trips with passengers first
    expect(tDoor).toBeLessThan(tOver);
    expect(tOver).toBeLessThan(tTrapped);
    expect(tTrapped).toBeLessThan(tPower);
    expect(longestStretchMs(states, trapped)).toBeGreaterThanOrEqual(40_000);
    expect(longestStretchMs(states, (s) => !s.mainsPower)).toBeGreaterThanOrEqual(9_990);
  });

  it.each(['trapped', 'door-open-while-moving', 'overspeed', 'power-loss', 'demo'])(
    '%s ends idle at the bottom landing with nobody inside and nothing active, so it loops',
    (name) => {
      const { states, runner } = play(name);
      const end = states.at(-1)!;
      expect(runner.elevator.idle()).toBe(true);
      expect(end).toMatchObject({ positionMm: 0, speedMps: 0, doorClosed: true, passengers: 0, mainsPower: true, overspeedSwitch: false, alarmButton: false, inspection: false });
      // a second round on the same elevator does the same things
      const first = runner.elevator.counters();
      runner.restart();
      while (!runner.finished) runner.advance(10);
      expect(runner.elevator.counters()).toEqual({ trips: 2 * first.trips, doorCycles: 2 * first.doorCycles });
      expect(runner.elevator.state()).toMatchObject({ positionMm: 0, passengers: 0 });
    },
  );
});
