import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isDoorClosed, isDoorNotClosed, isInZone, isStationary, isTooFastForZone } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';
import { DoorOpenOriginTracker } from './door-origin.js';

/**
 * 运行中开门: the door leaves 'closed' while the car runs — faster than 0.1 m/s outside the
 * unlocking zone or 0.3 m/s inside it (re-levelling with doors open inside the zone is legal) —
 * for 200 ms. A car that starts with its door already open is moving-with-door-open instead, so
 * one incident is reported once.
 */
export class DoorOpenWhileMovingRule implements Rule {
  readonly type = 'door-open-while-moving' as const;
  readonly severity = defaultSeverity('door-open-while-moving');
  readonly needs: readonly SignalName[] = ['speedMps', 'door', 'doorZone'];
  readonly reads: readonly SignalName[] = ['door', 'speedMps', 'doorZone'];
  private readonly hold: Hold;
  private readonly origin = new DoorOpenOriginTracker();

  constructor(private readonly ctx: RuleContext) {
    this.hold = new Hold(ctx.thresholds.doorOpenWhileMoving.holdMs, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const t = this.ctx.thresholds;
    const d = t.doorOpenWhileMoving;
    this.origin.step(s, t.stationaryMps);
    const violation = and(and(isDoorNotClosed(s), isTooFastForZone(s, d.outsideZoneMps, d.insideZoneMps)), this.origin.origin !== 'standing');
    const safe = and(isStationary(s, t.stationaryMps), isDoorClosed(s));
    const edge = this.hold.step(now, violation, safe);
    if (edge === undefined) return nothing(this.wakeAt());
    const data =
      edge.edge === 'raised'
        ? {
            speedMps: goodValue(s.speedMps) ?? null,
            door: goodValue(s.door) ?? null,
            inZone: isInZone(s) ?? null,
            positionMm: goodValue(s.positionMm) ?? null,
            floor: goodValue(s.floor) ?? null,
          }
        : undefined;
    return [transition(this.type, this.severity, edge.edge, now, data)];
  }
}
