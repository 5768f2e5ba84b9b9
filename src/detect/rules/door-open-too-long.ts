import { good, type ElevatorSignals, type SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { isDoorClosed, isDoorNotClosed, optionalFlag } from './conditions.js';
import { seconds, transition, type RuleContext } from './context.js';
import { SuppressionCounter, type Suppressible } from './suppression.js';

/** 长时间开门: a door not closed for 120 s outside inspection; cleared when it closes. */
export class DoorOpenTooLongRule implements Rule, Suppressible {
  readonly type = 'door-open-too-long' as const;
  readonly severity = defaultSeverity('door-open-too-long');
  readonly needs: readonly SignalName[] = ['door'];
  private readonly hold: Hold;
  private readonly suppression: SuppressionCounter;
  private raisedAt = 0;

  constructor(ctx: RuleContext) {
    const holdMs = ctx.thresholds.doorOpenTooLong.holdS * 1000;
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
    const open = isDoorNotClosed(s);
    const inspection = optionalFlag(s, 'inspection');
    this.suppression.step(now, open, inspection);
    const edge = this.hold.step(now, and(open, not(inspection)), isDoorClosed(s));
    if (edge === undefined) return [];
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [
        transition(this.type, this.severity, 'raised', now, {
          floor: good(s, 'floor') ?? null,
          openS: seconds(edge.since, now),
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }
}
