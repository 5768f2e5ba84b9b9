import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not, or } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { absSpeed, goodValue, isDoorClosed, isDoorNotClosed, isInZone, isMoving, isStationary } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';
import { DoorOpenOriginTracker } from './door-origin.js';

/**
 * 开门走车 / unintended car movement: with its door open the car starts moving and leaves the
 * unlocking zone or exceeds 0.3 m/s. The door must have opened while the car stood; a door
 * opening on a running car is door-open-while-moving.
 */
export class MovingWithDoorOpenRule implements Rule {
  readonly type = 'moving-with-door-open' as const;
  readonly severity = defaultSeverity('moving-with-door-open');
  readonly needs: readonly SignalName[] = ['speedMps', 'door', 'doorZone'];
  readonly reads: readonly SignalName[] = ['door', 'speedMps', 'doorZone'];
  private readonly hold: Hold;
  private readonly origin = new DoorOpenOriginTracker();

  constructor(private readonly ctx: RuleContext) {
    this.hold = new Hold(ctx.thresholds.movingWithDoorOpen.holdMs, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const t = this.ctx.thresholds;
    this.origin.step(s, t.stationaryMps);
    const speed = absSpeed(s);
    const tooFast = speed === undefined ? undefined : speed > t.movingWithDoorOpen.insideZoneMps;
    const movement = and(and(isDoorNotClosed(s), this.origin.origin === 'standing'), and(isMoving(s, t.stationaryMps), or(not(isInZone(s)), tooFast)));
    const safe = and(isStationary(s, t.stationaryMps), isDoorClosed(s));
    const edge = this.hold.step(now, movement, safe);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'cleared') return [transition(this.type, this.severity, 'cleared', now)];
    const position = goodValue(s.positionMm);
    const from = this.origin.originPositionMm;
    return [
      transition(this.type, this.severity, 'raised', now, {
        speedMps: goodValue(s.speedMps) ?? null,
        inZone: isInZone(s) ?? null,
        positionMm: position ?? null,
        movedMm: position !== undefined && from !== undefined ? Math.abs(position - from) : null,
      }),
    ];
  }
}
