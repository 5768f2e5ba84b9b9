import type { Tri } from './tri.js';

/** An edge of a held condition, and when the condition that caused it began. */
export interface HoldEdge {
  edge: 'raised' | 'cleared';
  /** Monotonic ms when the condition started holding (≤ the edge's own time). */
  since: number;
}

/**
 * Raise/clear hysteresis with time as an input, no timers: the raise condition must hold
 * continuously for `raiseMs` to raise, then the clear condition for `clearMs` to clear.
 *
 * - One raised edge per episode: while raised only the clear condition is looked at.
 * - A condition that is false or unknown (undefined) restarts the pending wait, so a sample
 *   glitch shorter than a hold never flips the state, and missing data never does either.
 * - A hold of 0 flips on the first sample where the condition is true.
 */
export class Hold {
  private raised = false;
  private since: number | undefined;
  private idle = true;
  /** While a wait runs: when it ends (since + the hold of the last step). */
  private due = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly raiseMs: number,
    private readonly clearMs: number,
  ) {}

  get active(): boolean {
    return this.raised;
  }

  /**
   * From what time stepping again on the same inputs could change anything (Rule.wakeAt):
   * +Infinity when the last step found the condition it watches (raise, or clear once raised)
   * not true — the same inputs again, at any later time, change nothing; while a wait runs, its
   * end; -Infinity on the step that flipped the state (the other condition may already hold).
   */
  get wakeAt(): number {
    if (this.idle) return Number.POSITIVE_INFINITY;
    return this.since === undefined ? Number.NEGATIVE_INFINITY : this.due;
  }

  /** Since when the condition that would flip the state has held; undefined when none is pending. */
  get pendingSince(): number | undefined {
    return this.since;
  }

  /**
   * @param raiseMs overrides the raise hold for this step (a rule whose hold depends on context,
   *   e.g. trapped: 30 s outside the door zone, 120 s inside, 0 on an alarm press).
   */
  step(now: number, raise: Tri, clear: Tri, raiseMs: number = this.raiseMs): HoldEdge | undefined {
    const condition = this.raised ? clear : raise;
    if (condition !== true) {
      this.since = undefined;
      this.idle = true;
      return undefined;
    }
    this.idle = false;
    this.since ??= now;
    const need = this.raised ? this.clearMs : raiseMs;
    if (now - this.since < need) {
      this.due = this.since + need;
      return undefined;
    }
    const since = this.since;
    this.since = undefined;
    this.raised = !this.raised;
    return { edge: this.raised ? 'raised' : 'cleared', since };
  }
}
