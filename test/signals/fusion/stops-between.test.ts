import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * Stops that are not at a landing's door zone, and the start of a standstill in one: a car
 * stopped between floors gets its levelling error against the nearest landing's own level (not
 * the offset of the last vane it passed), a stop outside the door zone is not a stop at a landing
 * for the drift check (anchorDrift), and with the door closed the car counts as still only once it
 * has stood a second in the zone (docs/retrofit.md, "Zero-velocity updates").
 */

describe('a car stopped between floors', () => {
  it("nearer landing 2, after passing landing 1's vane 100 mm above its level: the levelling error is against landing 2's level", () => {
    const car = new Car({}, { vaneShiftMm: [0, 100, 0] });
    car.stand(2000);
    car.trip(3100);
    car.stand(3000);
    car.trip(5000); // stuck 1 m below landing 2
    car.stand(3000);
    // The position is in the table's frame (landing 1's vane took part of its 100 mm as the car's height).
    const p = car.f.position(car.t);
    expect(p.quality).toBe('good');
    expect(Math.abs(p.value - 4900)).toBeLessThan(30);
    // Landing 2's vane has not been seen since: nothing of landing 1's vane offset is taken off.
    const e = car.f.levelingError(car.t);
    expect(e.quality).toBe('good');
    expect(e.value).toBeCloseTo(p.value - 6000, 3);
  });

  it('stops outside the door zone (1.5 m above landing 1, then 160 mm above it: the lower sensor alone on its vane) are not stops at landing 1 for the drift check', () => {
    const car = new Car();
    car.stand(3000);
    car.trip(3000);
    car.stand(3000);
    expect(car.f.anchorDrift()[1]!.stops).toBe(1);
    for (const to of [4500, 3160]) {
      car.trip(to);
      car.stand(7000); // still after 2 s quiet (no zone, door unknown), then 2 s still and more
      expect(car.f.status(car.t), `at ${to}`).toMatchObject({ still: true, landing: 1 });
      expect(car.f.anchorDrift()[1]!.stops, `at ${to}`).toBe(1);
    }
    car.trip(0);
    car.stand(3000);
    car.trip(3000);
    car.stand(3000);
    expect(car.f.anchorDrift()[1]!.stops).toBe(2);
  });
});

describe('door closed, a stop just inside the door zone', () => {
  it('still only a second after entering the zone, though quiet for half a second before that', () => {
    const car = new Car();
    car.f.door(true);
    car.stand(3000);
    car.trip(2860); // 10 mm inside the lower sensor's span: the zone entered 0.14 s before the car stops
    const stopped = car.t;
    car.stand(750);
    expect(car.f.status(car.t).still).toBe(false);
    car.stand(250);
    expect(car.t - stopped).toBe(1000);
    expect(car.f.status(car.t).still).toBe(true);
  });
});
