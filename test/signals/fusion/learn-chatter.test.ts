import { describe, expect, it } from 'vitest';
import type { FusedInput } from '../../../src/signals/fusion/fused-signals.js';
import { type LearnResult, ShaftLearner } from '../../../src/signals/fusion/learn.js';
import { Car, FULL_SCALE } from './car.js';

/**
 * A Hall sensor dropping out for a millisecond while the car stands at a landing, in the 2 s before
 * the learning run records the stop, was learned as vane edges where the car stands: the hop was
 * still open, the fusion reported the two edges with the arrival landing, and they were averaged in
 * at the hop's end. Shaft 0, 3, 6 m, nominal vanes (lower sensor −150…180 mm), a drop-out 1 s into
 * each stop: learned lowerMm [0, 180], [−50, 180], [−75, 255] instead of [−150, 180], up to 150 mm
 * written into `elevators[].shaft`, which the fusion then anchors to. An edge once the car stands
 * is no longer taken for a vane's place (learn-limits.test.ts: the same drop-out after the stop is
 * recorded never was).
 */

const LEVELS = [0, 3000, 6000];

function learn(chatter: boolean): LearnResult {
  const learner = new ShaftLearner(LEVELS, { accelFullScaleMps2: FULL_SCALE, vanes: { zoneMm: 150, spreadMm: 30 } });
  let batch: FusedInput[] = [{ signal: 'doorClosed', value: false, at: 0 }];
  const flush = () => {
    learner.feed(batch);
    batch = [];
  };
  const car = new Car(
    { learning: true },
    {
      tap: (i) => {
        batch.push(i);
        if (i.signal === 'accelVerticalMps2' && i.at % 100 === 0) flush();
      },
    },
  );
  car.stand(4000);
  for (const to of [3000, 6000, 0]) {
    car.trip(to);
    car.stand(1000);
    flush();
    if (chatter)
      learner.feed([
        { signal: 'doorZoneLower', value: false, at: car.t + 1 },
        { signal: 'doorZoneLower', value: true, at: car.t + 2 },
      ]);
    car.stand(3000);
  }
  flush();
  const r = learner.result();
  if ('missing' in r) throw new Error(r.missing);
  return r;
}

describe('a drop-out before the stop is recorded', () => {
  it('learns the same vane edges as a run without it', () => {
    const quiet = learn(false);
    expect(quiet.landings.map((l) => l.lowerMm)).toEqual([
      [-150, 180],
      [-150, 180],
      [-150, 180],
    ]);
    expect(learn(true).landings.map((l) => l.lowerMm)).toEqual(quiet.landings.map((l) => l.lowerMm));
  });
});
