import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * A cold start with the car parked between the ends of the shaft (a gateway rebooted overnight):
 * the fusion is not told the landing. It counts vanes in a hypothetical frame, the lowest vane seen
 * taken for the bottom landing, and knows the landing once the count spans the shaft. A lower vane
 * than any before, and the identification itself, say which landing the frame's bottom really is:
 * the filter's height moves with the frame. Before that was done, a start at landing 1 of three,
 * identified at the bottom, left the filter a floor low and later read a GOOD position at 2999 mm
 * with the car at 6000 mm (landing 1 instead of 2).
 *
 * The car: car.ts's (exact motion in 1 ms steps, trips at 1 m/s² to 1 m/s, an accelerometer
 * sample every 10 ms and a barometer conversion every 140 ms, Hall edges at the millisecond).
 */

/** Each trip ends with a stand; what the fusion says there: quality, position (mm) and landing. */
function tour(car: Car, stops: readonly number[]): { to: number; quality: string; mm: number; landing: number | undefined }[] {
  car.stand(2000);
  return stops.map((to) => {
    car.trip(to);
    car.stand(3000);
    const p = car.f.position(car.t);
    return { to, quality: p.quality, mm: p.value, landing: car.f.landing() };
  });
}

describe('fusion: a cold start between the ends of the shaft', () => {
  it('started at the middle landing, up first, identified at the bottom: every later stop reads its own landing and level', () => {
    const car = new Car({}, { coldStart: true, startMm: 3000 });
    const [top, bottom, middle, topAgain] = tour(car, [6000, 0, 3000, 6000]);
    // Not identified yet at the top: the count has seen two of three vanes.
    expect(top).toMatchObject({ quality: 'bad', landing: undefined });
    for (const [stop, landing] of [
      [bottom!, 0],
      [middle!, 1],
      [topAgain!, 2],
    ] as const) {
      expect(stop.quality, `at ${stop.to} mm`).toBe('good');
      expect(stop.landing, `at ${stop.to} mm`).toBe(landing);
      expect(Math.abs(stop.mm - stop.to), `position at ${stop.to} mm`).toBeLessThan(20);
    }
  });

  it('started mid-shaft, down first past lower vanes, identified at the top: the frame moved at each lower vane, so the position is right', () => {
    const levels = [0, 3000, 6000, 9000, 12000];
    const car = new Car({}, { coldStart: true, levels, startMm: 6000 });
    const stops = tour(car, [3000, 0, 12000, 6000, 9000]);
    // Going down from landing 2 sees lower vanes twice: the bottom of the frame moves each time.
    expect(stops.slice(0, 2).map((s) => s.landing)).toEqual([undefined, undefined]);
    for (const stop of stops.slice(2)) {
      expect(stop.quality, `at ${stop.to} mm`).toBe('good');
      expect(stop.landing, `at ${stop.to} mm`).toBe(levels.indexOf(stop.to));
      expect(Math.abs(stop.mm - stop.to), `position at ${stop.to} mm`).toBeLessThan(20);
    }
  });
});
