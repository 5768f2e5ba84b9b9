import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * A long run without vanes (docs/retrofit.md, "Long runs without vanes"): across a 33 m express
 * zone only the barometer bounds the height, its table's gradient trusted to 15 % of the distance
 * from the last vane. The position reads good while the filter's σ is within 0.3 m and bad beyond,
 * however close the value happens to be — here the air is 10 % denser than the table says.
 */

describe('33 m without vanes, the air 10 % off the table', () => {
  it('good for the first few metres past the last vane, bad from 12 m on; good again at the vane beyond', () => {
    const car = new Car({}, { levels: [0, 3000, 36000], pressurePa: (hM) => -11.8 * 1.1 * hM });
    car.stand(2000);
    car.trip(3000);
    car.stand(3000);
    const seen: { ms: number; quality: string; offMm: number }[] = [];
    car.trip(36000, (ms) => {
      if (ms % 2000 === 0) {
        const p = car.f.position(car.t);
        seen.push({ ms, quality: p.quality, offMm: Math.abs(p.value - car.hMm) });
      }
    });
    // The cruise starts 0.5 m above landing 1's level, at 1 m/s.
    for (const s of seen.filter((x) => x.ms <= 4000)) expect(s.quality, `${s.ms} ms`).toBe('good');
    for (const s of seen.filter((x) => x.ms >= 12000)) expect(s.quality, `${s.ms} ms`).toBe('bad');
    expect(Math.max(...seen.map((s) => s.offMm))).toBeLessThan(1000);
    car.stand(3000);
    const p = car.f.position(car.t);
    expect(car.f.status(car.t).landing).toBe(2);
    expect(p.quality).toBe('good');
    expect(Math.abs(p.value - 36000)).toBeLessThan(20);
  });
});
