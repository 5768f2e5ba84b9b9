import { describe, expect, it } from 'vitest';
import { absSpeed, isDoorClosed, isDoorNotClosed, isMoving, isStationary, isTooFastForZone, optionalFlag } from '../../src/detect/rules/conditions.js';
import { signals } from './scenario.js';

const STILL = 0.05;

/**
 * The signal predicates every rule is built from. Each answers unknown (undefined) when the
 * signal it reads is bad, so that missing data neither raises nor clears a fault.
 */
describe('rule conditions', () => {
  it('speed counts in either direction; a bad speed is unknown, never 0', () => {
    expect(absSpeed(signals({ speedMps: -1.2 }, 0))).toBe(1.2);
    expect(absSpeed(signals({ speedMps: 1.2 }, 0, ['speedMps']))).toBeUndefined();
    expect(isStationary(signals({ speedMps: 0 }, 0, ['speedMps']), STILL)).toBeUndefined();
    expect(isMoving(signals({ speedMps: 0 }, 0, ['speedMps']), STILL)).toBeUndefined();
  });

  it('stationary below the threshold, moving from it on, in either direction', () => {
    const at = (v: number) => signals({ speedMps: v }, 0);
    expect([isStationary(at(0.049), STILL), isMoving(at(0.049), STILL)]).toEqual([true, false]);
    expect([isStationary(at(STILL), STILL), isMoving(at(STILL), STILL)]).toEqual([false, true]);
    expect([isStationary(at(-STILL), STILL), isMoving(at(-0.06), STILL)]).toEqual([false, true]);
  });

  it('a door reading unknown or bad is neither closed nor not closed', () => {
    expect(isDoorClosed(signals({ door: 'closed' }, 0))).toBe(true);
    expect(isDoorClosed(signals({ door: 'opening' }, 0))).toBe(false);
    for (const s of [signals({ door: 'unknown' }, 0), signals({ door: 'closed' }, 0, ['door']), signals({}, 0)]) {
      expect([isDoorClosed(s), isDoorNotClosed(s)]).toEqual([undefined, undefined]);
    }
  });

  it('too fast for the door zone: inside and outside limits, and with the zone unknown only when both agree', () => {
    const at = (speedMps: number, doorZone?: boolean) => signals(doorZone === undefined ? { speedMps } : { speedMps, doorZone }, 0);
    expect(isTooFastForZone(at(0.4, true), 0.1, 0.3)).toBe(true);
    expect(isTooFastForZone(at(0.2, true), 0.1, 0.3)).toBe(false);
    expect(isTooFastForZone(at(0.2, false), 0.1, 0.3)).toBe(true);
    expect(isTooFastForZone(at(0.1, false), 0.1, 0.3)).toBe(false);
    expect(isTooFastForZone(at(0.31), 0.1, 0.3)).toBe(true);
    expect(isTooFastForZone(at(-0.1), 0.1, 0.3)).toBe(false);
    expect(isTooFastForZone(at(0.2), 0.1, 0.3)).toBeUndefined();
    expect(isTooFastForZone(signals({ speedMps: 2, doorZone: false }, 0, ['speedMps']), 0.1, 0.3)).toBeUndefined();
  });

  it('an optional input the board lacks is false; one it has but reads badly is unknown', () => {
    expect(optionalFlag(signals({}, 0), 'alarmButton')).toBe(false);
    expect(optionalFlag(signals({ alarmButton: true }, 0), 'alarmButton')).toBe(true);
    expect(optionalFlag(signals({ alarmButton: true }, 0, ['alarmButton']), 'alarmButton')).toBeUndefined();
  });
});
