/**
 * The shaft filter: a seven-state linear Kalman filter, driven by the vertical accelerometer and
 * corrected by the barometer, zero-velocity updates and door-zone magnet edges.
 *
 *   h  car height above the bottom landing, m
 *   v  vertical speed, m/s (+ up)
 *   b  accelerometer bias, m/s² (offset, temperature drift, the sensor's g against ours)
 *   y  what the barometer reports, m: h seen through the sensor's IIR filter (a first-order lag)
 *   c  the barometric offset, m: weather, sensor temperature drift and what the learned pressure
 *      signatures miss of today's stack effect, a random walk with time and with the distance
 *      travelled, growing too in proportion to the furthest from the last vane (a gradient error)
 *   s  the accelerometer's sensitivity error (MEMS parts are off by up to ±3 %): 1 % of the
 *      deceleration into a landing is a few mm of levelling error, so it is estimated too
 *   L  how far the vane the car is at sits from its landing's level in the table, m: levels are
 *      known to a few centimetres (drawings, a learning run), the vane's edges to millimetres. With
 *      L a state, an inconsistent level does not bend the speed estimate, and the position
 *      relative to the vane — the levelling error — stays as exact as the edges
 *
 * Why a Kalman filter and not a complementary one: the barometer is lagged by its own IIR filter
 * (≈ 0.5 s at the floor-change preset) and offset by the weather, and the magnets give exact
 * positions at irregular instants. Modelling the lag (y) and the offset (c) as states lets each
 * measurement correct exactly what it observes, with weights that follow from the sensors' noise,
 * which a fixed-gain complementary filter cannot do (docs/retrofit.md).
 *
 * Every update is scalar; the covariance is a plain 7×7 array. Nothing here allocates per sample.
 */
export const H = 0;
export const V = 1;
export const B = 2;
export const Y = 3;
export const C = 4;
const S = 5;
export const L = 6;
const N = 7;

export interface KalmanTuning {
  /** Standard deviation of one accelerometer sample's noise plus model error, m/s². */
  accelSigma: number;
  /** Bias random walk, m/s² per √s. */
  biasWalk: number;
  /** Barometric offset random walk with time (weather, the sensor's temperature), m per √s. */
  offsetWalk: number;
  /**
   * ... and with the distance the car travels, m per √m: what the pressure signatures miss of
   * today's stack effect between the landings, and of the barometer's lag. It grows with the
   * height covered, not the time taken: a barometric height error proportional to the distance
   * is exactly what an accelerometer sensitivity error looks like, so a barometer trusted beyond
   * its signatures would "learn" a sensitivity error that is not there (docs/retrofit.md).
   */
  offsetWalkPerMetre: number;
  /**
   * ... and in proportion to the furthest the car has gone from the last vane, m per m (one
   * standard deviation of the table's pressure-per-height gradient error): over a long stretch
   * without vanes the signatures' error is a gradient error, proportional to the height covered,
   * not to its root, and bounded by the shaft (going up and down does not add to it).
   */
  offsetGradient: number;
  /** Time constant of the barometer's IIR filter as seen by the reads, s. */
  baroLagS: number;
}

/** A scalar measurement row: z ≈ Σ row[i]·x[i]. */
export type Row = readonly [number, number, number, number, number, number, number];

export interface UpdateResult {
  accepted: boolean;
  /** Normalised innovation squared (χ² with one degree of freedom). */
  nis: number;
}

export class ShaftKalman {
  readonly x = new Float64Array(N);
  readonly P = new Float64Array(N * N);
  private readonly ph = new Float64Array(N);
  /** Height of the last vane, m, and the furthest the car has been from it since (the gradient part of the offset's growth). */
  private vaneH = 0;
  private fromVaneM = 0;

  constructor(private readonly t: KalmanTuning) {
    this.reset(0, 100, 0, 0.5);
  }

  /** Starts over from a height (with its variance), a bias guess and what is known of the sensitivity. */
  reset(h: number, hVar: number, bias: number, biasSigma: number, scale = 0, scaleSigma = 0.03): void {
    this.x.fill(0);
    this.vaneH = h;
    this.fromVaneM = 0;
    this.x[H] = h;
    this.x[Y] = h;
    this.x[B] = bias;
    this.P.fill(0);
    this.P[H * N + H] = hVar;
    this.P[Y * N + Y] = hVar;
    this.P[H * N + Y] = hVar;
    this.P[Y * N + H] = hVar;
    this.P[V * N + V] = 0.25;
    this.P[B * N + B] = biasSigma * biasSigma;
    this.P[C * N + C] = 1e4; // the weather offset is unknown until the car stands somewhere known
    this.x[S] = scale;
    this.P[S * N + S] = scaleSigma * scaleSigma;
  }

  variance(i: number): number {
    return this.P[i * N + i]!;
  }

  /**
   * One accelerometer sample: `accel` is the measured specific force minus standard gravity
   * (m/s², + up), the mean over the `dt` since the previous sample.
   */
  predict(accel: number, dt: number, still: boolean): void {
    const x = this.x;
    const raw = accel - x[B]!;
    const a = raw * (1 - x[S]!);
    const alpha = 1 - Math.exp(-dt / this.t.baroLagS);
    const hOld = x[H]!;
    x[H] = hOld + x[V]! * dt + 0.5 * a * dt * dt;
    x[V] = x[V]! + a * dt;
    x[Y] = x[Y]! + alpha * (hOld - x[Y]!);
    // P ← F P Fᵀ + Q, F = I + D the Jacobian of: h += v·dt + ½dt²·a; v += dt·a; y += α(h − y);
    // a = (f − g − b)(1 − s). D has seven entries, so F P Fᵀ = (P + D P)(I + D)ᵀ is done row by
    // row, then column by column (rows Y, H, V in that order: each reads only rows not yet changed).
    const k = 1 - x[S]!;
    const hb = -0.5 * dt * dt * k;
    const hs = -0.5 * dt * dt * raw;
    const vb = -dt * k;
    const vs = -dt * raw;
    const P = this.P;
    for (let j = 0; j < N; j++) {
      P[Y * N + j] = P[Y * N + j]! + alpha * (P[H * N + j]! - P[Y * N + j]!);
      P[H * N + j] = P[H * N + j]! + dt * P[V * N + j]! + hb * P[B * N + j]! + hs * P[S * N + j]!;
      P[V * N + j] = P[V * N + j]! + vb * P[B * N + j]! + vs * P[S * N + j]!;
    }
    for (let i = 0; i < N; i++) {
      const r = i * N;
      P[r + Y] = P[r + Y]! + alpha * (P[r + H]! - P[r + Y]!);
      P[r + H] = P[r + H]! + dt * P[r + V]! + hb * P[r + B]! + hs * P[r + S]!;
      P[r + V] = P[r + V]! + vb * P[r + B]! + vs * P[r + S]!;
    }
    const q = this.t.accelSigma * this.t.accelSigma;
    const g0 = 0.5 * dt * dt;
    this.add(H, H, g0 * g0 * q);
    this.add(H, V, g0 * dt * q);
    this.add(V, H, g0 * dt * q);
    this.add(V, V, dt * dt * q);
    this.add(B, B, this.t.biasWalk * this.t.biasWalk * dt);
    const travelled = still ? 0 : Math.abs(x[V]!) * dt;
    // A gradient error's σ is k·d, d the furthest from the last vane: its variance grows by k²·(d'² − d²).
    const d = Math.max(this.fromVaneM, Math.abs(x[H]! - this.vaneH));
    const gradient = this.t.offsetGradient ** 2 * (d * d - this.fromVaneM * this.fromVaneM);
    this.fromVaneM = d;
    this.add(C, C, this.t.offsetWalk ** 2 * dt + this.t.offsetWalkPerMetre ** 2 * travelled + gradient);
    this.add(Y, Y, 1e-6 * dt); // the IIR model is an approximation of discrete conversions
    this.add(S, S, 1e-8 * dt);
  }

  private add(i: number, j: number, v: number): void {
    this.P[i * N + j] = this.P[i * N + j]! + v;
  }

  /**
   * z ≈ row·x with variance r. Innovations beyond `gate` standard deviations are refused (a
   * misread, I²C garbage); the result says so, so the caller can count them.
   */
  update(row: Row, z: number, r: number, gate = 5): UpdateResult {
    if (!Number.isFinite(z) || !(r > 0)) return { accepted: false, nis: Infinity };
    const P = this.P;
    const ph = this.ph;
    let hx = 0;
    for (let i = 0; i < N; i++) {
      hx += row[i]! * this.x[i]!;
      let s = 0;
      for (let j = 0; j < N; j++) s += P[i * N + j]! * row[j]!;
      ph[i] = s;
    }
    let s = r;
    for (let i = 0; i < N; i++) s += row[i]! * ph[i]!;
    const innovation = z - hx;
    const nis = (innovation * innovation) / s;
    if (!(nis <= gate * gate)) return { accepted: false, nis };
    for (let i = 0; i < N; i++) this.x[i] = this.x[i]! + (ph[i]! / s) * innovation;
    // P ← P − (P Hᵀ)(H P)/s, then kept symmetric.
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) P[i * N + j] = P[i * N + j]! - (ph[i]! * ph[j]!) / s;
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const m = 0.5 * (P[i * N + j]! + P[j * N + i]!);
        P[i * N + j] = m;
        P[j * N + i] = m;
      }
      if (!(P[i * N + i]! > 1e-12)) P[i * N + i] = 1e-12;
    }
    return { accepted: true, nis };
  }

  /** `gapS` without the accelerometer: speed and height are as unknown as such a gap allows (bounded). */
  forget(gapS: number): void {
    const v = Math.min(4, gapS * gapS);
    this.add(V, V, v);
    this.add(H, H, Math.min(1e4, v * gapS * gapS));
    this.add(Y, Y, Math.min(1e4, v * gapS * gapS));
  }

  /** An edge was placed: the height is known here, the barometer's gradient error starts again from zero. */
  anchored(): void {
    this.vaneH = this.x[H]!;
    this.fromVaneM = 0;
  }

  /** A new vane: its offset from the table's level is unknown again, to `sigma` (m). */
  newVane(sigma: number): void {
    this.x[L] = 0;
    for (let i = 0; i < N; i++) {
      this.P[L * N + i] = 0;
      this.P[i * N + L] = 0;
    }
    this.P[L * N + L] = sigma * sigma;
  }

  /** Moves the height (and what the barometer sees of it) by `dh`, as when a frame is re-based. */
  shift(dh: number): void {
    this.x[H] = this.x[H]! + dh;
    this.x[Y] = this.x[Y]! + dh;
    this.vaneH += dh;
    this.x[C] = this.x[C]! - dh; // the barometer's reading did not move
  }

  /**
   * The height is known again from other evidence than the filter's own (a landing re-identified):
   * moved to `h` as a frame is re-based, its variance `hVar`, no longer correlated with the rest.
   */
  reanchor(h: number, hVar: number): void {
    this.shift(h - this.x[H]!);
    for (let i = 0; i < N; i++) {
      this.P[H * N + i] = 0;
      this.P[i * N + H] = 0;
    }
    this.P[H * N + H] = hVar;
    this.vaneH = h;
    this.fromVaneM = 0;
  }

  /** Every number finite: a filter fed garbage is reset rather than carried on with NaN. */
  healthy(): boolean {
    for (let i = 0; i < N; i++) if (!Number.isFinite(this.x[i]!)) return false;
    for (let i = 0; i < N * N; i++) if (!Number.isFinite(this.P[i]!)) return false;
    return this.P[H * N + H]! < 1e8 && this.P[V * N + V]! < 1e6;
  }
}
