import { MAD_TO_SIGMA, mad, median, medianStandardError, theilSen } from './robust.js';

/** One day of observed time, ms: the unit of learning periods, trends and "over N days". */
export const DAY_MS = 86_400_000;
/** Learning samples kept per key; beyond it every other one is dropped (a week of stops fits). */
const LEARN_CAP = 400;
/** Values kept of the current day (for its median). */
const TODAY_CAP = 200;
/** Daily medians kept, for the trend and for how long a drift has lasted. */
const DAILY_KEEP = 30;
/** Daily medians the trend is fitted over: the last week says how fast it goes now. */
const TREND_DAYS = 7;

export type Side = 'high' | 'low';

/**
 * Everything known of one key (an indicator at a landing / direction), as stored: plain JSON, so
 * a restart goes on where it stopped. Times are health time (ms of observed time, see
 * ElevatorHealth), which survives restarts and never jumps with the wall clock.
 */
export interface KeyState {
  /** When learning (re)started. */
  startedH: number;
  /** The learning sample; emptied once learned. */
  learn: number[];
  base?: { median: number; mad: number; n: number; learnedH: number };
  /** The last few observations: their median is "now". */
  recent: number[];
  /** The current health day and its values. */
  day: number;
  today: number[];
  /** [day, median] of past days, oldest first. */
  daily: [number, number][];
  /** Outside the band since, on this side (not yet raised). */
  out?: { side: Side; sinceH: number };
  raised?: { side: Side; atH: number };
  /** While raised: back inside the band since. */
  inSinceH?: number;
  lastRaisedH?: number;
}

export interface BaselineRules {
  learningMs: number;
  minObservations: number;
  marginSigmas: number;
  minMargin: number;
  sustainMs: number;
  clearMs: number;
  repeatMs: number;
  recent: number;
  concern: 'both' | 'high';
  /** How values are summed up — "now", a day, the baseline: median for levels, mean for rates (small counts). */
  aggregate: 'median' | 'mean';
}

/** A raised warning clears once "now" is back within this fraction of the band: no flapping at its edge. */
const CLEAR_FRACTION = 0.5;

function center(xs: readonly number[], how: BaselineRules['aggregate']): number {
  return how === 'mean' ? xs.reduce((a, b) => a + b, 0) / xs.length : median(xs);
}

/** What one observation changed: a warning to raise or to clear, with the figures it carries. */
export interface Change {
  kind: 'raise' | 'clear';
  side: Side;
  baseline: number;
  now: number;
  low: number;
  high: number;
  /** Per day, from the daily medians; undefined with fewer than three days. */
  trendPerDay: number | undefined;
  /** How many days the drift has shown in the daily medians (at least 1). */
  overDays: number;
  /** Observations the baseline was learned from. */
  learnedFrom: number;
  /** Health time the warning was raised at (for a clear: how long it lasted). */
  raisedH: number;
}

export function newKeyState(startedH: number): KeyState {
  return { startedH, learn: [], recent: [], day: Math.floor(startedH / DAY_MS), today: [], daily: [] };
}

/** Keeps an array under its cap by dropping every other element (oldest first): a thinned, still spread, sample. */
function capped(xs: number[], cap: number): number[] {
  return xs.length < cap ? xs : xs.filter((_, i) => i % 2 === 1);
}

/**
 * Half the width of the band: the indicator's minimum margin, or `marginSigmas` standard errors of
 * "now" (the recent median or mean, σ estimated from the baseline's MAD), whichever is wider.
 */
export function bandHalf(base: NonNullable<KeyState['base']>, r: BaselineRules): number {
  const sigma = MAD_TO_SIGMA * base.mad;
  const se = r.aggregate === 'mean' ? sigma / Math.sqrt(r.recent) : medianStandardError(sigma, r.recent);
  return Math.max(r.minMargin, r.marginSigmas * se);
}

/** The median (mean, for rates) of the recent observations, once there are enough of them. */
export function nowOf(st: KeyState, r: BaselineRules): number | undefined {
  return st.recent.length >= r.recent ? center(st.recent, r.aggregate) : undefined;
}

/**
 * One observation of a key at health time `h`: learn while learning; afterwards judge the recent
 * median against the band — outside it for `sustainMs` raises, back well inside (half the band)
 * for `clearMs` clears, and the same key never raises twice within `repeatMs`. Mutates `st`.
 */
export function observe(st: KeyState, value: number, h: number, r: BaselineRules): Change | undefined {
  rollDay(st, h, r);
  st.today = capped(st.today, TODAY_CAP);
  st.today.push(value);
  st.recent.push(value);
  if (st.recent.length > r.recent) st.recent.shift();
  if (st.base === undefined) {
    st.learn = capped(st.learn, LEARN_CAP);
    st.learn.push(value);
    if (h - st.startedH >= r.learningMs && st.learn.length >= r.minObservations) {
      const m = center(st.learn, r.aggregate);
      st.base = { median: m, mad: mad(st.learn, median(st.learn)), n: st.learn.length, learnedH: h };
      st.learn = [];
    }
    return undefined;
  }
  const now = nowOf(st, r);
  if (now === undefined) return undefined;
  return judge(st, now, h, r);
}

function judge(st: KeyState, now: number, h: number, r: BaselineRules): Change | undefined {
  const base = st.base!;
  const half = bandHalf(base, r);
  let side: Side | undefined = now > base.median + half ? 'high' : now < base.median - half ? 'low' : undefined;
  if (side === 'low' && r.concern === 'high') side = undefined;
  const figures = () => ({
    baseline: base.median,
    now,
    low: base.median - half,
    high: base.median + half,
    learnedFrom: base.n,
    ...drift(st, side ?? st.raised?.side ?? 'high', half, r),
  });
  if (st.raised) {
    const off = now - base.median;
    const back = r.concern === 'high' ? off < half * CLEAR_FRACTION : Math.abs(off) < half * CLEAR_FRACTION;
    if (!back) {
      st.inSinceH = undefined;
      return undefined;
    }
    st.inSinceH ??= h;
    if (h - st.inSinceH < r.clearMs) return undefined;
    const change: Change = { kind: 'clear', side: st.raised.side, raisedH: st.raised.atH, ...figures() };
    st.raised = undefined;
    st.inSinceH = undefined;
    st.out = undefined;
    return change;
  }
  if (side === undefined) {
    st.out = undefined;
    return undefined;
  }
  if (st.out?.side !== side) st.out = { side, sinceH: h };
  if (h - st.out.sinceH < r.sustainMs) return undefined;
  if (st.lastRaisedH !== undefined && h - st.lastRaisedH < r.repeatMs) return undefined;
  st.raised = { side, atH: h };
  st.lastRaisedH = h;
  const change: Change = { kind: 'raise', side, raisedH: h, ...figures() };
  if (change.overDays < 1) change.overDays = Math.max(1, Math.ceil((h - st.out.sinceH) / DAY_MS));
  return change;
}

/** Closes the day when `h` is in a later one: its median joins the daily history. */
function rollDay(st: KeyState, h: number, r: BaselineRules): void {
  const day = Math.floor(h / DAY_MS);
  if (day === st.day) return;
  if (st.today.length >= 3) st.daily.push([st.day, center(st.today, r.aggregate)]);
  if (st.daily.length > DAILY_KEEP) st.daily.splice(0, st.daily.length - DAILY_KEEP);
  st.day = day;
  st.today = [];
}

/** The daily medians with today's so far (when it has a few values). */
function days(st: KeyState, r: BaselineRules): [number, number][] {
  return st.today.length >= 3 ? [...st.daily, [st.day, center(st.today, r.aggregate)]] : st.daily;
}

/**
 * The trend per day over the last week, and since how many days the daily median has been
 * past half the band on `side`: "risen from 3.1 s to 4.6 s over 9 days".
 */
function drift(st: KeyState, side: Side, half: number, r: BaselineRules): { trendPerDay: number | undefined; overDays: number } {
  const d = days(st, r);
  const recent = d.slice(-TREND_DAYS);
  const trendPerDay = recent.length >= 3 ? theilSen(recent.map(([x, y]) => ({ x, y }))) : undefined;
  const base = st.base!.median;
  const beyond = (y: number) => (side === 'high' ? y > base + half / 2 : y < base - half / 2);
  let first: number | undefined;
  for (let i = d.length - 1; i >= 0 && beyond(d[i]![1]); i--) first = d[i]![0];
  return { trendPerDay, overDays: first === undefined ? 0 : st.day - first + 1 };
}
