import type { Thresholds } from '../config/thresholds.js';
import type { ArmedRule } from '../detect/engine.js';
import type { BaselineStore } from '../detect/health/baseline-store.js';
import type { IndicatorSummary } from '../detect/health/summary.js';
import { Detection } from '../detect/pipeline.js';
import type { StatsRecord } from '../detect/stats.js';
import type { DetectedEvent } from '../detect/types.js';
import { directionOf, levelingError, nearestFloor, SpeedEstimator } from '../signals/derive.js';
import type { ElevatorSignals, SignalName, SignalValues } from '../signals/types.js';
import type { ReplaySample } from './sample.js';

export interface ReplayOptions {
  elevatorId?: string;
  thresholds: Thresholds;
  ratedSpeedMps: number;
  /** Landing levels, mm, ascending. */
  floorLevelsMm: readonly number[];
  floorLabels?: readonly string[];
  /** Early-warning baselines to start from (a gateway's, `--baselines`); learned from the log itself when absent. */
  baselines?: BaselineStore;
}

export interface ReplayResult {
  events: DetectedEvent[];
  /** Sample time of the first sample: event offsets are from here. */
  startT: number;
  endT: number;
  samples: number;
  /** Signals the log provides, with those derived from them. */
  available: SignalName[];
  armed: ArmedRule[];
  /** The whole log as one statistics window. */
  stats: StatsRecord;
  /**
   * Intervals without a sample longer than `rules.stats.maxGapMs`: the rules held the last values
   * across each (a door open before it stood open through it), while the statistics and health
   * time counted an hour of it at most. `events`: those raised at its end, the gap's as much as the lift's.
   */
  gaps: ReplayGap[];
  /** The health indicators over the whole log, and every baseline at its end (absent with early warning off). */
  health?: {
    summary: IndicatorSummary;
    baselines: { cause: string; phase: 'learning' | 'learned'; baseline: number | null; now: number | null; raised: boolean }[];
    observedDays: number;
  };
}

interface ReplayGap {
  /** Sample times of the samples before and after it. */
  fromT: number;
  toT: number;
  /** Where the log resumes ("log.jsonl:17"), when known. */
  resumesAt?: string;
  /** Events (black boxes aside) raised at the sample that ends it. */
  events: number;
}

/**
 * Runs the rules over recorded samples exactly as the gateway does over live ones: the same
 * engine on sample time, with floor, leveling error, speed and direction derived as the
 * normalizer derives them when the log does not carry them. Black-box follow-ups still recording
 * at the end of the log are flushed. The health indicators run too: on a log of weeks they learn
 * their baselines and give the early warnings the gateway would have given; given a gateway's
 * baselines (`baselines`, never written to), they judge a shorter log against those.
 */
export function replay(samples: readonly ReplaySample[], o: ReplayOptions): ReplayResult {
  const provided = new Set<SignalName>();
  for (const s of samples) {
    for (const name of Object.keys(s.values) as SignalName[]) provided.add(name);
    for (const name of s.bad) provided.add(name);
  }
  const derive = new Deriver(provided, o);
  const available = derive.available();
  const floors = o.floorLevelsMm.map((levelMm, i) => ({ label: o.floorLabels?.[i] ?? String(i), levelMm }));
  const detection = new Detection(
    { elevatorId: o.elevatorId ?? 'replay', thresholds: o.thresholds, ratedSpeedMps: o.ratedSpeedMps, floors, ...(o.baselines ? { baselines: o.baselines } : {}) },
    available,
  );
  const events: DetectedEvent[] = [];
  const startT = samples[0]?.t ?? 0;
  const endT = samples.at(-1)?.t ?? startT;
  const gaps: ReplayGap[] = [];
  let prev: ReplaySample | undefined;
  for (const sample of samples) {
    const raised = detection.observe(derive.signals(sample), sample.t);
    events.push(...raised);
    if (prev !== undefined && sample.t - prev.t > o.thresholds.stats.maxGapMs) {
      const faults = raised.filter((e) => e.type !== 'blackbox').length;
      gaps.push({ fromT: prev.t, toT: sample.t, ...(sample.source ? { resumesAt: sample.source } : {}), events: faults });
    }
    prev = sample;
  }
  events.push(...detection.flush());
  const h = detection.health;
  const health = h ? { summary: h.takeSummary(), baselines: h.baselines(), observedDays: h.healthMs / 86_400_000 } : undefined;
  return {
    events,
    startT,
    endT,
    samples: samples.length,
    available: [...available].sort(),
    armed: detection.armed(),
    stats: detection.stats.rollup('day', endT),
    gaps,
    ...(health ? { health } : {}),
  };
}

/** Samples → ElevatorSignals, with the normalizer's derivations for what the log lacks. */
class Deriver {
  private readonly speed = new SpeedEstimator();
  /** Last good value per signal: a bad reading carries it with quality 'bad'. */
  private readonly lastGood = new Map<SignalName, unknown>();
  /**
   * When each signal last read good: a log's `bad` is the gateway's judgement (past the
   * staleness window), and a bad sample's `at` is its last good read, as the normalizer's is —
   * or, for a signal bad from the first sample, that sample's time.
   */
  private readonly lastGoodAt = new Map<SignalName, number>();

  constructor(
    private readonly provided: ReadonlySet<SignalName>,
    private readonly o: ReplayOptions,
  ) {}

  available(): Set<SignalName> {
    const out = new Set(this.provided);
    const p = this.provided;
    if (p.has('positionMm') && this.o.floorLevelsMm.length > 0) out.add('floor').add('levelingErrorMm');
    if (p.has('positionMm')) out.add('speedMps');
    if (out.has('speedMps')) out.add('direction');
    return out;
  }

  signals(sample: ReplaySample): ElevatorSignals {
    const out: Record<string, { value: unknown; quality: 'good' | 'bad'; at: number }> = {};
    const put = (name: SignalName, value: unknown, quality: 'good' | 'bad') => {
      if (quality === 'good') {
        this.lastGood.set(name, value);
        this.lastGoodAt.set(name, sample.t);
        out[name] = { value, quality, at: sample.t };
        return;
      }
      if (!this.lastGoodAt.has(name)) this.lastGoodAt.set(name, sample.t);
      out[name] = { value: this.lastGood.get(name) ?? placeholder(name), quality, at: this.lastGoodAt.get(name)! };
    };
    for (const [name, value] of Object.entries(sample.values) as [SignalName, unknown][]) put(name, value, 'good');
    for (const name of sample.bad) put(name, undefined, 'bad');
    this.derive(sample, put);
    return out as ElevatorSignals;
  }

  private derive(sample: ReplaySample, put: (name: SignalName, value: unknown, quality: 'good' | 'bad') => void): void {
    const p = this.provided;
    const levels = this.o.floorLevelsMm;
    const pos = sample.values.positionMm;
    const posBad = sample.bad.includes('positionMm');
    let speed = sample.values.speedMps;
    let speedKnown = speed !== undefined || sample.bad.includes('speedMps');
    if (pos !== undefined || posBad) {
      const quality = posBad ? 'bad' : 'good';
      const mm = pos ?? 0;
      if (!p.has('floor') && levels.length > 0) put('floor', nearestFloor(levels, mm), quality);
      if (!p.has('levelingErrorMm') && levels.length > 0) put('levelingErrorMm', levelingError(levels, mm), quality);
      if (!p.has('speedMps')) {
        speed = pos === undefined ? undefined : this.speed.update(pos, sample.t);
        speedKnown = true;
        put('speedMps', speed ?? 0, quality);
      }
    }
    if (!p.has('direction') && speedKnown) {
      put('direction', directionOf(speed ?? 0, this.o.thresholds.stationaryMps), speed === undefined ? 'bad' : 'good');
    }
  }
}

function placeholder(name: SignalName): SignalValues[SignalName] {
  if (name === 'door') return 'unknown';
  if (name === 'direction') return 'none';
  return ['positionMm', 'floor', 'speedMps', 'levelingErrorMm', 'controllerFloor'].includes(name) ? 0 : false;
}
