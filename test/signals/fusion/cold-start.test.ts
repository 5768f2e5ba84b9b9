import { describe, expect, it } from 'vitest';
import { type FusionOptions, ShaftFusion } from '../../../src/signals/fusion/fusion.js';
import { nominalEdges, shaftModel } from '../../../src/signals/fusion/shaft.js';

/**
 * A cold start with the car parked between the ends of the shaft (a gateway rebooted overnight):
 * the fusion is not told the landing. It counts vanes in a hypothetical frame, the lowest vane seen
 * taken for the bottom landing, and knows the landing once the count spans the shaft. A lower vane
 * than any before, and the identification itself, say which landing the frame's bottom really is:
 * the filter's height moves with the frame. Before that was done, a start at landing 1 of three,
 * identified at the bottom, left the filter a floor low and later read a GOOD position at 2999 mm
 * with the car at 6000 mm (landing 1 instead of 2).
 *
 * The car: exact motion in 1 ms steps, trips at 1 m/s² to 1 m/s, an accelerometer sample every
 * 10 ms and a barometer conversion every 140 ms (each with a little noise), Hall edges at the
 * millisecond they switch.
 */

const G0 = 9.80665;

class Car {
  t = 0;
  hMm: number;
  v = 0;
  upper = false;
  lower = false;
  readonly f: ShaftFusion;
  private baroM: number;
  private n = 0;
  private nBaro = 0;

  constructor(
    readonly levels: readonly number[],
    startMm: number,
    o: Partial<FusionOptions> = {},
  ) {
    this.f = new ShaftFusion({ shaft: shaftModel([...levels]), accelFullScaleMps2: 2 * G0, staleAfterMs: 3000, ...o });
    this.hMm = startMm;
    this.baroM = startMm / 1000;
    this.zone();
    this.f.sensor('upper', this.upper, 0);
    this.f.sensor('lower', this.lower, 0);
    this.sample(0);
  }

  private zone(): void {
    const e = nominalEdges();
    const at = (span: readonly [number, number]) => this.levels.some((l) => this.hMm >= l + span[0] && this.hMm <= l + span[1]);
    this.upper = at(e.upper);
    this.lower = at(e.lower);
  }

  private sample(a: number): void {
    this.f.accel(G0 + a + (this.n++ % 2 === 0 ? 0.01 : -0.01), this.t);
    if (this.t % 140 === 0) this.f.pressure(100_000 - 11.8 * this.baroM + (this.nBaro++ % 2 === 0 ? 0.3 : -0.3), this.t);
  }

  step(a: number): void {
    for (let k = 1; k <= 10; k++) {
      this.hMm += (this.v * 0.001 + 0.5 * a * 1e-6) * 1000;
      this.v += a * 0.001;
      this.baroM += (1 - Math.exp(-0.001 / 0.5)) * (this.hMm / 1000 - this.baroM);
      const [u, l] = [this.upper, this.lower];
      this.zone();
      if (u !== this.upper) this.f.sensor('upper', this.upper, this.t + k);
      if (l !== this.lower) this.f.sensor('lower', this.lower, this.t + k);
    }
    this.t += 10;
    this.sample(a);
  }

  stand(ms: number): void {
    for (let i = 0; i < ms / 10; i++) this.step(0);
  }

  trip(toMm: number): void {
    const d = Math.round(toMm - this.hMm);
    const s = Math.sign(d);
    for (let i = 0; i < 100; i++) this.step(s);
    for (let i = 0; i < (Math.abs(d) - 1000) / 10; i++) this.step(0);
    for (let i = 0; i < 100; i++) this.step(-s);
  }
}

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
    const car = new Car([0, 3000, 6000], 3000);
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
    const car = new Car(levels, 6000);
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
