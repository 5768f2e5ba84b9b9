import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { goodValue } from './conditions.js';

/** 停电: mains absent for 2 s (the gateway runs on backup power); cleared when back for 2 s. */
export class PowerLossRule implements Rule {
  readonly type = 'power-loss' as const;
  readonly severity = defaultSeverity('power-loss');
  readonly needs: readonly SignalName[] = ['mainsPower'];
  readonly reads: readonly SignalName[] = ['mainsPower'];
  private readonly hold: Hold;
  private lostSince = 0;

  constructor(ctx: RuleContext) {
    const p = ctx.thresholds.powerLoss;
    this.hold = new Hold(p.holdS * 1000, p.clearS * 1000);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const mains = goodValue(s.mainsPower);
    const edge = this.hold.step(now, not(mains), mains);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      this.lostSince = edge.since;
      return [transition(this.type, this.severity, 'raised', now)];
    }
    // Outage duration: from the first sample without mains to the first one with it again.
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.lostSince, edge.since) })];
  }
}
