import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not, or, type Tri } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, optionalGood } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';

export type Terminal = 'top' | 'bottom';

/**
 * 冲顶 / 蹲底: the car beyond the top (bottom) landing by more than 150 mm, or that end's final
 * limit switch tripped. Either input arms the rule: position when the board has it, otherwise
 * the limit switch alone. Cleared when back within range with the limit reset.
 */
export class OvertravelRule implements Rule {
  readonly type: 'overtravel-top' | 'overtravel-bottom';
  readonly severity: Rule['severity'];
  readonly needs: readonly SignalName[];
  readonly optional: readonly SignalName[];
  readonly reads: readonly SignalName[];
  private readonly limit: 'topFinalLimit' | 'bottomFinalLimit';
  private readonly hold: Hold;
  /** The end's landing level, undefined without landings: computed once, not per step. */
  private readonly endLevelMm: number | undefined;

  constructor(
    private readonly ctx: RuleContext,
    private readonly end: Terminal,
  ) {
    this.type = end === 'top' ? 'overtravel-top' : 'overtravel-bottom';
    this.severity = defaultSeverity(this.type);
    this.limit = end === 'top' ? 'topFinalLimit' : 'bottomFinalLimit';
    const limitOnly = ctx.available.has(this.limit) && !ctx.available.has('positionMm');
    this.needs = limitOnly ? [this.limit] : ['positionMm'];
    this.optional = limitOnly ? [] : [this.limit];
    this.reads = ['positionMm', this.limit];
    this.hold = new Hold(ctx.thresholds.overtravel.holdMs, ctx.thresholds.clearHoldMs);
    const levels = ctx.floorLevelsMm;
    this.endLevelMm = levels.length === 0 ? undefined : end === 'top' ? Math.max(...levels) : Math.min(...levels);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const beyondMm = this.beyondMm(s);
    const beyond: Tri = beyondMm === undefined ? (s.positionMm === undefined ? false : undefined) : beyondMm > 0;
    const limit = optionalGood(this.end === 'top' ? s.topFinalLimit : s.bottomFinalLimit);
    // The clear condition counts only once raised.
    const edge = this.hold.step(now, or(beyond, limit), this.hold.active ? and(not(beyond), not(limit)) : undefined);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'cleared') return [transition(this.type, this.severity, 'cleared', now)];
    return [
      transition(this.type, this.severity, 'raised', now, {
        positionMm: goodValue(s.positionMm) ?? null,
        pastLandingMm: beyondMm === undefined ? null : Math.round(beyondMm + this.ctx.thresholds.overtravel.marginMm),
        finalLimit: limit ?? null,
      }),
    ];
  }

  /** How far past the allowed range the car is (> 0 = overtravel), undefined when unknown. */
  private beyondMm(s: ElevatorSignals): number | undefined {
    const position = goodValue(s.positionMm);
    const level = this.endLevelMm;
    if (position === undefined || level === undefined) return undefined;
    const margin = this.ctx.thresholds.overtravel.marginMm;
    return this.end === 'top' ? position - (level + margin) : level - margin - position;
  }
}
