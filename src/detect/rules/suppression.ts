import { Hold } from '../hold.js';
import { and, not, type Tri } from '../tri.js';
import type { Rule } from '../types.js';
import { seconds } from './context.js';

/**
 * Inspection mode suppresses faults a technician causes on purpose (a car parked between floors,
 * doors held open, the safety circuit opened). A suppressed rule does not raise; it counts each
 * episode it would have raised, and the engine reports the counts on the maintenance session's
 * closing event so the suppression stays visible.
 */
export interface Suppressible {
  /** Episodes suppressed since the last call; resets the count. */
  takeSuppressed(): number;
}

export function isSuppressible(rule: Rule): rule is Rule & Suppressible {
  return typeof (rule as Partial<Suppressible>).takeSuppressed === 'function';
}

/** Counts episodes of `fault` held for `holdMs` while inspection is on. */
export class SuppressionCounter {
  private readonly hold: Hold;
  private count = 0;

  constructor(holdMs: number) {
    this.hold = new Hold(holdMs, 0);
  }

  step(now: number, fault: Tri, inspection: Tri): void {
    const suppressed = and(fault, inspection);
    if (this.hold.step(now, suppressed, not(suppressed))?.edge === 'raised') this.count++;
  }

  /** See Hold.wakeAt. */
  get wakeAt(): number {
    return this.hold.wakeAt;
  }

  take(): number {
    const n = this.count;
    this.count = 0;
    return n;
  }
}

export type EpisodeEdge = { edge: 'raised'; since: number } | { edge: 'cleared'; durationS: number };

/**
 * One fault episode that inspection suppresses: raise after `holdMs` of the fault outside
 * inspection, clear after `clearHoldMs` of the clear condition, and count the episodes inspection
 * held back. The rules that use it only say what the fault and its clearing look like.
 */
export class SuppressibleEpisode implements Suppressible {
  private readonly hold: Hold;
  private readonly suppression: SuppressionCounter;
  private raisedAt = 0;

  constructor(holdMs: number, clearHoldMs: number) {
    this.hold = new Hold(holdMs, clearHoldMs);
    this.suppression = new SuppressionCounter(holdMs);
  }

  get active(): boolean {
    return this.hold.active;
  }

  /** The earlier of its two holds' (Rule.wakeAt). */
  get wakeAt(): number {
    return Math.min(this.hold.wakeAt, this.suppression.wakeAt);
  }

  takeSuppressed(): number {
    return this.suppression.take();
  }

  step(now: number, fault: Tri, inspection: Tri, clear: Tri): EpisodeEdge | undefined {
    this.suppression.step(now, fault, inspection);
    const edge = this.hold.step(now, and(fault, not(inspection)), clear);
    if (edge === undefined) return undefined;
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return { edge: 'raised', since: edge.since };
    }
    return { edge: 'cleared', durationS: seconds(this.raisedAt, now) };
  }
}
