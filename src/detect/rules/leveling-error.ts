import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not } from '../tri.js';
import type { Rule, Severity, Transition } from '../types.js';
import { goodValue, isInZone, isStationary } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';

/**
 * 平层精度超差: measured once per stop, when the car has stood in the door zone with its door
 * open for a moment: |error| > 10 mm is a warning, > 20 mm a fault. Cleared at the next stop
 * measured within 10 mm.
 */
export class LevelingErrorRule implements Rule {
  readonly type = 'leveling-error' as const;
  readonly severity = defaultSeverity('leveling-error');
  readonly needs: readonly SignalName[] = ['levelingErrorMm', 'speedMps', 'door', 'doorZone'];
  readonly reads: readonly SignalName[] = ['door', 'speedMps', 'doorZone'];
  /** Raised = "standing open at a landing long enough to measure". */
  private readonly standing: Hold;
  private raised: Severity | undefined;

  constructor(private readonly ctx: RuleContext) {
    this.standing = new Hold(ctx.thresholds.levelingError.settleMs, 0);
  }

  wakeAt(): number {
    return this.standing.wakeAt;
  }

  get active(): boolean {
    return this.raised !== undefined;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const door = goodValue(s.door);
    const doorOpen = door === undefined || door === 'unknown' ? undefined : door === 'open';
    const atLanding = and(and(isStationary(s, this.ctx.thresholds.stationaryMps), isInZone(s)), doorOpen);
    if (this.standing.step(now, atLanding, not(atLanding))?.edge !== 'raised') return nothing(this.wakeAt());
    const errorMm = goodValue(s.levelingErrorMm);
    if (errorMm === undefined) return nothing(this.wakeAt());
    const l = this.ctx.thresholds.levelingError;
    const off = Math.abs(errorMm);
    const data = { errorMm, floor: goodValue(s.floor) ?? null };
    if (off > l.warnMm && this.raised === undefined) {
      this.raised = off > l.faultMm ? 'fault' : 'warning';
      return [transition(this.type, this.raised, 'raised', now, { ...data, limitMm: off > l.faultMm ? l.faultMm : l.warnMm })];
    }
    if (off <= l.warnMm && this.raised !== undefined) {
      const severity = this.raised;
      this.raised = undefined;
      return [transition(this.type, severity, 'cleared', now, data)];
    }
    return nothing(this.wakeAt());
  }
}
