import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * Lost (a vane missed), standing still in a door zone, on a shaft whose floors are not all alike:
 * [0, 3, 7.5, 10.5, 12] m — a 4.5 m floor in the middle and a 1.5 m one at the top. The landing is
 * taken from the height only if it is unambiguous against the *nearer* neighbour (a third of that
 * gap, 3σ within half of it; docs/retrofit.md, "A missed vane"); at the ends only the one
 * neighbour counts. Lost, the height's σ is ≈ 0.3 m: 3σ is more than half the 1.5 m floor.
 */

const U = [0, 3000, 7500, 10500, 12000];

function says(car: Car) {
  const p = car.f.position(car.t);
  const s = car.f.status(car.t);
  return { quality: p.quality, mm: Math.round(p.value) + 0, landing: s.landing, identified: s.identified };
}

/** Lost on the way up to the top (landing 1's vane missed), then to `toMm` and 3 s there. */
function lostUpThenStand(toMm: number): Car {
  const car = new Car({}, { levels: U });
  car.stand(2000);
  car.blind.add(1);
  car.trip(12000);
  car.blind.clear();
  car.trip(toMm);
  car.stand(3000);
  return car;
}

describe('lost, standing at a landing with a short floor next to it', () => {
  it('at landing 3, the 1.5 m floor above it: not taken from the height, though the 3 m floor below would allow it', () => {
    const car = lostUpThenStand(10500);
    expect(car.f.status(car.t).still).toBe(true);
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
  });

  it('then at the top landing, 1.5 m above the one below it: still not, the only neighbour is too close', () => {
    const car = lostUpThenStand(10500);
    car.trip(12000);
    car.stand(3000);
    expect(car.f.status(car.t).still).toBe(true);
    expect(says(car)).toMatchObject({ quality: 'bad', landing: undefined, identified: false });
  });

  it('at landing 2, 4.5 m above landing 1 and 3 m below landing 3: found from the height, against the 3 m floor', () => {
    const car = lostUpThenStand(7500);
    expect(says(car)).toMatchObject({ quality: 'bad', landing: 2, identified: true, mm: 7500 });
  });
});

describe('lost on the way down, standing at the bottom landing', () => {
  it('the fresh count has seen two vanes only: the bottom landing is found from the height (no landing below it to weigh)', () => {
    const car = new Car({ startLanding: 4 }, { levels: U, startMm: 12000 });
    car.stand(2000);
    car.blind.add(3);
    car.trip(3000); // lost entering landing 1's vane (landings 2 and 1 refused, counted one high)
    expect(says(car)).toMatchObject({ quality: 'bad', identified: false });
    car.trip(0);
    car.stand(3000);
    expect(says(car)).toMatchObject({ landing: 0, identified: true, mm: 0 });
    car.trip(3000);
    car.stand(2000);
    expect(says(car)).toMatchObject({ quality: 'good', landing: 1, identified: true });
  });
});
