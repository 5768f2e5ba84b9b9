/**
 * Whether a raw sensor can be believed: a barometer that stopped converting, an accelerometer
 * stuck at full scale or repeating one value, bytes that are no reading at all (an I²C bus
 * answering garbage). A bad sensor makes the fused signals that rest on it read bad, with the
 * time of its last believable sample, so `sensor-lost` raises after its hold — and no rule ever
 * raises on what it says.
 */

export interface SensorVerdict {
  /** Use this sample. */
  use: boolean;
}

/** The accelerometer: saturation, a frozen value, impossible values. */
export class AccelHealth {
  /** The last sample that was believable, ms (undefined: none yet). */
  goodAt: number | undefined;
  private last = NaN;
  private repeats = 0;
  private saturatedUntil = -Infinity;
  rejected = 0;

  /**
   * @param fullScale m/s² the sensor can report (its range): a sample at it is clipped.
   * @param frozenSamples this many repeats of one value (that many + 1 identical samples in a
   *   row): the sensor (or its bus) is stuck;
   *   a working MEMS accelerometer's noise changes its last bits every sample.
   */
  constructor(
    private readonly fullScale: number,
    private readonly frozenSamples = 25,
    private readonly saturationHoldMs = 1000,
  ) {}

  sample(value: number, at: number): SensorVerdict {
    if (!Number.isFinite(value) || Math.abs(value) > this.fullScale * 1.01) {
      this.rejected++;
      return { use: false };
    }
    if (Math.abs(value) >= this.fullScale * 0.98) this.saturatedUntil = at + this.saturationHoldMs;
    this.repeats = value === this.last ? this.repeats + 1 : 0;
    this.last = value;
    const ok = at >= this.saturatedUntil && this.repeats < this.frozenSamples;
    if (ok) this.goodAt = at;
    return { use: ok };
  }

  /** Believable now: a good sample within `freshMs`. */
  healthy(now: number, freshMs: number): boolean {
    return this.goodAt !== undefined && now - this.goodAt <= freshMs && now >= this.saturatedUntil && this.repeats < this.frozenSamples;
  }
}

/** The barometer: out-of-range values, a value that never changes, no new conversions. */
export class BaroHealth {
  goodAt: number | undefined;
  private last = NaN;
  private repeats = 0;
  rejected = 0;

  /** @param frozenSamples repeats of one reading (that many + 1 in a row; the driver passes only new conversions). */
  constructor(private readonly frozenSamples = 12) {}

  sample(pa: number, at: number): SensorVerdict {
    // Below 300 hPa or above 1150 hPa no lift is standing: a misread, or no BMP280 at all.
    if (!Number.isFinite(pa) || pa < 30_000 || pa > 115_000) {
      this.rejected++;
      return { use: false };
    }
    this.repeats = pa === this.last ? this.repeats + 1 : 0;
    this.last = pa;
    const ok = this.repeats < this.frozenSamples;
    if (ok) this.goodAt = at;
    return { use: ok };
  }

  healthy(now: number, freshMs: number): boolean {
    return this.goodAt !== undefined && now - this.goodAt <= freshMs && this.repeats < this.frozenSamples;
  }
}

/**
 * Low acceleration variance over a short window: the car is not being pushed around. Alone this
 * does not prove standstill (a car cruising at constant speed feels nothing either); the fusion
 * adds the door, the zone and its own speed estimate.
 */
export class QuietWindow {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;

  constructor(size = 25) {
    this.buf = new Float64Array(size);
  }

  push(v: number): void {
    this.buf[this.i] = v;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }

  reset(): void {
    this.n = 0;
  }

  /** Full window, standard deviation below `sigma` and mean within `meanTol` of `around`. */
  quiet(around: number, sigma: number, meanTol: number): boolean {
    if (this.n < this.buf.length) return false;
    let s = 0;
    for (let k = 0; k < this.n; k++) s += this.buf[k]!;
    const mean = s / this.n;
    let v = 0;
    for (let k = 0; k < this.n; k++) v += (this.buf[k]! - mean) ** 2;
    return Math.sqrt(v / this.n) < sigma && Math.abs(mean - around) < meanTol;
  }
}
