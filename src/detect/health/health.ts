import type { Thresholds } from '../../config/thresholds.js';
import { goodValue, type ElevatorSignals, type SignalName } from '../../signals/types.js';
import type { Transition } from '../types.js';
import { bandHalf, type BaselineRules, type Change, DAY_MS, type KeyState, newKeyState, nowOf, observe } from './baseline.js';
import { type BaselineStore, type HealthMeta, MemoryBaselineStore, type WearCounters } from './baseline-store.js';
import { CircuitWatch } from './circuit-watch.js';
import { DoorWatch } from './door-watch.js';
import { hint } from './hints.js';
import { type Exposure, INDICATOR_DEFS, INDICATORS, type IndicatorDef, type IndicatorId, type KeyPlace, type KeyShape, keyName, observable, placeOf } from './indicators.js';
import { RateBlocks } from './rates.js';
import { median } from './robust.js';
import type { HealthSink, Tally } from './sink.js';
import { type RunSample, StopWatch } from './stop-watch.js';
import { type IndicatorSummary, type SummaryCount, SummaryWindow } from './summary.js';
import { clearedWarning, raisedWarning, resetNotice, type WarningPlace } from './warning-event.js';

export interface HealthOptions {
  elevatorId: string;
  thresholds: Thresholds;
  ratedSpeedMps: number;
  floors: readonly { label: string; levelMm: number }[];
  available: ReadonlySet<SignalName>;
  /** Where baselines are kept across restarts; in memory when not given. */
  store?: BaselineStore;
}

/** A gap between samples adds at most this to health time (a suspended test, a stopped gateway). */
const MAX_GAP_MS = 3_600_000;
/** Rate baselines are learned from at least this many blocks. */
const RATE_MIN_BLOCKS = 5;
/** A per-landing value is taken relative to the lift-wide recent median once that has this many values. */
const REF_MIN = 5;

interface Tracked {
  def: IndicatorDef;
  place: WarningPlace;
  st: KeyState;
  /** A per-landing key keeps values relative to this lift-wide key (see IndicatorDef.keys). */
  relativeTo: string | undefined;
  /** Rates: the landing most occurrences had in the last block (for the hint). */
  worstFloor?: number | null;
}

/** Occurrences of a rate indicator → the day's summary count. */
const COUNTED: Partial<Record<IndicatorId, SummaryCount>> = {
  doorReopens: 'reopenings',
  failedCloses: 'failedClosings',
  relevels: 'relevels',
  safetyGlitches: 'safetyGlitches',
  lockGlitches: 'lockGlitches',
  sensorDrops: 'sensorDrops',
};

/**
 * One lift's health: the watchers turn each sample into indicator observations, each observation
 * goes to its baselines (per landing, per direction), and a baseline that has drifted past its
 * band for long enough raises an `early-warning`. Stepped on sample time like the rules; its own
 * clock is health time — the observed time summed over samples and kept across restarts — so a
 * learning period, a sustain window or "over 9 days" means time the lift was watched, and a wall
 * clock set by NTP hours late changes none of them.
 */
export class ElevatorHealth implements HealthSink {
  private readonly keys = new Map<string, Tracked>();
  private readonly dirty = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly watched: ReadonlySet<IndicatorId>;
  private readonly store: BaselineStore;
  private readonly rates: RateBlocks;
  private readonly counters: WearCounters;
  private readonly summary: SummaryWindow;
  private readonly door: DoorWatch;
  private readonly stops: StopWatch;
  private readonly circuits: CircuitWatch;
  private readonly rules: Record<'level' | 'rate', Omit<BaselineRules, 'minMargin' | 'recent' | 'concern' | 'aggregate'>>;
  private readonly ruleCache = new Map<IndicatorId, BaselineRules>();
  private pending: Transition[] = [];
  private readonly run: RunSample = {
    speedMps: undefined,
    positionMm: undefined,
    door: undefined,
    doorZone: undefined,
    levelingErrorMm: undefined,
    landing: null,
    inspection: false,
  };
  private hoursPending = 0;
  private h = 0;
  private last: number | undefined;
  private now = 0;

  constructor(private readonly o: HealthOptions) {
    const t = o.thresholds;
    const ew = t.earlyWarning;
    this.store = o.store ?? new MemoryBaselineStore();
    this.watched = new Set(INDICATORS.filter((id) => observable(INDICATOR_DEFS[id], o.available)));
    const saved = this.store.load(o.elevatorId);
    this.h = saved?.meta.healthMs ?? 0;
    this.counters = saved?.meta.counters ?? { trips: 0, doorCycles: 0, runningMs: 0 };
    this.rates = new RateBlocks(saved?.meta.blocks);
    for (const [name, st] of saved?.keys ?? []) {
      const k = parseKey(name);
      if (k) this.keys.set(name, this.tracked(k.id, name, k.place, st));
    }
    const common = {
      learningMs: ew.learningDays * DAY_MS,
      marginSigmas: ew.marginSigmas,
      sustainMs: ew.sustainH * 3_600_000,
      clearMs: ew.clearH * 3_600_000,
      repeatMs: ew.repeatH * 3_600_000,
    };
    this.rules = { level: { ...common, minObservations: ew.minObservations }, rate: { ...common, minObservations: RATE_MIN_BLOCKS } };
    this.summary = new SummaryWindow(o.floors.map((f) => f.label));
    this.door = new DoorWatch(this, t.doorCloseFault.minAttemptMs);
    this.stops = new StopWatch(
      this,
      { stationaryMps: t.stationaryMps, ratedSpeedMps: o.ratedSpeedMps, tripMinMs: t.stats.tripMinMs, settleMs: t.levelingError.settleMs, nearMissFactor: ew.nearMissFactor },
      () => this.door.departed(),
    );
    this.circuits = new CircuitWatch(this, { safetyHoldMs: t.safetyCircuitOpen.holdMs, lockHoldMs: t.doorLockFault.holdMs });
  }

  /** Observed time so far, ms (kept across restarts). */
  get healthMs(): number {
    return this.h;
  }

  /**
   * One sample at sample time `now`: the early warnings it raised or cleared.
   *
   * `same`: every signal of `s` has the value and quality (or absence) it had in the previous
   * sample observed. The watchers then have nothing to see unless time alone moves one on (a
   * running car's times, a stop's levelling settling): a parked car's samples count only their
   * time. The door and circuit watchers act on changes only, and the stop watch says when it
   * rests (StopWatch.resting).
   */
  observe(s: ElevatorSignals, now: number, same = false): Transition[] {
    const dt = this.last === undefined || now <= this.last ? 0 : Math.min(now - this.last, MAX_GAP_MS);
    this.last = now;
    this.now = now;
    this.h += dt;
    if (same && this.stops.resting) this.stops.skip(now);
    else this.watch(s, now);
    // Observed hours are handed on a minute at a time: the blocks they fill last six hours.
    this.hoursPending += dt;
    if (this.hoursPending >= 60_000) {
      this.expose('hours', this.hoursPending / 3_600_000);
      this.hoursPending = 0;
    }
    if (this.pending.length === 0) return NONE;
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The watchers, on one sample. */
  private watch(s: ElevatorSignals, now: number): void {
    const inspection = goodValue(s.inspection) === true;
    const speed = goodValue(s.speedMps);
    const zone = goodValue(s.doorZone);
    const standing = speed !== undefined && Math.abs(speed) < this.o.thresholds.stationaryMps;
    const landing = standing && zone === true ? (goodValue(s.floor) ?? null) : null;
    const door = goodValue(s.door);
    this.door.step(door, landing, now, inspection);
    const r = this.run; // one object for every sample: this runs at the poll rate
    r.speedMps = speed;
    r.positionMm = goodValue(s.positionMm);
    r.door = door;
    r.doorZone = zone;
    r.levelingErrorMm = goodValue(s.levelingErrorMm);
    r.landing = landing;
    r.inspection = inspection;
    this.stops.step(r, now);
    this.circuits.step(s, now, speed === undefined ? undefined : !standing, inspection);
  }

  level(id: IndicatorId, place: KeyPlace, value: number): void {
    if (!this.watched.has(id)) return;
    this.summary.value(id, place.floor, value);
    const [lift, ...local] = INDICATOR_DEFS[id].keys;
    const pooled = this.feed(id, lift!, place, value);
    if (local.length === 0 || pooled.st.recent.length < REF_MIN) return;
    const ref = median(pooled.st.recent);
    for (const shape of local) this.feed(id, shape, place, value - ref);
  }

  count(id: IndicatorId, floor: number | null, n = 1): void {
    if (!this.watched.has(id)) return;
    this.rates.count(id, floor, n);
    const c = COUNTED[id];
    if (c) this.summary.count(c, n);
  }

  expose(exposure: Exposure, amount: number): void {
    for (const b of this.rates.expose(exposure, amount)) {
      if (this.watched.has(b.id)) this.feed(b.id, 'lift', { floor: null, direction: null }, b.rate, b.worstFloor);
    }
  }

  tally(what: Tally, n = 1): void {
    if (what === 'trip') {
      this.counters.trips += n;
      this.summary.count('trips', n);
    } else if (what === 'doorCycle') {
      this.counters.doorCycles += n;
      this.summary.count('doorCycles', n);
    } else if (what === 'runningMs') this.counters.runningMs += n;
    else this.summary.count(what === 'nearMiss' ? 'overspeedNearMisses' : 'reconnects', n);
  }

  /** Writes what changed since the last save (the gateway calls it hourly and at a clean stop). */
  persist(): void {
    const keys = new Map<string, KeyState | null>();
    for (const k of this.deleted) keys.set(k, null);
    for (const k of this.dirty) keys.set(k, this.keys.get(k)?.st ?? null);
    this.store.save(this.o.elevatorId, this.meta(), keys);
    this.dirty.clear();
    this.deleted.clear();
  }

  /**
   * A technician's reset (a part replaced, an adjustment made): the matching baselines are
   * forgotten and learned again from now; a warning raised on one is cleared. Saved at once, so a
   * restart cannot bring the old baseline back.
   */
  reset(filter: { indicator?: IndicatorId; floor?: number }, by: string): Transition[] {
    const out: Transition[] = [];
    const matching = [...this.keys].filter(
      ([, t]) => (filter.indicator === undefined || t.place.indicator === filter.indicator) && (filter.floor === undefined || t.place.floor === filter.floor),
    );
    // The clears first, while every key is there: a landing's figures are made absolute from its
    // lift-wide key, which the same reset may forget.
    for (const [, t] of matching) {
      if (t.st.raised) out.push(clearedWarning(t.place, this.absolute(t, this.snapshot(t)), 'baseline-reset', (this.h - t.st.raised.atH) / 1000, this.now));
    }
    for (const [name] of matching) {
      this.keys.delete(name);
      this.dirty.delete(name);
      this.deleted.add(name);
    }
    out.push(resetNotice({ indicator: filter.indicator ?? null, floor: filter.floor ?? null, keys: matching.length, by }, this.now));
    this.persist();
    return out;
  }

  /** The window's indicator summary for the daily statistics; a new window starts. */
  takeSummary(): IndicatorSummary {
    return this.summary.take(this.counters, this.activeCauses());
  }

  /** Causes with a warning raised now. */
  activeCauses(): string[] {
    return [...this.keys].filter(([, t]) => t.st.raised !== undefined).map(([k]) => k);
  }

  /** Every baseline: learning or learned, its band and recent median (diag, the platform's diagnostics command). */
  baselines(): { cause: string; phase: 'learning' | 'learned'; baseline: number | null; now: number | null; raised: boolean }[] {
    return [...this.keys].map(([cause, t]) => {
      const now = nowOf(t.st, this.rulesFor(t.def));
      return { cause, phase: t.st.base ? 'learned' : 'learning', baseline: t.st.base?.median ?? null, now: now ?? null, raised: t.st.raised !== undefined };
    });
  }

  get wear(): Readonly<WearCounters> {
    return this.counters;
  }

  private feed(id: IndicatorId, shape: KeyShape, place: KeyPlace, value: number, worstFloor?: number | null): Tracked {
    const name = keyName(id, shape, place);
    let t = this.keys.get(name);
    if (!t) {
      t = this.tracked(id, name, placeOf(shape, place), newKeyState(this.h));
      this.keys.set(name, t);
    }
    if (worstFloor !== undefined) t.worstFloor = worstFloor;
    this.dirty.add(name);
    const change = observe(t.st, value, this.h, this.rulesFor(t.def));
    if (change) this.pending.push(this.transition(t, this.absolute(t, change)));
    return t;
  }

  private tracked(id: IndicatorId, name: string, place: KeyPlace, st: KeyState): Tracked {
    const def = INDICATOR_DEFS[id];
    const local = place.floor !== null && def.keys.length > 1;
    return { def, place: this.placeFor(id, name, place), st, relativeTo: local ? keyName(id, def.keys[0]!, place) : undefined };
  }

  /** A per-landing key's figures as a technician reads them: its relative values plus the lift-wide baseline and recent median. */
  private absolute(t: Tracked, c: Change): Change {
    const pooled = t.relativeTo === undefined ? undefined : this.keys.get(t.relativeTo);
    if (!pooled || pooled.st.recent.length === 0) return c;
    const nowRef = median(pooled.st.recent);
    const baseRef = pooled.st.base?.median ?? nowRef;
    return { ...c, baseline: c.baseline + baseRef, now: c.now + nowRef, low: c.low + baseRef, high: c.high + baseRef };
  }

  private transition(t: Tracked, c: Change): Transition {
    if (c.kind === 'clear') return clearedWarning(t.place, c, 'back-in-band', (this.h - c.raisedH) / 1000, this.now);
    const label = (floor: number | null | undefined) => (floor === null || floor === undefined ? null : (this.o.floors[floor]?.label ?? String(floor)));
    const other =
      t.place.indicator === 'levelingMm' && t.place.floor === null && t.place.direction !== null
        ? this.keys.get(keyName('levelingMm', 'direction', { floor: null, direction: t.place.direction === 'up' ? 'down' : 'up' }))
        : undefined;
    const h = hint({
      id: t.place.indicator,
      side: c.side,
      floor: t.place.landing,
      direction: t.place.direction,
      baseline: c.baseline,
      now: c.now,
      overDays: c.overDays,
      worstFloor: label(t.worstFloor),
      otherDirection: other ? (other.st.raised?.side ?? other.st.out?.side) : undefined,
    });
    return raisedWarning(t.place, c, h, this.now);
  }

  /** A key's figures now (for a clear that no observation brought: a reset). */
  private snapshot(t: Tracked): Change {
    const r = this.rulesFor(t.def);
    const base = t.st.base!;
    const half = bandHalf(base, r);
    const now = nowOf(t.st, r) ?? base.median;
    return {
      kind: 'clear',
      side: t.st.raised!.side,
      baseline: base.median,
      now,
      low: base.median - half,
      high: base.median + half,
      trendPerDay: undefined,
      overDays: 0,
      learnedFrom: base.n,
      raisedH: t.st.raised!.atH,
    };
  }

  private rulesFor(def: IndicatorDef): BaselineRules {
    let r = this.ruleCache.get(def.id);
    if (!r) {
      r = {
        ...this.rules[def.kind],
        minMargin: this.o.thresholds.earlyWarning.minMargin[def.id],
        recent: def.recent,
        concern: def.concern,
        aggregate: def.kind === 'rate' ? 'mean' : 'median',
      };
      this.ruleCache.set(def.id, r);
    }
    return r;
  }

  private placeFor(id: IndicatorId, cause: string, place: KeyPlace): WarningPlace {
    const landing = place.floor === null ? null : (this.o.floors[place.floor]?.label ?? String(place.floor));
    return { indicator: id, cause, floor: place.floor, direction: place.direction, landing };
  }

  private meta(): HealthMeta {
    return { healthMs: this.h, counters: { ...this.counters }, blocks: this.rates.blocks };
  }
}

const NONE: Transition[] = [];

/** `levelingMm@3/up` → the indicator and the place; undefined for a name this build does not know. */
function parseKey(name: string): { id: IndicatorId; place: KeyPlace } | undefined {
  const m = /^([A-Za-z]+)(?:@(\*|\d+)(?:\/(up|down))?)?$/.exec(name);
  if (!m || !(INDICATORS as readonly string[]).includes(m[1]!)) return undefined;
  const floor = m[2] === undefined || m[2] === '*' ? null : Number(m[2]);
  return { id: m[1] as IndicatorId, place: { floor, direction: (m[3] as 'up' | 'down' | undefined) ?? null } };
}
