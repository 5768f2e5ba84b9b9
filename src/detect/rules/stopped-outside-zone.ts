import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { and, not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isInZone, isStationary, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { SuppressibleEpisode, type Suppressible } from './suppression.js';

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
  readonly reads: readonly SignalName[] = ['speedMps', 'doorZone', 'inspection'];
  readonly optional: readonly SignalName[] = ['inspection'];
  private readonly episode: SuppressibleEpisode;

  constructor(private readonly ctx: RuleContext) {
    const holdMs = ctx.thresholds.stoppedOutsideZone.holdS * 1000;
    this.episode = new SuppressibleEpisode(holdMs, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.episode.wakeAt;
  }

  get active(): boolean {
    return this.episode.active;
  }

  takeSuppressed(): number {
    return this.episode.takeSuppressed();
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const inZone = isInZone(s);
    const stuck = and(isStationary(s, this.ctx.thresholds.stationaryMps), not(inZone));
    const inspection = optionalGood(s.inspection);
    const edge = this.episode.step(now, stuck, inspection, inZone);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      return [
        transition(this.type, this.severity, 'raised', now, {
          positionMm: goodValue(s.positionMm) ?? null,
          floor: goodValue(s.floor) ?? null,
          levelingErrorMm: goodValue(s.levelingErrorMm) ?? null,
          stoppedS: seconds(edge.since, now),
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: edge.durationS })];
  }
}
