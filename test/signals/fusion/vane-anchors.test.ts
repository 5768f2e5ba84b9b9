import { describe, expect, it } from 'vitest';
import { Car, fusion, rest } from './car.js';

/**
 * The vanes as anchors (docs/retrofit.md): each edge places the car, a vane's first edge places
 * the vane (its offset from the table's level, state L), its later edges must agree; an edge too
 * far from the car is refused and counted; the anchor drift `diag learn --check` reads. And the
 * Hall reports themselves: one without a time, one before the accelerometer's first sample, a
 * car that starts on one sensor only.
 */

/** Round trips 0 → 1 → 2 → 1 → 0, `n` times, 3 s at each stop. */
function rounds(car: Car, n: number): void {
  car.stand(2000);
  for (let i = 0; i < n; i++) {
    for (const to of [3000, 6000, 3000, 0]) {
      car.trip(to + (car.car.vaneShiftMm?.[to / 3000] ?? 0));
      car.stand(3000);
    }
  }
}

describe('a vane off its table level', () => {
  it("landing 1's vane 100 mm above its level: the levelling error at the exact vanes after it stays exact", () => {
    const car = new Car({}, { vaneShiftMm: [0, 100, 0] });
    car.stand(2000);
    car.trip(3100);
    car.stand(3000);
    car.trip(6000);
    car.stand(3000);
    expect(car.f.levelingError(car.t).quality).toBe('good');
    expect(Math.abs(car.f.levelingError(car.t).value)).toBeLessThan(3);
    car.trip(3100);
    car.stand(3000);
    // Level with landing 1's vane: its own offset (L) is the vane's, so the levelling error is about zero.
    expect(Math.abs(car.f.levelingError(car.t).value)).toBeLessThan(3);
  });

  it("700 mm below it: beyond the edges' χ² gate, its edges are refused and counted, the stop there reads bad; the next vane that fits clears it", () => {
    const car = new Car({}, { vaneShiftMm: [0, -700, 0] });
    car.stand(2000);
    car.trip(2300);
    car.stand(3000);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 1, anchors: 2, anchorsRejected: 2 });
    expect(car.f.position(car.t).quality).toBe('bad');
    car.trip(6000);
    car.stand(3000);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 2, anchors: 4, anchorsRejected: 4 });
    expect(car.f.position(car.t).quality).toBe('good');
    expect(Math.abs(car.f.position(car.t).value - 6000)).toBeLessThan(10);
  });
});

describe('anchor drift (diag learn --check)', () => {
  it('a shaft that fits: no re-learning advised, every vane agreeing with itself within 2 mm', () => {
    const car = new Car();
    rounds(car, 2);
    expect(car.f.status(car.t)).toMatchObject({ relearnAdvised: false, drift: [] });
    const drift = car.f.anchorDrift();
    expect(drift.map((d) => d.landing)).toEqual([0, 1, 2]);
    for (const d of drift) expect(d.edgeMm, `landing ${d.landing}`).toBeLessThan(2);
    expect(drift[1]!.edges).toBeGreaterThan(5);
  });

  it('a vane moved as a whole (100 mm) cannot be told from a car off level: no re-learning advised', () => {
    const car = new Car({}, { vaneShiftMm: [0, 100, 0] });
    rounds(car, 2);
    expect(car.f.status(car.t).relearnAdvised).toBe(false);
    expect(car.f.anchorDrift()[1]!.edgeMm).toBeLessThan(3);
  });

  it("landing 1's upper sensor switching 20 mm from where the table says (a bent bracket): re-learning advised for landing 1", () => {
    const car = new Car({}, { vaneEdges: [undefined, { upper: [-160, 170], lower: [-150, 180] }, undefined] });
    rounds(car, 2);
    const s = car.f.status(car.t);
    expect(s.relearnAdvised).toBe(true);
    expect(s.drift.map((d) => d.landing)).toEqual([1]);
    expect(s.drift[0]!.edgeMm).toBeGreaterThan(8);
  });
});

describe('the Hall reports', () => {
  it('a report without a time is ignored: nothing refused, the position stays good', () => {
    const car = new Car();
    car.stand(3000);
    car.f.sensor('lower', false, Number.NaN);
    car.f.sensor('lower', true, car.t + 1);
    expect(car.f.status(car.t)).toMatchObject({ anchors: 0, anchorsRejected: 0, landing: 0 });
    expect(car.f.position(car.t).quality).toBe('good');
  });

  it("an edge before the accelerometer's first sample anchors the car where it is (no motion to add)", () => {
    const f = fusion({}, [0, 3000, 6000]);
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    f.sensor('lower', false, 5); // the lower sensor's low end: the car is 150 mm below landing 0's level
    expect(f.status(5)).toMatchObject({ anchors: 1, anchorsRejected: 0 });
    rest(f, 10, 3000);
    f.pressure(100_000, 3000);
    expect(f.height().heightM).toBeCloseTo(-0.15, 1);
  });

  it('a cold start 160 mm above the top landing, only the lower sensor on its vane: the count starts from that vane', () => {
    const car = new Car({}, { coldStart: true, startMm: 6160 });
    car.stand(3000);
    car.trip(0);
    car.stand(3000);
    // The top vane, the middle one and the bottom one: the shaft is spanned.
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 0 });
    expect(car.f.position(car.t).quality).toBe('good');
  });
});

describe('the accelerometer silent a while', () => {
  it('1.5 s without samples while cruising is bridged: the height goes on at the speed', () => {
    const car = new Car();
    car.stand(2000);
    const after: number[] = [];
    car.trip(6000, (ms) => {
      if (ms === 500) car.accelOn = false;
      if (ms === 2000) car.accelOn = true;
      if (ms === 2010) after.push(car.f.position(car.t).value - car.hMm);
    });
    expect(Math.abs(after[0]!)).toBeLessThan(30);
  });
});
