import { describe, expect, it } from 'vitest';
import { ElevgwError } from '../../src/core/errors.js';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { parseSimScenario, type SimScenarioInput } from '../../src/sim/scenario.js';
import { run } from './helpers.js';

function problemsOf(input: unknown): string {
  try {
    parseSimScenario(input, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ElevgwError);
    expect((e as ElevgwError).code).toBe('SCENARIO_INVALID');
    return (e as ElevgwError).message;
  }
  throw new Error('expected the scenario to be refused');
}

const base: SimScenarioInput = { name: 't', durationS: 60, steps: [{ atS: 0, action: 'call', floor: 3 }] };

describe('scenario format', () => {
  it('accepts a plain object and fills in defaults', () => {
    const s = parseSimScenario({ ...base, traffic: { seed: 3 } });
    expect(s.description).toBe('');
    expect(s.elevator).toEqual({});
    expect(s.traffic).toMatchObject({ seed: 3, minIdleS: 5, maxIdleS: 30 });
  });

  it('refuses an invalid scenario with a message naming the path', () => {
    expect(
      problemsOf({
        ...base,
        steps: [
          { atS: 0, action: 'call', floor: 1 },
          { atS: 2, action: 'call', floor: 1.5 },
        ],
      }),
    ).toMatch(/test\.yaml is invalid:\n {2}steps\[1\]\.floor: /);
    expect(problemsOf({ ...base, steps: [{ atS: 1, action: 'teleport' }] })).toMatch(/steps\[0\]\.action: /);
    expect(problemsOf({ ...base, steps: [{ atS: 1, action: 'stall', floor: 2 }] })).toMatch(/steps\[0\]: Unrecognized key: "floor"/);
    expect(problemsOf({ ...base, steps: [{ atS: 0, action: 'call', floor: 10 }] })).toMatch(/steps\[0\]\.floor: no floor 10 \(floors 0–9\)/);
    expect(problemsOf({ ...base, steps: [{ atS: 61, action: 'mainsOff' }] })).toMatch(/steps\[0\]\.atS: 61 s is after the end/);
    expect(problemsOf({ ...base, elevator: { floorLevelsMm: [0, 3000, 2500] } })).toMatch(/elevator\.floorLevelsMm\[2\]: landing levels must ascend/);
    expect(problemsOf({ ...base, elevator: { ratedSpeedMps: -1 } })).toMatch(/elevator\.ratedSpeedMps: /);
    expect(problemsOf({ ...base, durationS: undefined })).toMatch(/durationS: /);
  });

  it('checks floors against the elevator overrides', () => {
    expect(() => parseSimScenario({ ...base, elevator: { floorLevelsMm: [0, 3000] }, steps: [{ atS: 0, action: 'call', floor: 2 }] })).toThrow(
      /steps\[0\]\.floor: no floor 2 \(floors 0–1\)/,
    );
  });
});

describe('ScenarioRunner', () => {
  it('applies steps at their simulated time, whatever the size of advance()', () => {
    const s = parseSimScenario({
      name: 't',
      durationS: 120,
      steps: [
        { atS: 0, action: 'board', count: 1 },
        { atS: 0.5, action: 'call', floor: 4 },
        { atS: 3.333, action: 'mainsOff' },
        { atS: 9, action: 'mainsOn' },
        { atS: 40, action: 'alight', count: 1 },
        { atS: 41, action: 'alarm', on: true },
      ],
    });
    const fine = new ScenarioRunner(s);
    run(fine, 100_000);
    const coarse = new ScenarioRunner(s);
    for (let i = 0; i < 4; i++) coarse.advance(25_000);
    const odd = new ScenarioRunner(s);
    for (let t = 0; t < 100_000; t += 7.3) odd.advance(Math.min(7.3, 100_000 - t));
    expect(coarse.elevator.state()).toEqual(fine.elevator.state());
    expect(odd.elevator.state()).toEqual(fine.elevator.state());
    expect(fine.elevator.state()).toMatchObject({ positionMm: 12_000, passengers: 0, alarmButton: true, mainsPower: true });
  });

  it('sorts steps by time and keeps same-time steps in order', () => {
    const r = new ScenarioRunner(
      parseSimScenario({
        name: 't',
        durationS: 10,
        steps: [
          { atS: 5, action: 'alarm', on: false },
          { atS: 1, action: 'alarm', on: true },
          { atS: 5, action: 'alarm', on: true },
        ],
      }),
    );
    r.advance(3000);
    expect(r.elevator.state().alarmButton).toBe(true);
    r.advance(3000);
    expect(r.elevator.state().alarmButton).toBe(true);
  });

  it('restart() replays the timeline on the same elevator', () => {
    const r = new ScenarioRunner(parseSimScenario({ name: 't', durationS: 40, steps: [{ atS: 1, action: 'call', floor: 2 }] }));
    run(r, 40_000);
    expect(r.finished).toBe(true);
    r.restart();
    expect(r.finished).toBe(false);
    expect(r.scenarioMs).toBe(0);
    run(r, 40_000);
    expect(r.elevator.counters()).toEqual({ trips: 1, doorCycles: 2 }); // second call opens the doors where the car is
    expect(r.elevator.simMs).toBe(80_000);
  });

  it('drives an elevator it is given', () => {
    const e = new VirtualElevator({}, 3);
    const r = new ScenarioRunner(parseSimScenario({ name: 't', durationS: 40, steps: [{ atS: 0, action: 'call', floor: 0 }] }), e);
    run(r, 30_000);
    expect(e.state().positionMm).toBe(0);
  });
});

describe('traffic generator', () => {
  const traffic = (seed: number) => parseSimScenario({ name: 'traffic', durationS: 1800, traffic: { seed, minIdleS: 2, maxIdleS: 20 } });

  function tripLog(seed: number): { floors: number[]; counters: { trips: number; doorCycles: number }; maxIdleOccupiedMs: number } {
    const r = new ScenarioRunner(traffic(seed));
    const floors: number[] = [];
    let idleOccupiedSince: number | undefined;
    let maxIdleOccupiedMs = 0;
    while (!r.finished) {
      r.advance(10);
      const s = r.elevator.state();
      if (s.doorOpen && floors.at(-1) !== s.controllerFloor) floors.push(s.controllerFloor);
      if (s.occupied && s.speedMps === 0 && s.doorClosed) {
        idleOccupiedSince ??= s.simMs;
        maxIdleOccupiedMs = Math.max(maxIdleOccupiedMs, s.simMs - idleOccupiedSince);
      } else idleOccupiedSince = undefined;
    }
    return { floors, counters: r.elevator.counters(), maxIdleOccupiedMs };
  }

  it('is deterministic for a seed and differs between seeds', () => {
    const a = tripLog(42);
    expect(tripLog(42)).toEqual(a);
    expect(tripLog(43).floors).not.toEqual(a.floors);
    expect(a.counters.trips).toBeGreaterThan(30);
    expect(a.counters.trips - a.counters.doorCycles).toBeGreaterThanOrEqual(0); // the last trip may still be under way
    expect(a.counters.trips - a.counters.doorCycles).toBeLessThanOrEqual(1);
  });

  it('never leaves passengers waiting in a closed, standing car (no false trapped)', () => {
    expect(tripLog(7).maxIdleOccupiedMs).toBeLessThan(5_000);
  });
});
