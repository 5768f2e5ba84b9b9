import { good, type ElevatorSignals, type SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { isMoving, optionalFlag } from './conditions.js';
import { seconds, transition, type RuleContext } from './context.js';
import { SuppressionCounter, type Suppressible } from './suppression.js';

/** 安全回路断路: the safety circuit open for 500 ms outside inspection; cleared when it closes. */
export class SafetyCircuitOpenRule implements Rule, Suppressible {
  readonly type = 'safety-circuit-open' as const;
  readonly severity = defaultSeverity('safety-circuit-open');
  readonly needs: readonly SignalName[] = ['safetyCircuit'];
  private readonly hold: Hold;
  private readonly suppression: SuppressionCounter;
  private raisedAt = 0;

  constructor(private readonly ctx: RuleContext) {
    const holdMs = ctx.thresholds.safetyCircuitOpen.holdMs;
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
    const closed = good(s, 'safetyCircuit');
    const inspection = optionalFlag(s, 'inspection');
    this.suppression.step(now, not(closed), inspection);
    const edge = this.hold.step(now, and(not(closed), not(inspection)), closed);
    if (edge === undefined) return [];
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [
        transition(this.type, this.severity, 'raised', now, {
          // Code 01 is "broken while running": tell the platform whether the car was.
          moving: isMoving(s, this.ctx.thresholds.stationaryMps) ?? null,
          floor: good(s, 'floor') ?? null,
          positionMm: good(s, 'positionMm') ?? null,
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }
}
