import { describe, expect, it } from 'vitest';
import { directionOf, doorState, levelingError, nearestFloor, SpeedEstimator } from '../../src/signals/derive.js';
import type { DoorState } from '../../src/signals/types.js';

/**
 * The signals derived from raw ones, as the rules and the live view read them: the landing and
 * levelling error from a position, the direction from a speed, the door's state from its end
 * contacts, a speed from positions when a board has no speed register.
 */

describe('landing and levelling error', () => {
  const levels = [0, 4500, 7500, 10_500];

  it('the nearest landing, with the car above it (+) or below it (−)', () => {
    expect([nearestFloor(levels, -300), nearestFloor(levels, 2249), nearestFloor(levels, 2251), nearestFloor(levels, 12_000)]).toEqual([0, 0, 1, 3]);
    expect([levelingError(levels, 4512), levelingError(levels, 7480), levelingError(levels, -300)]).toEqual([12, -20, -300]);
  });

  it('halfway between two landings counts to the lower one', () => {
    expect(nearestFloor(levels, 2250)).toBe(0);
    expect(levelingError(levels, 6000)).toBe(1500);
  });
});

describe('direction', () => {
  it('up or down beyond the stationary band; within it, and on its edge, none', () => {
    expect([0.3, 0.051, 0.05, 0, -0.05, -0.051, -2].map((v) => directionOf(v, 0.05))).toEqual(['up', 'up', 'none', 'none', 'none', 'down', 'down']);
  });
});

describe('door state from its end contacts', () => {
  const ALL: DoorState[] = ['closed', 'opening', 'open', 'closing', 'unknown'];

  it('at an end: the end; both ends made at once is a wiring fault, unknown', () => {
    for (const previous of ALL) {
      expect(doorState(true, false, previous)).toBe('closed');
      expect(doorState(false, true, previous)).toBe('open');
      expect(doorState(true, true, previous)).toBe('unknown');
      expect(doorState(true, undefined, previous)).toBe('closed');
      expect(doorState(undefined, true, previous)).toBe('open');
    }
  });

  it('between the ends: the way from the end it left, unknown when that is not known', () => {
    expect(ALL.map((previous) => doorState(false, false, previous))).toEqual(['opening', 'opening', 'closing', 'closing', 'unknown']);
  });

  it('with only a closed contact, not closed reads open; with only an open contact, not open is unknown', () => {
    for (const previous of ALL) {
      expect(doorState(false, undefined, previous)).toBe('open');
      expect(doorState(undefined, false, previous)).toBe('unknown');
      expect(doorState(undefined, undefined, previous)).toBe('unknown');
    }
  });
});

describe('speed from positions', () => {
  it('a low-pass (τ 200 ms) over the difference of successive positions, in m/s', () => {
    const e = new SpeedEstimator();
    expect(e.update(1000, 0)).toBe(0); // one position: no speed yet
    // 100 mm in 100 ms is 1 m/s; α = 100 / (200 + 100).
    expect(e.update(1100, 100)).toBeCloseTo(1 / 3, 10);
    expect(e.update(1200, 200)).toBeCloseTo(1 / 3 + (1 - 1 / 3) / 3, 10);
    expect(e.update(1200, 300)).toBeCloseTo((5 / 9) * (2 / 3), 10);
  });

  it('a position at the same or an earlier time changes no speed, and the next difference is from it', () => {
    const e = new SpeedEstimator(100);
    e.update(0, 0);
    const v = e.update(100, 100); // 1 m/s, α ½
    expect(v).toBeCloseTo(0.5, 10);
    expect(e.update(5000, 100)).toBeCloseTo(0.5, 10);
    expect(e.update(5000, 50)).toBeCloseTo(0.5, 10);
    // From (5000, 50): −2000 mm in 150 ms.
    expect(e.update(3000, 200)).toBeCloseTo(0.5 + (150 / 250) * (-2000 / 150 - 0.5), 10);
  });

  it('a polled position counts at the middle of its window: one slow answer reads no faster than the car', () => {
    // The car at 1.75 m/s, polled every 100 ms; the request of 2100 is answered at 2250 (slot 2200 skipped).
    const e = new SpeedEstimator();
    for (let t = 0; t <= 2000; t += 100) e.update(1.75 * t, t);
    const speeds = [e.update(1.75 * 2100, 2250, 2100), e.update(1.75 * 2300, 2300, 2300), e.update(1.75 * 2400, 2400, 2400)];
    for (const v of speeds) expect(v).toBeLessThan(1.75 * 1.15);
    // Stamped at the answers alone, 350 mm in 50 ms reads 7 m/s, enough for an overspeed.
    const stamped = new SpeedEstimator();
    for (let t = 0; t <= 2000; t += 100) stamped.update(1.75 * t, t);
    stamped.update(1.75 * 2100, 2250);
    expect(stamped.update(1.75 * 2300, 2300)).toBeGreaterThan(1.75 * 1.15);
  });

  it('a reading without a request time is timed by its `at`, as before', () => {
    const a = new SpeedEstimator();
    const b = new SpeedEstimator();
    for (let t = 0; t <= 500; t += 100) expect(a.update(2 * t, t)).toBe(b.update(2 * t, t, t));
  });

  it('moving down reads negative', () => {
    const e = new SpeedEstimator();
    e.update(9000, 0);
    expect(e.update(8900, 100)).toBeLessThan(0);
  });
});
