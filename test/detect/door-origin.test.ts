import { describe, expect, it } from 'vitest';
import { DoorOpenWhileMovingRule } from '../../src/detect/rules/door-open-while-moving.js';
import { DoorOpenOriginTracker } from '../../src/detect/rules/door-origin.js';
import type { SignalName } from '../../src/signals/types.js';
import { ruleContext, running, Scenario, signals, type Values } from './scenario.js';

const STILL = 0.05;

/** Feeds samples to a tracker; returns the origin (and position) seen after each. */
function track(samples: [Values, SignalName[]?][]) {
  const t = new DoorOpenOriginTracker();
  return samples.map(([values, bad = []], i) => {
    t.step(signals(values, i * 100, bad), STILL);
    return [t.origin, t.originPositionMm];
  });
}

/**
 * Which came first, the open door or the moving car, tells 运行中开门 (door-open-while-moving)
 * from 开门走车 (moving-with-door-open).
 */
describe('where an open door came from', () => {
  it('is the car’s motion at the moment the door left closed, kept while the door stays open', () => {
    expect(
      track([
        [{ door: 'closed', speedMps: 0, positionMm: 6000 }],
        [{ door: 'opening', speedMps: 0, positionMm: 6000 }],
        [{ door: 'open', speedMps: 0.4, positionMm: 6040 }], // the car creeps away: still 'standing'
      ]),
    ).toEqual([
      [undefined, undefined],
      ['standing', 6000],
      ['standing', 6000],
    ]);
  });

  it('starts afresh at each closing: a door opening during the next run is "moving"', () => {
    const seen = track([
      [{ door: 'open', speedMps: 0, positionMm: 6000 }],
      [{ door: 'closed', speedMps: 0, positionMm: 6000 }],
      [{ door: 'closed', speedMps: 1, positionMm: 6500 }],
      [{ door: 'opening', speedMps: 1, positionMm: 6600 }],
    ]);
    expect(seen.map(([o]) => o)).toEqual(['standing', undefined, undefined, 'moving']);
    expect(seen[3]![1]).toBe(6600);
  });

  it('a door reading unknown or bad while open changes nothing; a speed unknown at the moment leaves the origin unknown', () => {
    const seen = track([[{ door: 'opening', speedMps: 0 }], [{ door: 'unknown', speedMps: 1 }], [{ door: 'open', speedMps: 1 }, ['door']], [{ door: 'open', speedMps: 1 }]]);
    expect(seen.map(([o]) => o)).toEqual(['standing', 'standing', 'standing', 'standing']);
    expect(track([[{ door: 'opening', speedMps: 0 }, ['speedMps']]]).map(([o]) => o)).toEqual([undefined]);
  });
});

describe('door-open-while-moving data', () => {
  it('the raise records speed, door, zone, position and floor; the clear carries nothing', () => {
    const sc = new Scenario(new DoorOpenWhileMovingRule(ruleContext()), running(1.0));
    sc.run(1_000);
    sc.set({ door: 'opening' }).run(500);
    sc.set({ speedMps: 0, door: 'closed', doorZone: true, positionMm: 6000 }).run(2_000);
    expect(sc.events.map((e) => [e.phase, e.data])).toEqual([
      ['raised', { speedMps: 1, door: 'opening', inZone: false, positionMm: 7500, floor: 2 }],
      ['cleared', undefined],
    ]);
  });
});
