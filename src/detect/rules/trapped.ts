import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not, or } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isDoorClosed, isDoorNotClosed, isInZone, isStationary, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';

/**
 * 困人: a passenger in a car standing with its doors closed, outside the door zone for 30 s or
 * inside it for 120 s; an alarm press during such a stop raises at once. A press is the button
 * held `alarmPressed.minPressMs`, as for alarm-pressed itself: a contact glitch that is no alarm
 * must not raise a critical trapped either. Cleared when the doors open or the occupant is gone.
 */
export class TrappedRule implements Rule {
  readonly type = 'trapped' as const;
  readonly severity = defaultSeverity('trapped');
  readonly needs: readonly SignalName[] = ['speedMps', 'door', 'occupied', 'doorZone'];
  readonly reads: readonly SignalName[] = ['speedMps', 'door', 'occupied', 'alarmButton', 'doorZone'];
  readonly optional: readonly SignalName[] = ['alarmButton'];
  private readonly hold: Hold;
  /** Since when the alarm button has read pressed; undefined while it is not. */
  private pressedSince: number | undefined;

  constructor(private readonly ctx: RuleContext) {
    this.hold = new Hold(ctx.thresholds.trapped.outsideZoneS * 1000, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.pressedSince === undefined ? this.hold.wakeAt : Number.NEGATIVE_INFINITY;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const t = this.ctx.thresholds;
    const occupied = goodValue(s.occupied);
    const shutIn = and(and(isStationary(s, t.stationaryMps), isDoorClosed(s)), occupied);
    const released = or(isDoorNotClosed(s), not(occupied));
    if (optionalGood(s.alarmButton) === true) this.pressedSince ??= now;
    else this.pressedSince = undefined;
    const alarm = this.pressedSince !== undefined && now - this.pressedSince >= t.alarmPressed.minPressMs;
    const zone = isInZone(s);
    // With the zone unknown the longer hold applies: after it the car is trapped either way.
    const holdS = alarm ? 0 : zone === false ? t.trapped.outsideZoneS : t.trapped.insideZoneS;
    const edge = this.hold.step(now, shutIn, released, holdS * 1000);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      return [
        transition(this.type, this.severity, 'raised', now, {
          floor: goodValue(s.floor) ?? null,
          positionMm: goodValue(s.positionMm) ?? null,
          inZone: zone ?? null,
          holdS,
          trigger: alarm ? 'alarm' : 'timeout',
          stoppedS: seconds(edge.since, now),
        }),
      ];
    }
    return [
      transition(this.type, this.severity, 'cleared', now, {
        reason: isDoorNotClosed(s) === true ? 'door-opened' : 'occupant-gone',
      }),
    ];
  }
}
