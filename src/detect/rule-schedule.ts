import type { SignalTimes } from './signal-times.js';

/** Rules beyond this many are not scheduled by bit mask: they run on every step (see RuleSchedule). */
export const SCHEDULED_RULES = 31;

export interface ScheduledRule {
  /** The signal-time slots of the inputs it reads (SignalTimes.slots). */
  slots: Uint8Array;
  /** The signals whose change wakes it (SignalTimes.mask); undefined: it runs on every step. */
  reads: number | undefined;
  /** With `reads`: the signals whose change of readability also wakes it (SignalTimes.readabilityChanged). */
  readsQuality?: number;
}

/**
 * Which of an elevator's armed rules a step runs, and at what time.
 *
 * A rule that said it was quiet (QUIET) sleeps until a signal it reads changes (or, of those it
 * watches only for readability, changes quality or the time of its last good read); one that waits
 * out a hold (WAIT) also until its time reaches its wakeAt() — rules/context.ts. Rather than
 * asking each of the 21 rules on every step, the step's changed signals wake their readers by
 * bit mask, the waiting rules whose time has come wake too, and only the rules awake are
 * visited — in index order, which is the order their transitions are emitted in.
 *
 * A rule's time is the earliest read time of its inputs, never decreasing (DetectionEngine).
 * When a poll read every input at once (SignalTimes.common), that time is the same for every
 * rule with inputs, so a sleeping rule's time is brought up to date only when it runs: the
 * highest common time seen so far. Exact, not approximate: the rule would have taken the maximum
 * of the same times step by step. A step whose inputs were read at different times updates every
 * rule, as before.
 */
export class RuleSchedule {
  /** Each rule's time so far: read with `timeOf`, which brings it up to date. */
  private readonly times: Float64Array;
  private readonly slots: Uint8Array[];
  private readonly hasInputs: Uint8Array;
  /** Per signal slot, the rules its change wakes. */
  private readonly readers = new Int32Array(32);
  /** Per signal slot, the rules its change of readability wakes (the rules' `readsQuality`). */
  private readonly qualityReaders = new Int32Array(32);
  /** Bit per rule that runs on the next step whatever changes: not quiet, or never skipped. */
  private awake: number;
  /** Bit per rule that may sleep (it has `reads`). */
  private readonly skippable: number = 0;
  /** Bit per sleeping rule that wakes at a time, and that time (`sleep`). */
  private waiting = 0;
  private readonly wakeAt: Float64Array;
  /** Highest common read time (rules with inputs) and highest sample time (rules without) so far. */
  private commonHigh = Number.NEGATIVE_INFINITY;
  private nowHigh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly signals: SignalTimes,
    rules: readonly ScheduledRule[],
  ) {
    this.times = new Float64Array(rules.length).fill(Number.NEGATIVE_INFINITY);
    this.wakeAt = new Float64Array(rules.length);
    this.slots = rules.map((r) => r.slots);
    this.hasInputs = Uint8Array.from(rules, (r) => (r.slots.length > 0 ? 1 : 0));
    const scheduled = Math.min(rules.length, SCHEDULED_RULES);
    // Every rule runs on the first step.
    this.awake = scheduled === 0 ? 0 : (-1 >>> (32 - scheduled)) | 0;
    for (let i = 0; i < scheduled; i++) {
      const reads = rules[i]!.reads;
      if (reads === undefined) continue;
      this.skippable |= 1 << i;
      const quality = rules[i]!.readsQuality ?? 0;
      for (let s = 0; s < 32; s++) {
        if ((reads >>> s) & 1) this.readers[s]! |= 1 << i;
        if ((quality >>> s) & 1) this.qualityReaders[s]! |= 1 << i;
      }
    }
  }

  /** How many rules: those at SCHEDULED_RULES and beyond run on every step, after the others. */
  get size(): number {
    return this.times.length;
  }

  /**
   * The rules to run on this step (after `signals.read`), a bit per rule below SCHEDULED_RULES;
   * visit them lowest bit first.
   */
  due(now: number): number {
    const common = this.signals.common(now);
    if (now > this.nowHigh) this.nowHigh = now;
    if (Number.isNaN(common)) {
      // Inputs read at different times: each rule's own, now.
      for (let i = 0; i < this.times.length; i++) {
        const high = this.hasInputs[i] === 1 ? this.commonHigh : this.nowHigh;
        this.times[i] = Math.max(this.times[i]!, high, this.signals.upTo(this.slots[i]!, now));
      }
    } else if (common > this.commonHigh) {
      this.commonHigh = common;
    }
    let due = this.awake;
    let changed = this.signals.changed;
    while (changed !== 0) {
      const s = 31 - Math.clz32(changed & -changed);
      changed &= changed - 1;
      due |= this.readers[s]!;
    }
    let unreadable = this.signals.readabilityChanged;
    while (unreadable !== 0) {
      const s = 31 - Math.clz32(unreadable & -unreadable);
      unreadable &= unreadable - 1;
      due |= this.qualityReaders[s]!;
    }
    let waiting = this.waiting & ~due;
    while (waiting !== 0) {
      const i = 31 - Math.clz32(waiting & -waiting);
      waiting &= waiting - 1;
      // A millisecond early: since + hold rounded up must not make a rule late; early costs a step.
      if (this.timeOf(i) >= this.wakeAt[i]! - 1) due |= 1 << i;
    }
    return due;
  }

  /** Rule i's time on this step. */
  timeOf(i: number): number {
    const high = this.hasInputs[i] === 1 ? this.commonHigh : this.nowHigh;
    if (high > this.times[i]!) this.times[i] = high;
    return this.times[i]!;
  }

  /**
   * After rule i ran: it sleeps until a signal it reads changes, or also until its time reaches
   * `wakeAt` when that is finite (a rule without `reads` never sleeps); -Infinity: it runs on
   * the next step.
   */
  sleep(i: number, wakeAt: number): void {
    if (i >= SCHEDULED_RULES) return;
    const bit = 1 << i;
    this.waiting &= ~bit;
    if (!(wakeAt > Number.NEGATIVE_INFINITY) || (this.skippable & bit) === 0) {
      this.awake |= bit;
      return;
    }
    this.awake &= ~bit;
    if (wakeAt < Number.POSITIVE_INFINITY) {
      this.waiting |= bit;
      this.wakeAt[i] = wakeAt;
    }
  }
}
