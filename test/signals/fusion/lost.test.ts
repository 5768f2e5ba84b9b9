import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * The landing lost and found again by counting (docs/retrofit.md, "A missed vane"): the count
 * refuted — the edges of two vanes in a row refused, or a count that runs past an end of the
 * shaft — drops the identification, and a count started afresh at the loss finds the landing
 * once it has spanned the shaft, as after a cold start. These trips never stand a second in a
 * door zone, so the height at a standstill (reidentify.test.ts) plays no part: only the count.
 */

const FIVE = [0, 3000, 6000, 9000, 12000];

/** What the fusion says now: position quality and value (mm), landing, identified. */
function says(car: Car) {
  const p = car.f.position(car.t);
  const s = car.f.status(car.t);
  return { quality: p.quality, mm: Math.round(p.value), landing: s.landing, identified: s.identified };
}

describe('lost at an end of the shaft, found by counting to the other end', () => {
  it("up from the bottom, landing 2's vane missed: lost entering the top vane, found again at the bottom vane", () => {
    const car = new Car({}, { levels: FIVE });
    car.stand(2000);
    car.blind.add(2);
    car.trip(12000); // counted 2 at landing 3 (refused), 3 at landing 4 (refused: lost)
    car.blind.clear();
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
    car.stand(500); // no standstill: half a second in the zone
    car.trip(0);
    // The fresh count started at the top vane, where the loss was: the bottom vane completes the shaft.
    expect(says(car)).toEqual({ quality: 'good', mm: 0, landing: 0, identified: true });
    car.stand(3000);
    expect(Math.abs(car.f.position(car.t).value)).toBeLessThan(5);
  });

  it('down from the top, the same vane missed: lost entering the bottom vane, found again at the top vane', () => {
    const car = new Car({ startLanding: 4 }, { levels: FIVE, startMm: 12000 });
    car.stand(2000);
    car.blind.add(2);
    car.trip(0);
    car.blind.clear();
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
    car.stand(500);
    car.trip(12000);
    expect(says(car)).toEqual({ quality: 'good', mm: 12001, landing: 4, identified: true });
  });

  it('while lost, the edges that still do not fit the old count are refused, but do not restart the fresh count', () => {
    // Going down from the top after the loss, landings 3 and 2 are refused against the old count;
    // the fresh count must go on from the top vane, or the bottom would not complete the shaft.
    const car = new Car({}, { levels: FIVE });
    car.stand(2000);
    car.blind.add(2);
    car.trip(12000);
    car.blind.clear();
    const rejected = car.f.status(car.t).anchorsRejected;
    car.stand(500);
    car.trip(0);
    expect(car.f.status(car.t).anchorsRejected).toBeGreaterThan(rejected);
    expect(says(car)).toMatchObject({ landing: 0, identified: true, quality: 'good' });
  });
});

describe('a count that runs past an end', () => {
  /** Told it starts at landing 1, the car is at landing 0: every edge fits the wrong count, until the top. */
  function wrongStart(): Car {
    const car = new Car({ startLanding: 1 });
    car.stand(3000);
    car.trip(3000);
    car.stand(3000);
    return car;
  }

  it('the count one high fits every edge: it reads landing 2 at landing 1 (nothing can tell)', () => {
    const car = wrongStart();
    expect(says(car)).toEqual({ quality: 'good', mm: 6000, landing: 2, identified: true });
  });

  it('up to the top vane the count runs past the shaft: lost, and it stays lost standing there', () => {
    const car = wrongStart();
    car.trip(6000);
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
    car.stand(3000);
    // Its own height (9 m, a floor above the top) is no landing: the count has to find it.
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
  });

  it('then down to the bottom: the fresh count has spanned the shaft, the position is right again', () => {
    const car = wrongStart();
    car.trip(6000);
    car.stand(3000);
    car.trip(0);
    expect(says(car)).toEqual({ quality: 'good', mm: 0, landing: 0, identified: true });
    car.stand(3000);
    car.trip(6000);
    car.stand(3000);
    expect(says(car)).toMatchObject({ quality: 'good', landing: 2 });
    expect(Math.abs(car.f.position(car.t).value - 6000)).toBeLessThan(10);
  });
});

describe('lost, standing where the height cannot be trusted to a landing', () => {
  it('stopped 160 mm above landing 1, only the lower sensor on its vane: no landing is taken from the height', () => {
    const car = new Car();
    car.stand(2000);
    car.blind.add(1);
    car.trip(6000);
    car.blind.clear();
    car.stand(3000);
    car.trip(3160); // lost entering landing 1's vane
    car.stand(4000);
    expect(car.f.status(car.t).still).toBe(true);
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
    // Levelled into the zone: now it is.
    car.f.door(false);
    car.trip(3000 - 1000); // down a metre ...
    car.trip(3000); // ... and back into the door zone
    car.stand(1500);
    expect(says(car)).toMatchObject({ landing: 1, identified: true });
  });
});
