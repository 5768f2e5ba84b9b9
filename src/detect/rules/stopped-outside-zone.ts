import { good, type ElevatorSignals, type SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { isInZone, isStationary, optionalFlag } from './conditions.js';
import { seconds, transition, type RuleContext } from './context.js';
import { SuppressionCounter, type Suppressible } from './suppression.js';

/**
 * 非平层停梯: the car stands outside the door zone for 5 s, not in inspection.
 *
 * Cleared only when the car enters a door zone, not when it merely moves again: a car that
 * creeps and stops between floors once more is still the same incident, and every normal trip
 * ends in a zone (passing through one on the way clears too).
 */
export class StoppedOutsideZoneRule implements Rule, Suppressible {
  readonly type = 'stopped-outside-zone' as const;
  readonly severity = defaultSeverity('stopped-outside-zone');
  readonly needs: readonly SignalName[] = ['speedMps', 'doorZone'];
  private readonly hold: Hold;
  private readonly suppression: SuppressionCounter;
  private raisedAt = 0;

  constructor(private readonly ctx: RuleContext) {
    const holdMs = ctx.thresholds.stoppedOutsideZone.holdS * 1000;
    this.hold = new Hold(holdMs, ctx.thresholds.clearHoldMs);
    this.suppression = new SuppressionCounter(holdMs);
  }

  get active(): boolean {
    return this.hold.active;
  }

  takeSuppressed(): number {
    return this.suppression.take();
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const inZone = isInZone(s);
    const stuck = and(isStationary(s, this.ctx.thresholds.stationaryMps), not(inZone));
    const inspection = optionalFlag(s, 'inspection');
    this.suppression.step(now, stuck, inspection);
    const edge = this.hold.step(now, and(stuck, not(inspection)), inZone);
    if (edge === undefined) return [];
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [
        transition(this.type, this.severity, 'raised', now, {
          positionMm: good(s, 'positionMm') ?? null,
          floor: good(s, 'floor') ?? null,
          levelingErrorMm: good(s, 'levelingErrorMm') ?? null,
          stoppedS: seconds(edge.since, now),
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }
}
