import { describe, expect, it } from 'vitest';
import { shaftModel } from '../../../src/signals/fusion/shaft.js';
import { Car } from './car.js';

/**
 * After a cold start, the first stops at an identified landing must not read the hypothetical
 * frame's move as that landing's barometric signature error. Shaft 0, 3, 6 m with learned
 * signatures that match the air exactly, a cold start (a gateway restart; `diag learn --check`
 * starts this way too) at landing 1, up to the top, down to the bottom: the bottom vane moves the
 * frame up 3 m. The barometer's offset carried that move (−3 m), and the first stop at landing 0
 * recorded it as landing 0's signature error: shuttling 0 ↔ 1, "re-learn advised" at the fifth
 * stop on a perfect shaft (and `diag learn --check --stops 10` would exit 1). A frame move now
 * takes the barometer's reference again.
 */

const LEVELS = [0, 3000, 6000];
const LEARNED = { landings: [0, -30, -75].map((pressurePa) => ({ pressurePa, upperMm: [-180, 150] as const, lowerMm: [-150, 180] as const })) };
const air = (hM: number) => (hM <= 3 ? -10 * hM : -30 - 15 * (hM - 3));

describe('the drift check after a cold start at landing 1', () => {
  it('a shaft that fits its learned signatures: no landing more than 0.3 m off, no re-learn advised, at any stop', () => {
    const car = new Car({ shaft: shaftModel(LEVELS, LEARNED) }, { pressurePa: air, coldStart: true, startMm: 3000 });
    car.stand(3000);
    for (const to of [6000, 0, 3000, 0, 3000, 0, 3000, 0, 3000, 0]) {
      car.trip(to);
      car.stand(3000);
      expect(car.f.status(car.t).relearnAdvised, `at ${to} mm`).toBe(false);
    }
    expect(car.f.anchorDrift()[0]!.stops).toBe(5);
    for (const d of car.f.anchorDrift()) expect(Math.abs(d.baroM), `landing ${d.landing}`).toBeLessThan(0.3);
  });
});
