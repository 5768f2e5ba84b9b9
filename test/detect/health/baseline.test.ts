import { describe, expect, it } from 'vitest';
import { bandHalf, type BaselineRules, type Change, DAY_MS, newKeyState, observe } from '../../../src/detect/health/baseline.js';
import { mad, median, theilSen } from '../../../src/detect/health/robust.js';

const HOUR = 3_600_000;

/** Door closing times: learn for 2 days, margin 0.5 s, 6 h out to raise, 24 h back to clear, once a day at most. */
const RULES: BaselineRules = {
  learningMs: 2 * DAY_MS,
  minObservations: 20,
  marginSigmas: 4,
  minMargin: 0.5,
  sustainMs: 6 * HOUR,
  clearMs: 24 * HOUR,
  repeatMs: 24 * HOUR,
  recent: 5,
  concern: 'both',
  aggregate: 'median',
};

/** Feeds `value(h)` every `everyMs` of health time from `fromH` to `toH`; returns the changes with their times. */
function feed(st: ReturnType<typeof newKeyState>, fromH: number, toH: number, value: (h: number) => number, rules = RULES, everyMs = HOUR): { h: number; c: Change }[] {
  const out: { h: number; c: Change }[] = [];
  for (let h = fromH; h < toH; h += everyMs) {
    const c = observe(st, value(h), h, rules);
    if (c) out.push({ h, c });
  }
  return out;
}

/** 3.0 s with a little spread: 2.9, 3.0, 3.1 in turn. */
const steady = (h: number) => 3 + ((h / HOUR) % 3) * 0.1 - 0.1;

describe('robust statistics', () => {
  it('median and MAD ignore the odd outlier a mean would follow', () => {
    const xs = [3, 3.1, 2.9, 3, 12];
    expect(median(xs)).toBe(3);
    expect(mad(xs)).toBeCloseTo(0.1);
  });

  it('Theil–Sen gives the slope through a line with one wild point', () => {
    expect(theilSen([0, 1, 2, 3, 4].map((x) => ({ x, y: 2 * x + (x === 2 ? 50 : 0) })))).toBe(2);
  });
});

describe('a baseline', () => {
  it('learns for the learning period and from enough observations before it judges anything', () => {
    const st = newKeyState(0);
    // Wildly off from the start: nothing can be raised while learning.
    expect(feed(st, 0, 2 * DAY_MS - 1, () => 9)).toEqual([]);
    expect(st.base).toBeUndefined();
    expect(st.base).toBeUndefined();
    feed(st, 2 * DAY_MS, 2 * DAY_MS + 1, () => 9);
    expect(st.base).toMatchObject({ median: 9, n: 49 });
  });

  it('needs minObservations even when the period is over (a landing served twice a day)', () => {
    const st = newKeyState(0);
    feed(st, 0, 5 * DAY_MS, steady, RULES, 12 * HOUR); // 10 observations in 5 days
    expect(st.base).toBeUndefined();
  });

  it('raises once "now" stays outside the band for the sustain window, with the figures a technician reads', () => {
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, steady);
    expect(st.base?.median).toBeCloseTo(3);
    // A slowing door: +0.1 s a day... then a step to 4 s on day 5.
    const changes = feed(st, 3 * DAY_MS, 8 * DAY_MS, (h) => (h < 5 * DAY_MS ? steady(h) + ((h - 3 * DAY_MS) / DAY_MS) * 0.1 : 4));
    expect(changes).toHaveLength(1);
    const { h, c } = changes[0]!;
    // "now" (median of the last 5) leaves the band with the third 4 s, 2 h after the step; raised 6 h later.
    expect(h).toBe(5 * DAY_MS + 2 * HOUR + 6 * HOUR);
    expect(c).toMatchObject({ kind: 'raise', side: 'high', baseline: 3, now: 4, low: 2.5, high: 3.5 });
    expect(c.overDays).toBeGreaterThanOrEqual(1);
  });

  it('does not raise on a spell outside the band shorter than the sustain window', () => {
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, steady);
    const spell = (h: number) => (h >= 4 * DAY_MS && h < 4 * DAY_MS + 6 * HOUR ? 5 : steady(h)); // "now" out from +2 h to +7 h
    expect(feed(st, 3 * DAY_MS, 6 * DAY_MS, spell)).toEqual([]);
  });

  it('clears only when well back inside the band for the clear window: no flapping at its edge', () => {
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, steady);
    expect(feed(st, 3 * DAY_MS, 4 * DAY_MS, () => 4)).toHaveLength(1);
    // Just inside the band (3.4 < 3.5) but not within half of it: stays raised.
    expect(feed(st, 4 * DAY_MS, 7 * DAY_MS, () => 3.4)).toEqual([]);
    expect(st.raised).toBeDefined();
    const cleared = feed(st, 7 * DAY_MS, 9 * DAY_MS, steady);
    expect(cleared.map((x) => x.c.kind)).toEqual(['clear']);
    // Back within half the band from the third observation (median of 5), cleared 24 h after.
    expect(cleared[0]!.h).toBe(7 * DAY_MS + 2 * HOUR + 24 * HOUR);
  });

  it('never raises the same key twice within the repeat window', () => {
    const rules = { ...RULES, clearMs: HOUR, sustainMs: 0 };
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, steady, rules);
    const changes = feed(st, 3 * DAY_MS, 5 * DAY_MS, (h) => (Math.floor((h - 3 * DAY_MS) / (8 * HOUR)) % 2 === 0 ? 5 : 3), rules);
    const raises = changes.filter((x) => x.c.kind === 'raise').map((x) => x.h);
    expect(raises.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < raises.length; i++) expect(raises[i]! - raises[i - 1]!).toBeGreaterThanOrEqual(24 * HOUR);
  });

  it('a rate only warns upwards: fewer reopenings is no fault', () => {
    const rules: BaselineRules = { ...RULES, concern: 'high', aggregate: 'mean', minMargin: 5, recent: 3 };
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, () => 10, rules);
    expect(feed(st, 3 * DAY_MS, 6 * DAY_MS, () => 0, rules)).toEqual([]);
    expect(feed(st, 6 * DAY_MS, 8 * DAY_MS, () => 20, rules).map((x) => x.c.side)).toEqual(['high']);
  });

  it('the band is the minimum margin, or 4 standard errors of the recent median when the lift is noisier', () => {
    const quiet = { median: 3, mad: 0.01, n: 100, learnedH: 0 };
    const noisy = { median: 3, mad: 0.5, n: 100, learnedH: 0 };
    expect(bandHalf(quiet, RULES)).toBe(0.5);
    expect(bandHalf(noisy, RULES)).toBeCloseTo((4 * 1.2533 * 1.4826 * 0.5) / Math.sqrt(5));
  });

  it('gives the trend per day from the daily medians, and how many days the drift has shown', () => {
    const st = newKeyState(0);
    feed(st, 0, 3 * DAY_MS, steady);
    const changes = feed(st, 3 * DAY_MS, 20 * DAY_MS, (h) => 3 + Math.max(0, (h - 5 * DAY_MS) / DAY_MS) * 0.1);
    const c = changes[0]!.c;
    expect(c.trendPerDay).toBeGreaterThan(0.08);
    expect(c.trendPerDay).toBeLessThan(0.12);
    // 3.25 (half the band) passed on day 7.5; raised when the median of 5 passes 3.5 and 6 h more.
    expect(c.overDays).toBeGreaterThanOrEqual(3);
    expect(c.overDays).toBeLessThanOrEqual(4);
  });
});
