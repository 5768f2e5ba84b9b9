import type { RawPoint } from '../../drivers/types.js';
import type { BoardProfile } from '../config/board.js';
import type { Thresholds } from '../config/thresholds.js';
import type { LearnedShaft } from '../signals/fusion/shaft.js';
import { SignalNormalizer, staleWindowMs } from '../signals/normalize.js';
import type { ElevatorSignals, SignalName } from '../signals/types.js';
import { DetectionEngine, type ArmedRule } from './engine.js';
import type { BaselineStore } from './health/baseline-store.js';
import { ElevatorHealth } from './health/health.js';
import { StatsCollector } from './stats.js';
import type { DetectedEvent, EventType, Transition } from './types.js';

/** What the rules need to know of one elevator, whichever way its signals arrive. */
export interface ElevatorFacts {
  elevatorId: string;
  thresholds: Thresholds;
  ratedSpeedMps: number;
  floors: readonly { label: string; levelMm: number }[];
  /** A retrofit board's learned shaft (`elevators[].shaft`, docs/retrofit.md). */
  shaft?: LearnedShaft | undefined;
  /** Told about every exception a rule throws (the engine carries on without it). */
  onRuleError?: (type: EventType, error: unknown) => void;
  /** Where the health indicators' baselines survive restarts (in memory when not given). */
  baselines?: BaselineStore;
  /** Told of each snapshot the black box keeps (the gateway encodes its payload row then, off the raise). */
  onBlackboxRecord?: (signals: ElevatorSignals) => void;
}

/** What `after` returns when no indicator warns — nearly every step: one shared, frozen array. */
const NO_WARNINGS = Object.freeze([]) as unknown as DetectedEvent[];

/**
 * Signals in, events out: the fault rules and the usage statistics of one elevator, stepped on
 * sample time. Fed by the normalizer (a live board, `ElevatorPipeline`) or by a recorded log
 * (`elevgw replay`); either way it is this one assembly.
 */
export class Detection {
  readonly engine: DetectionEngine;
  readonly stats: StatsCollector;
  /** Health indicators and early warnings (src/detect/health); absent when rules.earlyWarning.enabled is false. */
  readonly health: ElevatorHealth | undefined;
  samples = 0;
  private last: ElevatorSignals = {};
  /** The sample `after` last observed (by `samples`' count); -1 before any. */
  private observed = -1;
  /** This step's snapshot reads as the one `after` last observed, every value and quality: set by `rules`. */
  private same = false;
  private readonly onRuleError: ElevatorFacts['onRuleError'];

  /** `fused`: the available signals a retrofit board's fusion computes (rules apply their own margins on them). */
  constructor(facts: ElevatorFacts, available: ReadonlySet<SignalName>, fused: ReadonlySet<SignalName> = new Set()) {
    const floorLevelsMm = facts.floors.map((f) => f.levelMm);
    this.engine = new DetectionEngine({
      elevatorId: facts.elevatorId,
      thresholds: facts.thresholds,
      ratedSpeedMps: facts.ratedSpeedMps,
      floorLevelsMm,
      available,
      fused,
      ...(facts.onRuleError ? { onRuleError: facts.onRuleError } : {}),
      ...(facts.onBlackboxRecord ? { onBlackboxRecord: facts.onBlackboxRecord } : {}),
    });
    this.stats = new StatsCollector({ thresholds: facts.thresholds, available, floorLabels: facts.floors.map((f) => f.label) });
    this.onRuleError = facts.onRuleError;
    this.health = facts.thresholds.earlyWarning.enabled
      ? new ElevatorHealth({
          elevatorId: facts.elevatorId,
          thresholds: facts.thresholds,
          ratedSpeedMps: facts.ratedSpeedMps,
          floors: facts.floors,
          available,
          ...(facts.baselines ? { store: facts.baselines } : {}),
        })
      : undefined;
  }

  /** The last snapshot observed. */
  get signals(): ElevatorSignals {
    return this.last;
  }

  /** One detection step: the rules, the statistics, then the health indicators, on this snapshot at sample time `now`. */
  observe(signals: ElevatorSignals, now: number): DetectedEvent[] {
    const events = this.rules(signals, now);
    const warnings = this.after(signals, now, events);
    return warnings.length === 0 ? events : [...events, ...warnings];
  }

  /**
   * The first part of a step: the rules' events. Neither the statistics nor the indicators can
   * change them, so a caller in a hurry (the gateway's monitor) sends them on before `after`.
   */
  rules(signals: ElevatorSignals, now: number): DetectedEvent[] {
    this.last = signals;
    const events = this.engine.step(signals, now);
    // The engine compared this snapshot with the one it stepped before, which is the one `after`
    // last observed when every step had its `after`.
    this.same = this.observed === this.samples && this.engine.changedSignals === 0;
    this.samples++;
    return events;
  }

  /**
   * The rest of the step `rules` began, on the same `signals`: the statistics (counting its
   * `events`), then the health indicators' warnings. A parked car's snapshots, unchanged from
   * one poll to the next, only count their time in either.
   */
  after(signals: ElevatorSignals, now: number, events: readonly DetectedEvent[]): DetectedEvent[] {
    const same = this.same && this.observed === this.samples - 1;
    this.same = false;
    this.observed = this.samples;
    this.stats.observe(signals, now, same);
    for (const e of events) this.stats.countEvent(e);
    const warnings = this.observeHealth(signals, now, same);
    // Not counted in the statistics' faults: a warning is no fault (the day's indicator summary lists them).
    return warnings.length === 0 ? NO_WARNINGS : warnings.map((w) => ({ ...w, elevatorId: this.engine.elevatorId }));
  }

  /** The indicators, never at the cost of the rules' events: an exception is reported like a rule's and the sample goes on. */
  private observeHealth(signals: ElevatorSignals, now: number, same: boolean): Transition[] {
    if (!this.health) return [];
    try {
      return this.health.observe(signals, now, same);
    } catch (error) {
      this.onRuleError?.('early-warning', error);
      return [];
    }
  }

  /** Black-box follow-ups still recording, with what they have (a clean stop, the end of a log). */
  flush(): DetectedEvent[] {
    return this.engine.flush();
  }

  armed(): ArmedRule[] {
    return this.engine.armed();
  }
}

/**
 * One elevator's pipeline from a board's raw points to events: the normalizer with the one
 * staleness policy (`staleWindowMs`), then `Detection`. The gateway's monitor, `diag` and the
 * tests all build it here, so they judge a reading's quality and arm rules the same way.
 */
export class ElevatorPipeline {
  readonly normalizer: SignalNormalizer;
  readonly detection: Detection;

  constructor(
    readonly board: BoardProfile,
    facts: ElevatorFacts,
  ) {
    this.normalizer = new SignalNormalizer(board, {
      floorLevelsMm: facts.floors.map((f) => f.levelMm),
      stationaryMps: facts.thresholds.stationaryMps,
      staleAfterMs: staleWindowMs(board),
      shaft: facts.shaft,
    });
    this.detection = new Detection(facts, this.normalizer.available(), this.normalizer.fused());
  }

  /** The raw points of one poll. */
  update(points: readonly RawPoint[]): void {
    this.normalizer.update(points);
  }

  /** The signals as they read at `now`, without stepping the rules (diag). */
  snapshot(now: number): ElevatorSignals {
    return this.normalizer.snapshot(now);
  }

  /** One detection step on the signals as they read at `now`. */
  step(now: number): { signals: ElevatorSignals; events: DetectedEvent[] } {
    const signals = this.normalizer.snapshot(now);
    return { signals, events: this.detection.observe(signals, now) };
  }

  /**
   * The same step, its events handed to `emit` as soon as they exist: the rules' before the
   * statistics and the health indicators run, the indicators' warnings after. The gateway stores
   * and publishes in `emit`, so an event does not wait for work that cannot change it.
   */
  stepEmitting(now: number, emit: (events: DetectedEvent[], signals: ElevatorSignals) => void): void {
    const signals = this.normalizer.snapshot(now);
    const events = this.detection.rules(signals, now);
    if (events.length > 0) emit(events, signals);
    const warnings = this.detection.after(signals, now, events);
    if (warnings.length > 0) emit(warnings, signals);
  }
}

/** The pipeline of a configured elevator; `hooks` are the gateway's (diag and commissioning need none). */
export function pipelineFor(
  e: { config: { id: string; ratedSpeedMps: number; floors: { label: string; levelMm: number }[]; shaft?: LearnedShaft | undefined }; board: BoardProfile; thresholds: Thresholds },
  hooks: Pick<ElevatorFacts, 'onRuleError' | 'baselines' | 'onBlackboxRecord'> = {},
): ElevatorPipeline {
  return new ElevatorPipeline(e.board, {
    elevatorId: e.config.id,
    thresholds: e.thresholds,
    ratedSpeedMps: e.config.ratedSpeedMps,
    floors: e.config.floors,
    shaft: e.config.shaft,
    ...hooks,
  });
}
