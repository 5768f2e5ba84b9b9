import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isInZone } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';

/**
 * 紧急报警: one instant event per press, once the button has been held for 200 ms (a one-sample
 * glitch of the contact is no press). The button must have been released for the clear hold
 * before another press counts, so a bouncing contact reports once.
 */
export class AlarmPressedRule implements Rule {
  readonly type = 'alarm-pressed' as const;
  readonly severity = defaultSeverity('alarm-pressed');
  readonly needs: readonly SignalName[] = ['alarmButton'];
  readonly reads: readonly SignalName[] = ['alarmButton'];
  readonly active = false;
  private readonly press: Hold;

  constructor(ctx: RuleContext) {
    this.press = new Hold(ctx.thresholds.alarmPressed.minPressMs, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.press.wakeAt;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const pressed = goodValue(s.alarmButton);
    if (this.press.step(now, pressed, not(pressed))?.edge !== 'raised') return nothing(this.wakeAt());
    return [
      transition(this.type, this.severity, 'instant', now, {
        floor: goodValue(s.floor) ?? null,
        inZone: isInZone(s) ?? null,
        occupied: goodValue(s.occupied) ?? null,
      }),
    ];
  }
}
