import type { Thresholds } from '../config/thresholds.js';
import type { ElevatorSignals, SignalName, Snapshot } from '../signals/types.js';
import { BlackBox, type BlackBoxOptions } from './blackbox.js';
import { AfterRecorder } from './blackbox-after.js';
import { QUIET, WAIT } from './rules/context.js';
import { buildRules, type RuleContext } from './rules/index.js';
import { isSuppressible } from './rules/suppression.js';
import { RuleSchedule, SCHEDULED_RULES } from './rule-schedule.js';
import { SignalTimes } from './signal-times.js';
import type { DetectedEvent, EventType, Rule, Transition } from './types.js';

export interface DetectionEngineOptions {
  elevatorId: string;
  thresholds: Thresholds;
  ratedSpeedMps: number;
  /** Landing levels, mm above the bottom landing, ascending. */
  floorLevelsMm: readonly number[];
  /** Signals the elevator's board provides. */
  available: ReadonlySet<SignalName>;
  /** Those of them a retrofit board's fusion computes (src/signals/fusion). */
  fused?: ReadonlySet<SignalName>;
  /** Overrides the black-box window of `thresholds.blackbox`. */
  blackbox?: Partial<BlackBoxOptions>;
  /** Test seam: the rules to run instead of the catalogue's. */
  rules?: (ctx: RuleContext) => Rule[];
  /** Told about every exception a rule throws (the engine carries on without it). */
  onRuleError?: (type: EventType, error: unknown) => void;
  /** Told of each snapshot the black box keeps, as it keeps it (see BlackBox). */
  onBlackboxRecord?: (signals: ElevatorSignals) => void;
}

export interface ArmedRule {
  type: EventType;
  armed: boolean;
  /** Needed signals the board does not provide (empty but unarmed: the board provides no signal at all). */
  missing: SignalName[];
  /** The signals it reads that a retrofit board's fusion computes (absent on a controller map). */
  fused?: SignalName[];
}

/** A rule as the engine reports it (armed, missing inputs). */
interface RuleSlot {
  rule: Rule;
  missing: SignalName[];
  armed: boolean;
  fused: SignalName[];
}

/** The armed rules as `step` runs them, by index (RuleSchedule's). */
interface Armed {
  rules: Rule[];
  /** `rule.step`, bound once: looked up on 21 different classes from one call site it is a megamorphic load per rule per step. */
  steps: Rule['step'][];
  /** `rule.wakeAt`, bound like `step`, asked only when the rule returned WAIT. */
  wakeAts: ((() => number) | undefined)[];
}

/**
 * What a step with no event returns — nearly every step: one shared array, frozen so that a
 * caller adding to it fails loudly, rather than a new empty array per sample.
 */
const NO_EVENTS = Object.freeze([]) as unknown as DetectedEvent[];

export interface RuleFailures {
  type: EventType;
  count: number;
  lastError: string;
}

/**
 * Runs the fault rules of one elevator on each snapshot of its signals. A rule whose inputs the
 * board lacks is not armed; a rule that throws is counted and skipped for that step, never
 * stopping the others. Raised faults carry the black box of the seconds before them, at once;
 * the seconds after them follow as a `blackbox` event (see AfterRecorder).
 */
export class DetectionEngine {
  readonly elevatorId: string;
  private readonly rules: RuleSlot[];
  private readonly armedRules: Armed;
  private readonly schedule: RuleSchedule;
  private readonly times: SignalTimes;
  private readonly blackbox: BlackBox;
  private readonly after: AfterRecorder;
  private readonly failures = new Map<EventType, RuleFailures>();
  private readonly onRuleError: ((type: EventType, error: unknown) => void) | undefined;

  constructor(o: DetectionEngineOptions) {
    this.elevatorId = o.elevatorId;
    this.onRuleError = o.onRuleError;
    const ctx: RuleContext = {
      thresholds: o.thresholds,
      ratedSpeedMps: o.ratedSpeedMps,
      floorLevelsMm: o.floorLevelsMm,
      available: o.available,
      fused: o.fused ?? new Set(),
      // Called only from a step, when `times` exists.
      previousRead: (signal) => this.times.previous(signal),
    };
    const rules = (o.rules ?? buildRules)(ctx).map((rule) => {
      const missing = rule.needs.filter((n) => !o.available.has(n));
      const inputs = [...rule.needs, ...(rule.optional ?? [])].filter((n) => o.available.has(n));
      // A rule that needs nothing in particular (sensor-lost) still needs a board with signals.
      const fused = inputs.filter((n) => ctx.fused?.has(n));
      return { rule, missing, armed: missing.length === 0 && o.available.size > 0, inputs, fused };
    });
    this.times = new SignalTimes(rules.flatMap((r) => (r.armed ? r.inputs : [])));
    this.rules = rules.map(({ rule, missing, armed, fused }) => ({ rule, missing, armed, fused }));
    const armed = rules.filter((r) => r.armed);
    this.armedRules = {
      rules: armed.map((r) => r.rule),
      steps: armed.map((r) => r.rule.step.bind(r.rule)),
      wakeAts: armed.map((r) => r.rule.wakeAt?.bind(r.rule)),
    };
    this.schedule = new RuleSchedule(
      this.times,
      armed.map(({ rule, inputs }) => ({
        slots: this.times.slots(inputs),
        reads: rule.reads === undefined ? undefined : this.times.mask(rule.reads),
        readsQuality: this.times.mask(rule.readsQuality ?? []),
      })),
    );
    const b = o.thresholds.blackbox;
    const window = { beforeMs: b.beforeS * 1000, afterMs: b.afterS * 1000, sampleEveryMs: b.sampleEveryMs, ...o.blackbox };
    this.blackbox = new BlackBox(o.elevatorId, window, o.onBlackboxRecord);
    this.after = new AfterRecorder(o.elevatorId, window);
  }

  armed(): ArmedRule[] {
    return this.rules.map(({ rule, missing, armed, fused }) => ({ type: rule.type, armed, missing: [...missing], ...(fused.length > 0 ? { fused: [...fused] } : {}) }));
  }

  /**
   * A bit per signal (SignalTimes.mask) whose value or quality, or presence, the last step found
   * different from the step before; 0 when the sample read exactly as the one before.
   */
  get changedSignals(): number {
    return this.times.changed;
  }

  /** One sample at sample time `now`: the events it makes, in catalogue order (empty: a shared frozen array). */
  step(signals: ElevatorSignals, now: number): DetectedEvent[] {
    this.blackbox.record(signals, now);
    this.times.read(signals);
    // Most rules, most of the time, wait for a change of what they read: only those awake run.
    let due = this.schedule.due(now);
    // Most steps raise nothing: no array is made for them.
    let transitions: Transition[] | undefined;
    while (due !== 0) {
      const i = 31 - Math.clz32(due & -due);
      due &= due - 1;
      transitions = this.run(i, signals, transitions);
    }
    for (let i = SCHEDULED_RULES; i < this.schedule.size; i++) transitions = this.run(i, signals, transitions);
    // Nearly always no follow-up is recording: then there is nothing to ask it.
    if (transitions === undefined && this.after.waiting === 0) return NO_EVENTS;
    const events: DetectedEvent[] = [];
    if (transitions !== undefined) this.emit(transitions, signals, now, events);
    if (this.after.waiting > 0) {
      const due = this.after.step(signals, now);
      for (let i = 0; i < due.length; i++) events.push(due[i]!);
    }
    return events;
  }

  /**
   * Steps armed rule i at its time: the sample time up to which the inputs it reads have actually
   * been read. A reading kept through a failed poll (the normalizer holds it for the staleness
   * window) carries the time of its last read, so a rule does not count a held value as time the
   * condition was seen — a 150 ms tap of the alarm button followed by one lost poll is not a
   * 200 ms press. A long hold (trapped: 30 s) still completes on a noisy line, on the first poll
   * that gets through after it is due. Bad inputs do not hold the time back: they make the rule's
   * condition unknown.
   */
  private run(i: number, signals: ElevatorSignals, transitions: Transition[] | undefined): Transition[] | undefined {
    const a = this.armedRules;
    try {
      const out = a.steps[i]!(signals, this.schedule.timeOf(i));
      // A rule that emitted stays awake for one more step: it sleeps once it says QUIET or WAIT.
      this.schedule.sleep(i, out === QUIET ? Number.POSITIVE_INFINITY : out === WAIT ? (a.wakeAts[i]?.() ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY);
      if (out.length === 0) return transitions;
      const all = transitions ?? [];
      for (const x of out) all.push(x);
      return all;
    } catch (error) {
      this.schedule.sleep(i, Number.NEGATIVE_INFINITY);
      this.fail(a.rules[i]!.type, error);
      return transitions;
    }
  }

  /** The step's transitions as events, then the follow-ups sent early; raised faults carry the black box. */
  private emit(transitions: Transition[], signals: ElevatorSignals, now: number, events: DetectedEvent[]): void {
    this.reportSuppressed(transitions);
    let blackbox: Snapshot[] | undefined;
    const early: DetectedEvent[] = [];
    for (const t of transitions) {
      const event: DetectedEvent = { ...t, elevatorId: this.elevatorId };
      // Faults carry the black box; informational events (a maintenance session) do not need it.
      if (t.phase === 'raised' && t.severity !== 'info') {
        event.blackbox = blackbox ??= this.blackbox.before(now, signals);
        early.push(...this.after.open(t));
      }
      events.push(event);
    }
    for (const e of early) events.push(e);
  }

  /**
   * The black-box follow-ups still recording, with what they have so far: call on a clean
   * shutdown so no raised fault goes without its after-part.
   */
  flush(): DetectedEvent[] {
    return this.after.flush();
  }

  /** Types with an episode currently raised, for telemetry's activeFaults. */
  active(): EventType[] {
    const out: EventType[] = [];
    for (const { rule, armed } of this.rules) {
      if (!armed) continue;
      try {
        if (rule.active) out.push(rule.type);
      } catch (error) {
        this.fail(rule.type, error);
      }
    }
    return out;
  }

  ruleFailures(): RuleFailures[] {
    return [...this.failures.values()].map((f) => ({ ...f }));
  }

  private fail(type: EventType, error: unknown): void {
    const f = this.failures.get(type) ?? { type, count: 0, lastError: '' };
    f.count++;
    f.lastError = error instanceof Error ? error.message : String(error);
    this.failures.set(type, f);
    this.onRuleError?.(type, error);
  }

  /** A closing maintenance session lists the faults inspection suppressed during it. */
  private reportSuppressed(transitions: Transition[]): void {
    const closing = transitions.find((t) => t.type === 'maintenance-session' && t.phase === 'cleared');
    if (closing === undefined) return;
    const suppressed: Partial<Record<EventType, number>> = {};
    for (const { rule } of this.rules) {
      if (!isSuppressible(rule)) continue;
      const n = rule.takeSuppressed();
      if (n > 0) suppressed[rule.type] = n;
    }
    closing.data = { ...closing.data, suppressed };
  }
}
