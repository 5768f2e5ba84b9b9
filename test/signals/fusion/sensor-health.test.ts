import { describe, expect, it } from 'vitest';
import { AccelHealth, BaroHealth, QuietWindow } from '../../../src/signals/fusion/sensor-health.js';

/**
 * Whether a raw sensor sample is believed. A refused sample never reaches the fusion; a sensor
 * without a believable sample for the fusion's stale time makes speed and position read bad, so
 * the platform raises `sensor-lost` instead of a fault the sensor made up. Times are ms.
 */

/** ±20 m/s² full scale: a reading beyond 20.2 (1.01×) is garbage, one from 19.6 (0.98×) on is clipped. */
const FS = 20;

describe('accelerometer health: impossible readings', () => {
  it('a reading beyond 1.01× full scale (either way) is refused and counted; 1.01× itself is a (clipped) reading', () => {
    const h = new AccelHealth(FS);
    expect(h.sample(20.21, 0)).toEqual({ use: false });
    expect(h.sample(-20.21, 10)).toEqual({ use: false });
    expect(h.rejected).toBe(2);
    expect(h.goodAt).toBeUndefined();
    // Garbage does not start the saturation hold: the next sane sample is used at once.
    expect(h.sample(9.81, 20)).toEqual({ use: true });
    expect(h.goodAt).toBe(20);
    // 20.2 is not garbage but clipped: not counted as refused, and it holds the sensor off.
    expect(h.sample(20.2, 30)).toEqual({ use: false });
    expect(h.rejected).toBe(2);
    expect(h.sample(9.8, 40)).toEqual({ use: false });
    expect(h.goodAt).toBe(20);
  });

  it('no number at all (NaN, ±Infinity) is refused and counted', () => {
    const h = new AccelHealth(FS);
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((v, i) => h.sample(v, i).use)).toEqual([false, false, false]);
    expect(h.rejected).toBe(3);
    expect(h.goodAt).toBeUndefined();
  });
});

describe('accelerometer health: saturation', () => {
  it('a reading at 0.98× full scale is clipped: refused, and so is everything for 1 s after it', () => {
    const h = new AccelHealth(FS);
    expect(h.sample(19.59, 0)).toEqual({ use: true }); // just below the clip level
    expect(h.sample(19.6, 100)).toEqual({ use: false });
    expect(h.sample(9.81, 1099)).toEqual({ use: false });
    expect(h.goodAt).toBe(0);
    expect(h.sample(9.8, 1100)).toEqual({ use: true }); // the hold ends exactly 1000 ms after the clipped sample
    expect(h.goodAt).toBe(1100);
    expect(h.rejected).toBe(0); // clipped is not garbage
  });

  it('clipping downwards counts the same, and every clipped sample restarts the hold', () => {
    const h = new AccelHealth(FS);
    expect(h.sample(-19.6, 0).use).toBe(false);
    expect(h.sample(-19.7, 500).use).toBe(false); // hold now until 1500
    expect(h.sample(1, 1400).use).toBe(false);
    expect(h.sample(1.1, 1500).use).toBe(true);
  });

  it('the hold is configurable', () => {
    const h = new AccelHealth(FS, 25, 200);
    h.sample(19.9, 0);
    expect(h.sample(1, 199).use).toBe(false);
    expect(h.sample(2, 200).use).toBe(true);
  });
});

describe('accelerometer health: a frozen sensor', () => {
  it('25 identical samples in a row are still used; the 26th (25 repeats) is refused as a stuck sensor', () => {
    const h = new AccelHealth(FS);
    for (let i = 0; i < 25; i++) expect(h.sample(9.81, i * 10).use).toBe(true);
    expect(h.goodAt).toBe(240);
    expect(h.sample(9.81, 250).use).toBe(false);
    expect(h.sample(9.81, 260).use).toBe(false);
    expect(h.goodAt).toBe(240);
    expect(h.rejected).toBe(0);
    // Any change in the last bit: working again.
    expect(h.sample(9.8100001, 270).use).toBe(true);
  });

  it('the number of identical samples is configurable: with 3, the 4th identical sample is refused', () => {
    const h = new AccelHealth(FS, 3);
    expect([1, 1, 1, 1, 2, 2].map((v, i) => h.sample(v, i).use)).toEqual([true, true, true, false, true, true]);
  });

  it('refused garbage between identical samples does not hide a stuck sensor', () => {
    const h = new AccelHealth(FS, 3);
    expect([1, 1, Number.NaN, 1, 99, 1].map((v, i) => h.sample(v, i).use)).toEqual([true, true, false, true, false, false]);
  });
});

describe('accelerometer health: believable now', () => {
  it('not before a good sample; then while the last good one is at most freshMs old', () => {
    const h = new AccelHealth(FS);
    expect(h.healthy(0, 1000)).toBe(false);
    h.sample(30, 0); // garbage
    expect(h.healthy(0, 1000)).toBe(false);
    h.sample(9.81, 100);
    expect(h.healthy(1100, 1000)).toBe(true);
    expect(h.healthy(1101, 1000)).toBe(false);
  });

  it('not while clipped, even with a recent good sample; again once the hold is over', () => {
    const h = new AccelHealth(FS);
    h.sample(9.81, 0);
    h.sample(19.6, 100); // hold until 1100
    expect(h.healthy(1099, 5000)).toBe(false);
    expect(h.healthy(1100, 5000)).toBe(true);
  });

  it('not while frozen', () => {
    const h = new AccelHealth(FS, 2);
    h.sample(5, 0);
    h.sample(5, 1);
    expect(h.healthy(1, 1000)).toBe(true);
    h.sample(5, 2);
    expect(h.healthy(2, 1000)).toBe(false);
    h.sample(5.01, 3);
    expect(h.healthy(3, 1000)).toBe(true);
  });
});

describe('barometer health', () => {
  it('readings from 300 hPa to 1150 hPa are used; outside them, or no number, refused and counted', () => {
    const h = new BaroHealth();
    expect([30_000, 115_000, 101_325].map((p, i) => h.sample(p, i).use)).toEqual([true, true, true]);
    expect(h.rejected).toBe(0);
    expect([29_999.99, 115_000.01, 0, -101_325, Number.NaN, Number.POSITIVE_INFINITY].map((p, i) => h.sample(p, 10 + i).use)).toEqual([false, false, false, false, false, false]);
    expect(h.rejected).toBe(6);
    expect(h.goodAt).toBe(2);
  });

  it('12 identical conversions in a row are still used; the 13th (12 repeats) is refused as a stuck barometer', () => {
    const h = new BaroHealth();
    for (let i = 0; i < 12; i++) expect(h.sample(101_325, i * 137).use).toBe(true);
    expect(h.sample(101_325, 12 * 137).use).toBe(false);
    expect(h.goodAt).toBe(11 * 137);
    expect(h.rejected).toBe(0);
    expect(h.sample(101_325.25, 13 * 137).use).toBe(true);
  });

  it('the number of identical conversions is configurable, and refused ones do not break the run', () => {
    const h = new BaroHealth(2);
    expect([100_000, 100_000, 100_000, 100_001].map((p, i) => h.sample(p, i).use)).toEqual([true, true, false, true]);
    const g = new BaroHealth(2);
    expect([100_000, 100_000, 5, 100_000].map((p, i) => g.sample(p, i).use)).toEqual([true, true, false, false]);
  });

  it('believable now: a good conversion at most freshMs old, and not frozen', () => {
    const h = new BaroHealth(2);
    expect(h.healthy(0, 1000)).toBe(false);
    h.sample(100_000, 500);
    expect(h.healthy(1500, 1000)).toBe(true);
    expect(h.healthy(1501, 1000)).toBe(false);
    h.sample(100_000, 600);
    expect(h.healthy(600, 1000)).toBe(true);
    h.sample(100_000, 700); // 2 repeats: frozen
    expect(h.healthy(700, 1000)).toBe(false);
    expect(h.goodAt).toBe(600);
  });
});

describe('quiet window (the accelerometer feels no push)', () => {
  it('not quiet before the window is full; quiet with its last sample', () => {
    const q = new QuietWindow(4);
    for (const v of [0.01, -0.01, 0.01]) q.push(v);
    expect(q.quiet(0, 0.05, 0.05)).toBe(false);
    q.push(-0.01);
    expect(q.quiet(0, 0.05, 0.05)).toBe(true);
  });

  it('the spread must be below sigma (population standard deviation over the window)', () => {
    const q = new QuietWindow(4);
    for (const v of [0, 0, 2, 2]) q.push(v); // mean 1, deviations ±1: σ = 1 (a sample σ would be 1.155)
    expect(q.quiet(1, 1, 1)).toBe(false); // σ equal to the limit: not quiet
    expect(q.quiet(1, 1.0001, 1)).toBe(true);
    expect(q.quiet(1, 1.1, 1)).toBe(true);
  });

  it('the mean must be within meanTol of where the car at rest reads (either side)', () => {
    const q = new QuietWindow(4);
    for (const v of [0, 0, 2, 2]) q.push(v); // mean 1
    expect(q.quiet(0.5, 2, 0.5)).toBe(false);
    expect(q.quiet(1.5, 2, 0.5)).toBe(false);
    expect(q.quiet(0.5, 2, 0.5001)).toBe(true);
    expect(q.quiet(1.5, 2, 0.5001)).toBe(true);
  });

  it('only the last `size` samples count: an old push leaves the window', () => {
    const q = new QuietWindow(3);
    for (const v of [5, 0, 0]) q.push(v);
    expect(q.quiet(0, 0.1, 0.1)).toBe(false);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.1)).toBe(true);
    q.push(0.5); // a bump
    expect(q.quiet(0, 0.1, 0.5)).toBe(false);
    q.push(0);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.5)).toBe(false);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.5)).toBe(true);
  });

  it('after reset the window must fill again before it can read quiet', () => {
    const q = new QuietWindow(3);
    for (const v of [0, 0, 0]) q.push(v);
    expect(q.quiet(0, 0.1, 0.1)).toBe(true);
    q.reset();
    expect(q.quiet(0, 0.1, 0.1)).toBe(false);
    q.push(0);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.1)).toBe(false);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.1)).toBe(true);
  });

  it('holds 25 samples unless told otherwise', () => {
    const q = new QuietWindow();
    for (let i = 0; i < 24; i++) q.push(0);
    expect(q.quiet(0, 0.1, 0.1)).toBe(false);
    q.push(0);
    expect(q.quiet(0, 0.1, 0.1)).toBe(true);
  });
});
