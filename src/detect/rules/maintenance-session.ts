import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { goodValue } from './conditions.js';

/**
 * 维保: inspection switched on opens a session ('raised'); switched off closes it ('cleared') with
 * its duration. The engine adds to the closing event what inspection suppressed meanwhile.
 */
export class MaintenanceSessionRule implements Rule {
  readonly type = 'maintenance-session' as const;
  readonly severity = defaultSeverity('maintenance-session');
  readonly needs: readonly SignalName[] = ['inspection'];
  readonly reads: readonly SignalName[] = ['inspection'];
  private readonly hold: Hold;
  private openedSince = 0;

  constructor(ctx: RuleContext) {
    const m = ctx.thresholds.maintenanceSession;
    this.hold = new Hold(m.holdS * 1000, m.clearS * 1000);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const inspection = goodValue(s.inspection);
    const edge = this.hold.step(now, inspection, not(inspection));
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      this.openedSince = edge.since;
      return [transition(this.type, this.severity, 'raised', now, { floor: goodValue(s.floor) ?? null })];
    }
    // From the switch going on to it going off, without the debounce holds.
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.openedSince, edge.since) })];
  }
}
