import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * The barometer's offset away from the bottom landing, and a learning run that does without it.
 * A weather front that the barometer's offset is re-taken from must be taken at the car's height,
 * not at the bottom landing's; and a learning run's fusion (its levels are what is measured) does
 * not let the nominal 11.8 Pa/m pull its height when the shaft's air is 10 % denser than that.
 */

describe('a weather front with the car at the top landing', () => {
  it('100 Pa at once (8 m worth): refused twenty times, then the offset taken anew at 6 m, believed again', () => {
    const car = new Car({ startLanding: 2 }, { startMm: 6000 });
    car.stand(3000);
    car.weatherPa = 100;
    car.stand(5000);
    expect(car.f.status(car.t).baroRejected).toBe(20);
    car.stand(5000);
    const s = car.f.status(car.t);
    expect(s.baroRejected).toBe(20);
    expect(s.landing).toBe(2);
    const p = car.f.position(car.t);
    expect(p.quality).toBe('good');
    expect(Math.abs(p.value - 6000)).toBeLessThan(10);
  });
});

describe('a learning run: the barometer does not pull the height', () => {
  it('air 10 % off the nominal gradient (13 Pa/m): the height at each stop is the accelerometer’s, to a few mm', () => {
    const car = new Car({ learning: true }, { pressurePa: (hM) => -13 * hM });
    car.f.door(false);
    car.stand(3000);
    for (const to of [3000, 6000, 3000, 0]) {
      car.trip(to);
      car.stand(3000);
      const h = car.f.height();
      expect(h.still, `at ${to}`).toBe(true);
      expect(Math.abs(h.heightM * 1000 - to), `at ${to}: ${h.heightM}`).toBeLessThan(3);
    }
  });

  it('a weather front during the run (100 Pa at once): no pressure reading is refused, the height does not move', () => {
    const car = new Car({ learning: true });
    car.f.door(false);
    car.stand(3000);
    car.trip(6000);
    car.stand(3000);
    car.weatherPa = 100;
    car.stand(5000);
    expect(car.f.status(car.t).baroRejected).toBe(0);
    expect(Math.abs(car.f.height().heightM - 6)).toBeLessThan(0.003);
  });
});
