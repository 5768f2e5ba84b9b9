import { describe, expect, it } from 'vitest';
import { full, Learning } from './learning.js';

/**
 * The learning run at its edges: runs that are not (yet) complete, a run that has not come back
 * to the bottom, a technician who leaves the bottom too early, inputs a learner must not trip on
 * (a Hall sensor chattering at a stop, other signals in a poll). Driven by car.ts's car, its
 * inputs handed to a ShaftLearner in 100 ms polls with the car door open; shaft 0, 3, 6 m.
 */

describe('learning run: when it is complete', () => {
  it('back and forth between the two lowest landings, back at the bottom: not complete, the top never visited', () => {
    const l = new Learning();
    l.car.stand(4000);
    l.visit([3000, 0, 3000, 0]);
    expect(l.learner.progress()).toEqual({ visited: [0, 1], at: 0, complete: false });
    l.visit([6000, 0]);
    expect(l.learner.progress()).toEqual({ visited: [0, 1, 2], at: 0, complete: true });
  });

  it('every landing visited but not back at the bottom: a result all the same, levels measured, no drift to take out', () => {
    const l = new Learning();
    l.car.stand(4000);
    l.visit([3000, 6000]);
    expect(l.learner.progress().complete).toBe(false);
    const r = full(l);
    expect(r.landings.map((x) => x.measuredMm)).toEqual([0, 3000, 6000]);
    expect(r.driftPaPerMin).toBe(0);
    expect(r.landings.map((x) => x.pressurePa)).toEqual([0, -35.4, -70.8]);
  });
});

describe('learning run: what it must not trip on', () => {
  it('the car leaving the bottom before its stop there was recorded: the run goes on, the bottom recorded at the end', () => {
    const l = new Learning();
    l.car.stand(1000); // not yet a stop
    l.visit([3000, 6000, 0]);
    expect(l.learner.progress()).toEqual({ visited: [0, 1, 2], at: 0, complete: false });
    l.visit([3000, 0]);
    expect(l.learner.progress().complete).toBe(true);
    expect(full(l).landings.map((x) => x.measuredMm)).toEqual([0, 3000, 6000]);
  });

  it('a Hall sensor chattering at a stop already recorded changes nothing', () => {
    const quiet = new Learning();
    const chatty = new Learning();
    for (const l of [quiet, chatty]) {
      l.car.stand(4000);
      for (const to of [3000, 6000, 0]) {
        l.car.trip(to);
        l.car.stand(3000);
        if (l === chatty) {
          // The lower sensor drops out for a millisecond, twice, the car standing level (the upper stays on).
          const t = l.car.t;
          l.learner.feed([
            { signal: 'doorZoneLower', value: false, at: t + 1 },
            { signal: 'doorZoneLower', value: true, at: t + 2 },
          ]);
        }
        l.car.stand(1000);
      }
    }
    expect(full(chatty)).toEqual(full(quiet));
  });

  it("another signal in the poll (the car's PIR) is not taken for the door: a stop is recorded 2 s after the door-open standstill", () => {
    const l = new Learning({ perPoll: (at) => ({ signal: 'occupied', value: true, at }) });
    l.car.stand(4000);
    l.car.trip(3000);
    const arrived = l.car.t;
    l.car.stand(2110); // still from the 12th quiet sample after the last braking one (door open), recorded 2 s later
    l.flush();
    expect(l.learner.progress().at).toBeUndefined();
    l.car.stand(10);
    l.flush();
    expect(l.car.t).toBe(arrived + 2120);
    expect(l.learner.progress().at).toBe(1);
  });
});
