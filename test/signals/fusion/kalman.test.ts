import { describe, expect, it } from 'vitest';
import { B, C, H, type KalmanTuning, L, type Row, ShaftKalman, V, Y } from '../../../src/signals/fusion/kalman.js';

/**
 * The shaft filter: height h, speed v, accelerometer bias b, the barometer's lagged height y,
 * the barometric offset c, the accelerometer's sensitivity error s and the vane's offset from its
 * table level L. The accelerometer drives it (predict), the barometer, standstills and magnet
 * edges correct it (update). What it says becomes the speed and position on the platform's map;
 * its variances decide when they read good.
 */

const S = 5; // the sensitivity state (not exported)
const N = 7;

/** No process noise at all: what predict() does to the state and covariance is the model alone. */
const QUIET: KalmanTuning = { accelSigma: 0, biasWalk: 0, offsetWalk: 0, offsetWalkPerMetre: 0, offsetGradient: 0, baroLagS: 0.5 };

function filter(tuning: Partial<KalmanTuning> = {}): ShaftKalman {
  return new ShaftKalman({ ...QUIET, ...tuning });
}

function p(kf: ShaftKalman, i: number, j: number): number {
  return kf.P[i * N + j]!;
}

const HEIGHT: Row = [1, 0, 0, 0, 0, 0, 0];
const SPEED: Row = [0, 1, 0, 0, 0, 0, 0];
const BARO: Row = [0, 0, 0, 1, 1, 0, 0];
const EDGE: Row = [1, 0, 0, 0, 0, 0, -1];

describe('kalman: starting over', () => {
  it('a new filter: at 0 m with 10 m of doubt, the barometer seeing the same, the offset unknown', () => {
    const kf = filter();
    expect([...kf.x]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([kf.variance(H), kf.variance(V), kf.variance(B), kf.variance(Y), kf.variance(C), kf.variance(S), kf.variance(L)]).toEqual([100, 0.25, 0.25, 100, 1e4, 0.0009, 0]);
    expect(p(kf, H, Y)).toBe(100);
    expect(p(kf, Y, H)).toBe(100);
  });

  it('reset() sets height, bias and sensitivity with their variances and forgets everything else', () => {
    const kf = filter();
    kf.x[V] = 3;
    kf.x[C] = 2;
    kf.x[L] = 0.1;
    kf.newVane(0.05);
    kf.predict(1, 0.5, false);
    kf.reset(4.5, 0.01, 0.2, 0.3, 0.02, 0.1);
    expect([...kf.x]).toEqual([4.5, 0, 0.2, 4.5, 0, 0.02, 0]);
    const expected = new Float64Array(N * N);
    expected[H * N + H] = 0.01;
    expected[Y * N + Y] = 0.01;
    expected[H * N + Y] = 0.01;
    expected[Y * N + H] = 0.01;
    expected[V * N + V] = 0.25;
    expected[B * N + B] = 0.09;
    expected[C * N + C] = 1e4;
    expected[S * N + S] = 0.01;
    expect([...kf.P].map((v) => Number(v.toPrecision(12)))).toEqual([...expected]);
  });

  it('without a sensitivity given, it is taken as exact to ±3 %', () => {
    const kf = filter();
    kf.reset(0, 1, 0, 0.5);
    expect(kf.x[S]).toBe(0);
    expect(kf.variance(S)).toBeCloseTo(0.0009, 15);
  });
});

describe('kalman: prediction from the accelerometer', () => {
  it('integrates the acceleration into speed and height (½·a·dt²)', () => {
    const kf = filter();
    kf.predict(1, 0.5, false); // v = 0.5, h = ½ · 1 · 0.25 = 0.125
    expect([kf.x[H], kf.x[V]]).toEqual([0.125, 0.5]);
    kf.predict(1, 0.5, false); // h = 0.125 + 0.5 · 0.5 + 0.125 = 0.5, v = 1
    expect([kf.x[H], kf.x[V]]).toEqual([0.5, 1]);
    kf.predict(-2, 0.25, false); // h = 0.5 + 0.25 − ½ · 2 · 0.0625 = 0.6875, v = 1 − 0.5 = 0.5
    expect([kf.x[H], kf.x[V]]).toEqual([0.6875, 0.5]);
  });

  it('subtracts the bias and corrects the sensitivity before integrating', () => {
    const kf = filter();
    kf.reset(0, 1, 0.25, 0.1, 0.25, 0.01);
    kf.predict(4.25, 1, false); // (4.25 − 0.25) · (1 − 0.25) = 3 m/s²
    expect([kf.x[H], kf.x[V], kf.x[B], kf.x[S]]).toEqual([1.5, 3, 0.25, 0.25]);
  });

  it("the barometer's reading follows the height through its lag: 63 % after one time constant, 86 % after two", () => {
    const kf = filter({ baroLagS: 0.5 });
    kf.reset(0, 1, 0, 0.1);
    kf.x[H] = 1; // a step the barometer has not seen yet
    kf.predict(0, 0.5, true);
    expect(kf.x[Y]).toBeCloseTo(1 - Math.exp(-1), 12);
    kf.predict(0, 0.5, true);
    expect(kf.x[Y]).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(kf.x[H]).toBe(1);
  });

  it('the lag follows the height before the step, not after it', () => {
    const kf = filter({ baroLagS: 1 });
    kf.predict(2, 1, false); // y follows h = 0 (before the step): stays 0; h = 1
    expect([kf.x[H], kf.x[Y]]).toEqual([1, 0]);
    kf.predict(0, 1, false); // y = 0 + (1 − e⁻¹) · (1 − 0)
    expect(kf.x[Y]).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it("the speed's uncertainty flows into the height's, and accelerometer noise adds to both", () => {
    const kf = filter({ accelSigma: 0.1 });
    kf.reset(0, 0, 0, 0, 0, 0); // only the speed (0.25) uncertain
    kf.predict(0, 1, true);
    // F P Fᵀ: var h = dt² · 0.25, cov = dt · 0.25, var v = 0.25; Q = σ² · [¼dt⁴, ½dt³; ½dt³, dt²] with σ² = 0.01.
    expect(kf.variance(H)).toBeCloseTo(0.25 + 0.0025, 12);
    expect(p(kf, H, V)).toBeCloseTo(0.25 + 0.005, 12);
    expect(p(kf, V, H)).toBeCloseTo(0.255, 12);
    expect(kf.variance(V)).toBeCloseTo(0.25 + 0.01, 12);
  });

  it('accelerometer noise over a half-second step: σ² · [¼dt⁴, ½dt³; ½dt³, dt²]', () => {
    const kf = filter({ accelSigma: 0.2 });
    kf.reset(0, 0, 0, 0, 0, 0);
    kf.P[V * N + V] = 0; // nothing uncertain: only the noise
    kf.predict(0, 0.5, true);
    // Q at dt = 0.5, σ² = 0.04: h ¼·0.0625·0.04 = 0.000625, hv ½·0.125·0.04 = 0.0025, v 0.25·0.04 = 0.01.
    expect([kf.variance(H), p(kf, H, V), kf.variance(V)].map((v) => Number(v.toPrecision(12)))).toEqual([0.000625, 0.0025, 0.01]);
  });

  it('an unknown bias makes speed and height uncertain as the car moves (the bias columns of the Jacobian)', () => {
    const kf = filter();
    kf.reset(0, 0, 0, 1, 0, 0); // bias variance 1
    kf.predict(0, 1, true);
    // h' = h + v − ½b, v' = v − b: var h = 0.25 + ¼ = 0.5, var v = 0.25 + 1, cov(h,v) = 0.25 + ½, cov(h,b) = −½, cov(v,b) = −1.
    expect(kf.variance(H)).toBeCloseTo(0.5, 12);
    expect(kf.variance(V)).toBeCloseTo(1.25, 12);
    expect(p(kf, H, V)).toBeCloseTo(0.75, 12);
    expect(p(kf, H, B)).toBeCloseTo(-0.5, 12);
    expect(p(kf, B, H)).toBeCloseTo(-0.5, 12);
    expect(p(kf, V, B)).toBeCloseTo(-1, 12);
    expect(p(kf, B, V)).toBeCloseTo(-1, 12);
    expect(kf.variance(B)).toBe(1);
  });

  it('with a sensitivity correction s, an unknown bias moves speed and height by (1 − s) of it', () => {
    const kf = filter();
    kf.reset(0, 0, 0, 1, 0.5, 0); // s = 0.5 known exactly: a = (f − b) · 0.5
    kf.predict(0, 1, true);
    // h' = h + v − ¼b, v' = v − ½b: var h = 0.25 + 1/16, var v = 0.25 + ¼, cov(h,v) = 0.25 + ⅛.
    expect(kf.variance(H)).toBeCloseTo(0.3125, 12);
    expect(kf.variance(V)).toBeCloseTo(0.5, 12);
    expect(p(kf, H, V)).toBeCloseTo(0.375, 12);
    expect(p(kf, V, B)).toBeCloseTo(-0.5, 12);
  });

  it('an unknown sensitivity makes speed and height uncertain in proportion to the acceleration', () => {
    const kf = filter();
    kf.reset(0, 0, 0, 0, 0, 0.1); // sensitivity variance 0.01
    kf.predict(2, 1, false);
    // h' = h + v + ½·2 − ½·2·s, v' = v + 2 − 2s: var h = 0.25 + 0.01, var v = 0.25 + 4 · 0.01, cov = 0.25 + 2 · 0.01.
    expect([kf.x[H], kf.x[V]]).toEqual([1, 2]);
    expect(kf.variance(H)).toBeCloseTo(0.26, 12);
    expect(kf.variance(V)).toBeCloseTo(0.29, 12);
    expect(p(kf, H, V)).toBeCloseTo(0.27, 12);
    expect(p(kf, H, S)).toBeCloseTo(-0.01, 12);
    expect(p(kf, V, S)).toBeCloseTo(-0.02, 12);
    expect(p(kf, S, V)).toBeCloseTo(-0.02, 12);
    expect(kf.variance(S)).toBeCloseTo(0.01 + 1e-8, 15); // plus its own slow walk, 1e-8 per s
  });

  it("the barometer's lagged height inherits the height's uncertainty at the lag's rate", () => {
    const kf = filter({ baroLagS: 0.5 });
    kf.reset(0, 0, 0, 0, 0, 0);
    kf.predict(0, 1, true); // var h = 0.25, cov(h,v) = 0.25, var y = 1e-6 (the IIR model's own noise)
    expect(kf.variance(Y)).toBeCloseTo(1e-6, 15);
    kf.predict(0, 1, true);
    const a = 1 - Math.exp(-2); // dt / τ = 2
    // y' = (1 − a)·y + a·h (the height before this step): var y' = (1 − a)²·1e-6 + a²·0.25 + 1e-6; cov(y', h') = a·(var h + cov(h,v)).
    expect(kf.variance(Y)).toBeCloseTo((1 - a) ** 2 * 1e-6 + a * a * 0.25 + 1e-6, 12);
    expect(p(kf, Y, H)).toBeCloseTo(a * 0.5, 12);
    expect(p(kf, H, Y)).toBeCloseTo(a * 0.5, 12);
    expect(p(kf, Y, V)).toBeCloseTo(a * 0.25, 12);
  });

  it('the bias walks with time, the sensitivity too (1e-8 per s), the barometer model 1e-6 per s', () => {
    const kf = filter({ biasWalk: 0.1 });
    kf.reset(0, 0, 0, 0, 0, 0);
    kf.predict(0, 2, true);
    expect(kf.variance(B)).toBeCloseTo(0.02, 15); // 0.1² · 2 s
    expect(kf.variance(S)).toBeCloseTo(2e-8, 20);
    expect(kf.variance(Y)).toBeCloseTo(2e-6, 18);
  });
});

describe('kalman: how the barometric offset grows', () => {
  it('with time (weather, temperature): offsetWalk² per second', () => {
    const kf = filter({ offsetWalk: 0.1 });
    const before = kf.variance(C);
    kf.predict(0, 2, true);
    expect(kf.variance(C) - before).toBeCloseTo(0.02, 9);
  });

  it('with the distance travelled (offsetWalkPerMetre² per metre), but not while the car is proven still', () => {
    const kf = filter({ offsetWalkPerMetre: 0.5 });
    kf.x[V] = -2;
    const before = kf.variance(C);
    kf.predict(0, 1, false); // 2 m travelled: 0.25 · 2
    expect(kf.variance(C) - before).toBeCloseTo(0.5, 9);
    const still = filter({ offsetWalkPerMetre: 0.5 });
    still.x[V] = -2;
    const b2 = still.variance(C);
    still.predict(0, 1, true);
    expect(still.variance(C) - b2).toBe(0);
  });

  it('the distance is the speed after the step times the step', () => {
    const kf = filter({ offsetWalkPerMetre: 1 });
    const before = kf.variance(C);
    kf.predict(2, 0.5, false); // v after the step 1 m/s, over 0.5 s: 0.5 m
    expect(kf.variance(C) - before).toBeCloseTo(0.5, 9);
  });

  it('with the furthest the car has gone from the last vane (a gradient error, k² per m²); going back adds nothing', () => {
    const kf = filter({ offsetGradient: 0.5 });
    const c0 = kf.variance(C);
    kf.x[V] = 2;
    kf.predict(0, 1, true); // 2 m from the vane: 0.25 · 2²
    expect(kf.variance(C) - c0).toBeCloseTo(1, 9);
    const c1 = kf.variance(C);
    kf.x[V] = -1;
    kf.predict(0, 1, true); // back to 1 m: the furthest is still 2 m
    kf.x[V] = -2;
    kf.predict(0, 1, true); // 1 m below the vane: still within the 2 m
    expect(kf.variance(C)).toBe(c1);
    kf.x[V] = 4;
    kf.predict(0, 1, true); // 3 m above the vane: 0.25 · (3² − 2²)
    expect(kf.variance(C) - c1).toBeCloseTo(1.25, 9);
  });

  it('an edge placed (anchored) starts the gradient growth again from zero there', () => {
    const kf = filter({ offsetGradient: 0.5 });
    kf.x[V] = 2;
    kf.predict(0, 1, true); // h = 2
    kf.anchored();
    const c1 = kf.variance(C);
    kf.x[V] = 1;
    kf.predict(0, 1, true); // h = 3: 1 m from the new vane, 0.25 · 1 (not 0.25 · (3² − 2²))
    expect(kf.variance(C) - c1).toBeCloseTo(0.25, 9);
  });
});

describe('kalman: a measurement', () => {
  it('moves the state by the gain times the innovation and shrinks the variance (height known to 1 m², measured to 1 m²)', () => {
    const kf = filter();
    kf.reset(0, 1, 0, 0.1);
    const r = kf.update(HEIGHT, 1, 1);
    // s = 1 + 1, gain ½: h = 0.5, var h = 1 − 1/2; the barometer's y, fully correlated, moves with it.
    expect(r).toEqual({ accepted: true, nis: 0.5 });
    expect([kf.x[H], kf.x[Y], kf.x[V]]).toEqual([0.5, 0.5, 0]);
    expect([kf.variance(H), kf.variance(Y), p(kf, H, Y)]).toEqual([0.5, 0.5, 0.5]);
  });

  it('a height measurement corrects the speed too, through their correlation after a prediction', () => {
    const kf = filter();
    kf.reset(0, 0, 0, 0, 0, 0);
    kf.predict(0, 1, true); // var h = var v = cov = 0.25
    kf.update(HEIGHT, 1, 0.25); // s = 0.5: gains ½ and ½
    expect(kf.x[H]).toBeCloseTo(0.5, 12);
    expect(kf.x[V]).toBeCloseTo(0.5, 12);
    // P − (P Hᵀ)(H P)/s: every entry 0.25 − 0.0625/0.5 = 0.125
    expect(kf.variance(H)).toBeCloseTo(0.125, 12);
    expect(kf.variance(V)).toBeCloseTo(0.125, 12);
    expect(p(kf, H, V)).toBeCloseTo(0.125, 12);
    expect(p(kf, V, H)).toBeCloseTo(0.125, 12);
  });

  it('a standstill (zero speed, tight) pulls the speed to nearly zero', () => {
    const kf = filter();
    kf.x[V] = 0.3;
    kf.update(SPEED, 0, 1e-4); // gain 0.25 / 0.2501
    expect(kf.x[V]).toBeCloseTo(0.3 * (1e-4 / 0.2501), 12);
    expect(kf.variance(V)).toBeCloseTo(0.25 - 0.0625 / 0.2501, 12);
  });

  it('at a known start, a barometer reading is taken as the weather offset, not as a height change', () => {
    const kf = filter();
    kf.reset(3, 0.01, 0, 0.1); // standing at a known landing, 10 cm
    kf.update(BARO, 5, 0.0144); // reads 2 m higher than the landing
    // s = 0.01 + 1e4 + 0.0144: nearly all of the 2 m goes into c.
    const s = 0.01 + 1e4 + 0.0144;
    expect(kf.x[C]).toBeCloseTo((1e4 / s) * 2, 9);
    expect(kf.x[Y]! - 3).toBeCloseTo((0.01 / s) * 2, 12);
    expect(kf.x[H]! - 3).toBeCloseTo((0.01 / s) * 2, 12);
  });

  it('an edge splits its innovation between the height and the vane offset L by their variances', () => {
    const kf = filter();
    kf.reset(0, 0.01, 0, 0.1);
    kf.newVane(0.1); // var L = 0.01, as the height's
    const r = kf.update(EDGE, 0.1, 1e-12);
    expect(r.accepted).toBe(true);
    expect(kf.x[H]).toBeCloseTo(0.05, 9);
    expect(kf.x[L]).toBeCloseTo(-0.05, 9);
    expect(kf.x[H]! - kf.x[L]!).toBeCloseTo(0.1, 9); // the edge is where it was measured
    expect(p(kf, H, L)).toBeCloseTo(0.005, 9); // h and L now move together
  });

  it('innovations up to 5 σ are accepted, beyond them refused (either sign)', () => {
    // var h 0.5 + r 0.5: s = 1, so the innovation is in σ.
    const at = (z: number) => {
      const kf = filter();
      kf.reset(0, 0.5, 0, 0.1);
      return { r: kf.update(HEIGHT, z, 0.5), h: kf.x[H] };
    };
    expect(at(5)).toEqual({ r: { accepted: true, nis: 25 }, h: 2.5 });
    expect(at(-5)).toEqual({ r: { accepted: true, nis: 25 }, h: -2.5 });
    expect(at(5.001).r.accepted).toBe(false);
    expect(at(5.001).h).toBe(0);
    expect(at(-5.001).r.accepted).toBe(false);
    expect(at(5.001).r.nis).toBeCloseTo(25.010001, 9);
  });

  it('the gate is the caller’s: 2 σ accepts 2, refuses 2.01', () => {
    const kf = filter();
    kf.reset(0, 0.5, 0, 0.1);
    expect(kf.update(HEIGHT, 2.01, 0.5, 2)).toEqual({ accepted: false, nis: expect.closeTo(4.0401, 9) });
    expect(kf.update(HEIGHT, 2, 0.5, 2)).toEqual({ accepted: true, nis: 4 });
  });

  it('a refused measurement changes nothing', () => {
    const kf = filter();
    kf.reset(1, 0.5, 0.1, 0.1);
    kf.predict(0.3, 0.1, false);
    const x = [...kf.x];
    const P = [...kf.P];
    expect(kf.update(HEIGHT, 100, 0.5).accepted).toBe(false);
    expect(kf.update(HEIGHT, Number.NaN, 0.5)).toEqual({ accepted: false, nis: Number.POSITIVE_INFINITY });
    expect(kf.update(HEIGHT, Number.POSITIVE_INFINITY, 0.5)).toEqual({ accepted: false, nis: Number.POSITIVE_INFINITY });
    expect([...kf.x]).toEqual(x);
    expect([...kf.P]).toEqual(P);
  });

  it('a measurement without a positive variance is refused', () => {
    const kf = filter();
    for (const r of [0, -1, Number.NaN]) expect(kf.update(HEIGHT, 0, r)).toEqual({ accepted: false, nis: Number.POSITIVE_INFINITY });
    expect(kf.update(HEIGHT, 0, 1e-9).accepted).toBe(true);
  });

  it('a perfect measurement leaves a tiny positive variance (1e-12), never zero or negative', () => {
    const kf = filter();
    kf.reset(0, 1, 0, 0.1);
    kf.update(HEIGHT, 0.5, 1e-30); // 1 − 1/(1 + 1e-30) = 0 in doubles
    expect(kf.variance(H)).toBe(1e-12);
    expect(kf.variance(Y)).toBe(1e-12);
    expect(kf.x[H]).toBe(0.5);
  });

  it('a measurement makes a covariance skewed by rounding symmetric again, each pair set to its mean', () => {
    const kf = filter();
    kf.P[H * N + V] = 0.3;
    kf.P[V * N + H] = 0.2;
    // A measurement of the offset alone: h and v are not corrected, their covariance only re-symmetrised.
    expect(kf.update([0, 0, 0, 0, 1, 0, 0], 1, 1).accepted).toBe(true);
    expect([p(kf, H, V), p(kf, V, H)]).toEqual([0.25, 0.25]);
  });

  it('keeps the covariance symmetric', () => {
    const kf = filter({ accelSigma: 0.05, biasWalk: 0.002, offsetWalk: 0.005, offsetWalkPerMetre: 0.5, offsetGradient: 0.15 });
    kf.reset(0, 0.01, 0, 0.6);
    kf.newVane(0.03);
    for (let i = 0; i < 20; i++) kf.predict(0.5, 0.05, false);
    kf.update([1, 0.01, 0, 0, 0, 0, -1], 0.1, 1e-5, 1e6);
    kf.update(BARO, 0.2, 0.0144, 1e6);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) expect(p(kf, i, j)).toBe(p(kf, j, i));
  });
});

describe('kalman: gaps, re-basing, a new vane', () => {
  it('a gap without the accelerometer: the speed variance grows by gap², at most 4 (2 m/s)', () => {
    const grow = (gap: number) => {
      const kf = filter();
      kf.reset(0, 0, 0, 0);
      kf.forget(gap);
      return [kf.variance(V) - 0.25, kf.variance(H), kf.variance(Y)];
    };
    expect(grow(1)).toEqual([1, 1, 1]); // v 1, h v · gap² = 1
    expect(grow(1.5)).toEqual([2.25, 2.25 * 2.25, 2.25 * 2.25]);
    expect(grow(2)).toEqual([4, 16, 16]);
    expect(grow(3)).toEqual([4, 36, 36]); // the speed's doubt bounded by the car's top speed
  });

  it('the height variance a gap adds is bounded at 1e4 (100 m)', () => {
    const grow = (gap: number) => {
      const kf = filter();
      kf.reset(0, 0, 0, 0);
      kf.forget(gap);
      return [kf.variance(H), kf.variance(Y)];
    };
    expect(grow(49)).toEqual([9604, 9604]);
    expect(grow(50)).toEqual([1e4, 1e4]);
    expect(grow(60)).toEqual([1e4, 1e4]);
  });

  it('shift() moves height and what the barometer sees by dh, and the offset back: the barometer’s prediction y + c stays', () => {
    const kf = filter();
    kf.reset(2, 0.01, 0, 0.1);
    kf.x[C] = 0.5;
    kf.shift(3);
    expect([kf.x[H], kf.x[Y], kf.x[C]]).toEqual([5, 5, -2.5]);
    expect(kf.x[Y]! + kf.x[C]!).toBe(2.5);
  });

  it('shift() moves the last vane with the frame: standing still after it adds no gradient growth', () => {
    const kf = filter({ offsetGradient: 0.5 });
    kf.shift(3);
    const c = kf.variance(C);
    kf.predict(0, 1, true);
    expect(kf.variance(C)).toBe(c);
  });

  it('reanchor(): the height is known again, uncorrelated with the rest, the barometer prediction unchanged', () => {
    const kf = filter({ accelSigma: 0.05, offsetGradient: 0.5 });
    kf.reset(0, 0.04, 0, 0.5);
    kf.x[V] = 1;
    for (let i = 0; i < 10; i++) kf.predict(0, 0.5, false); // 5 m up
    expect(kf.x[H]).toBe(5);
    const baro = kf.x[Y]! + kf.x[C]!;
    const y = kf.x[Y]!;
    kf.reanchor(6, 0.01);
    expect(kf.x[H]).toBe(6);
    expect(kf.x[Y]).toBeCloseTo(y + 1, 12);
    expect(kf.x[Y]! + kf.x[C]!).toBeCloseTo(baro, 12);
    expect(kf.variance(H)).toBe(0.01);
    for (const i of [V, B, Y, C, S, L]) {
      expect(p(kf, H, i)).toBe(0);
      expect(p(kf, i, H)).toBe(0);
    }
    expect(p(kf, V, B)).not.toBe(0); // the rest keeps its correlations
    // The gradient growth starts again from the new height: standing still there adds nothing, 1 m up adds 0.25.
    const c = kf.variance(C);
    kf.x[V] = 0;
    kf.predict(0, 1, true);
    expect(kf.variance(C)).toBe(c);
    kf.x[V] = 1;
    kf.predict(0, 1, true);
    expect(kf.variance(C) - c).toBeCloseTo(0.25, 9);
  });

  it('a new vane: its offset from the table is 0 again, doubted by sigma, correlated with nothing', () => {
    const kf = filter();
    kf.reset(0, 0.01, 0, 0.1);
    kf.newVane(0.1);
    kf.update(EDGE, 0.1, 1e-6);
    expect(kf.x[L]).not.toBe(0);
    expect(p(kf, H, L)).not.toBe(0);
    kf.newVane(0.03);
    expect(kf.x[L]).toBe(0);
    expect(kf.variance(L)).toBeCloseTo(0.0009, 15);
    for (const i of [H, V, B, Y, C, S]) {
      expect(p(kf, L, i)).toBe(0);
      expect(p(kf, i, L)).toBe(0);
    }
  });
});

describe('kalman: healthy', () => {
  it('a fresh filter is healthy', () => {
    expect(filter().healthy()).toBe(true);
  });

  it('any state or covariance entry that is no number makes it unhealthy (it is reset rather than carried on)', () => {
    for (const i of [0, 3, N - 1]) {
      const kf = filter();
      kf.x[i] = Number.NaN;
      expect(kf.healthy()).toBe(false);
    }
    for (const i of [0, 24, N * N - 1]) {
      const kf = filter();
      kf.P[i] = Number.POSITIVE_INFINITY;
      expect(kf.healthy()).toBe(false);
    }
  });

  it('a height variance of 1e8 (10 km) or a speed variance of 1e6 is unhealthy; just below, healthy', () => {
    const kf = filter();
    kf.reset(0, 1e8, 0, 0.1);
    expect(kf.healthy()).toBe(false);
    kf.reset(0, 99_999_999, 0, 0.1);
    expect(kf.healthy()).toBe(true);
    kf.P[V * N + V] = 1e6;
    expect(kf.healthy()).toBe(false);
    kf.P[V * N + V] = 999_999;
    expect(kf.healthy()).toBe(true);
  });
});
