import { Hold } from '../hold.js';
import { and, not, type Tri } from '../tri.js';
import type { Rule } from '../types.js';

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

  take(): number {
    const n = this.count;
    this.count = 0;
    return n;
  }
}
