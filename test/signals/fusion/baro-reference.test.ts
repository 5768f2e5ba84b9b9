import { describe, expect, it } from 'vitest';
import { shaftModel } from '../../../src/signals/fusion/shaft.js';
import { Car } from './car.js';

/**
 * The barometer against learned signatures (docs/retrofit.md, "The barometer"): the height is read
 * from a table of per-landing pressures, re-referenced at every stop at an identified landing so
 * the weather does not shift the segment it is read in, and the offset found at each stop is that
 * landing's signature error — what `diag learn --check` reads (anchorDrift, relearnAdvised).
 * The shaft here: landings at 0, 3, 6 m, learned at 0, −30, −75 Pa (10 Pa/m, then 15 Pa/m).
 */

const LEVELS = [0, 3000, 6000];
const LEARNED = { landings: [0, -30, -75].map((pressurePa) => ({ pressurePa, upperMm: [-180, 150] as const, lowerMm: [-150, 180] as const })) };
/** The shaft's pressure, relative to the bottom landing, as learned. */
const learned = (hM: number) => (hM <= 3 ? -10 * hM : -30 - 15 * (hM - 3));

/** 0 → 1 → 2 → 1 → 0, `n` times, 3 s at each stop; `between` runs after each stop. */
function rounds(car: Car, n: number, between?: () => void): void {
  car.stand(3000);
  for (let i = 0; i < n; i++) {
    for (const to of [3000, 6000, 3000, 0]) {
      car.trip(to);
      car.stand(3000);
      between?.();
    }
  }
}

describe('re-referenced at every stop', () => {
  it('the weather falling 2 m worth over the day: every landing read where it is, no re-learning advised', () => {
    const car = new Car({ shaft: shaftModel(LEVELS, LEARNED) }, { pressurePa: learned });
    rounds(car, 3, () => {
      car.weatherPa += 2;
    });
    expect(car.f.status(car.t)).toMatchObject({ relearnAdvised: false, drift: [], baroRejected: 0 });
    for (const d of car.f.anchorDrift()) {
      expect(d.stops, `landing ${d.landing}`).toBeGreaterThanOrEqual(3);
      expect(Math.abs(d.baroM), `landing ${d.landing}`).toBeLessThan(0.3);
    }
  });

  it('started at the top landing: the table is read from its own segment from the first reading', () => {
    const car = new Car({ shaft: shaftModel(LEVELS, LEARNED), startLanding: 2 }, { startMm: 6000, pressurePa: learned });
    rounds(car, 2);
    expect(car.f.status(car.t)).toMatchObject({ relearnAdvised: false, baroRejected: 0 });
    for (const d of car.f.anchorDrift()) expect(Math.abs(d.baroM), `landing ${d.landing}`).toBeLessThan(0.3);
  });

  it("landing 1's signature 15 Pa off today (a season's stack effect): re-learning advised, landing 1 named, about 1.2 m off", () => {
    // Nominal table (11.8 Pa/m); around landing 1 the shaft reads up to 15 Pa high.
    const off = (hM: number) => -11.8 * hM + (Math.abs(hM - 3) < 1.5 ? 15 * (1 - Math.abs(hM - 3) / 1.5) : 0);
    const car = new Car({}, { pressurePa: off });
    rounds(car, 4);
    const s = car.f.status(car.t);
    expect(s.relearnAdvised).toBe(true);
    const one = s.drift.find((d) => d.landing === 1);
    expect(one).toBeDefined();
    expect(one!.baroM).toBeCloseTo(-1.2, 1);
    expect(one!.stops).toBe(8);
  });
});

describe('a weather front', () => {
  it('the barometer 100 Pa up at once (8 m worth): refused twenty times, then its offset is taken anew and it is believed again', () => {
    const car = new Car();
    car.stand(3000);
    car.weatherPa = 100;
    car.stand(5000);
    expect(car.f.status(car.t).baroRejected).toBe(20);
    car.stand(5000);
    expect(car.f.status(car.t).baroRejected).toBe(20);
    expect(car.f.position(car.t).quality).toBe('good');
    expect(Math.abs(car.f.position(car.t).value)).toBeLessThan(10);
  });
});
