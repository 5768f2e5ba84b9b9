import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, type Tri } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isInZone, isStationary } from './conditions.js';
import { NONE, nothing, transition, type RuleContext } from './context.js';
import { PositionJumpDetector, type PositionJump } from './position-jump.js';

type Lost = 'mismatch' | 'jump';

/**
 * 楼层位置丢失 (code 07), one episode for either evidence:
 * - mismatch: the floor derived from the position and the floor the controller reports disagree
 *   for 5 s while the car stands in a door zone (when the board provides controllerFloor);
 * - jump: the position steps further than the car can travel, |Δ| > rated × 1.5 × Δt + 100 mm,
 *   Δt from the earlier reading's request to the later one's answer (a polled value may be as
 *   old as its request: a slow answer is no jump), and stays there for 500 ms.
 * Cleared when consistent again: floors agree, and after a jump the car stands in a door zone
 * within 200 mm of a landing (each check only as far as the board provides its signals).
 */
export class FloorPositionLostRule implements Rule {
  readonly type = 'floor-position-lost' as const;
  readonly severity = defaultSeverity('floor-position-lost');
  readonly needs: readonly SignalName[] = ['positionMm'];
  /**
   * With an engine that says when the position was last read (RuleContext.previousRead): the
   * rule then sleeps while the car stands and nothing it reads changes. Without it, it runs on
   * every step: the jump detector must know when the position it trusts was last read.
   */
  readonly reads: readonly SignalName[] | undefined;
  private readonly mismatch: Hold;
  private readonly jumped: Hold;
  private readonly jumps: PositionJumpDetector;
  private readonly comparesFloors: boolean;
  private raised: Lost | undefined;

  constructor(private readonly ctx: RuleContext) {
    const f = ctx.thresholds.floorPositionLost;
    this.mismatch = new Hold(f.mismatchS * 1000, ctx.thresholds.clearHoldMs);
    this.jumped = new Hold(0, ctx.thresholds.clearHoldMs);
    this.jumps = new PositionJumpDetector(ctx.ratedSpeedMps * f.jumpSpeedFactor, f.jumpMarginMm, f.jumpConfirmMs);
    const a = ctx.available;
    this.comparesFloors = a.has('controllerFloor') && a.has('floor');
    this.reads = ctx.previousRead === undefined ? undefined : ['positionMm', 'floor', 'controllerFloor', 'doorZone', 'speedMps', 'levelingErrorMm'];
  }

  get active(): boolean {
    return this.raised !== undefined;
  }

  wakeAt(): number {
    return Math.min(this.mismatch.wakeAt, this.jumped.wakeAt);
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    // The polls slept through (if any) read the trusted position again, unchanged.
    if (this.reads !== undefined) this.jumps.readAgain(this.ctx.previousRead!('positionMm'));
    const agree = this.floorsAgree(s);
    const inZone = s.doorZone === undefined ? true : isInZone(s);
    const standing = s.speedMps === undefined ? true : isStationary(s, this.ctx.thresholds.stationaryMps);
    const em = this.mismatch.step(now, and(and(standing, inZone), agree === undefined ? undefined : !agree), agree);
    const jump = this.readPosition(s, now);
    // Consistency clears a jump once raised; before that the hold does not look at it.
    const ej = this.jumped.step(now, jump !== undefined, this.jumped.active ? this.consistent(s, standing, inZone, agree) : undefined);
    if (this.raised === undefined && (em?.edge === 'raised' || ej?.edge === 'raised')) {
      this.raised = jump !== undefined ? 'jump' : 'mismatch';
      const where = { floor: goodValue(s.floor) ?? null, positionMm: goodValue(s.positionMm) ?? null };
      const data =
        jump !== undefined
          ? { kind: 'jump' as const, ...jumpData(jump), ...where }
          : { kind: 'mismatch' as const, controllerFloor: goodValue(s.controllerFloor) ?? null, ...where };
      return [transition(this.type, this.severity, 'raised', now, data)];
    }
    if (this.raised !== undefined && !this.mismatch.active && !this.jumped.active) {
      const kind = this.raised;
      this.raised = undefined;
      return [transition(this.type, this.severity, 'cleared', now, { kind })];
    }
    // A jumped-to position waiting for confirmation is timed on every step.
    return this.reads === undefined || this.jumps.pending ? NONE : nothing(this.wakeAt());
  }

  private readPosition(s: ElevatorSignals, now: number): PositionJump | undefined {
    const sample = s.positionMm;
    if (sample === undefined || sample.quality !== 'good') return undefined;
    return this.jumps.step(sample.value, sample.at, now, sample.askedAt ?? sample.at);
  }

  /** Derived and controller floor agree; true when the board has no controller floor to compare. */
  private floorsAgree(s: ElevatorSignals): Tri {
    if (!this.comparesFloors) return true;
    const floor = goodValue(s.floor);
    const controller = goodValue(s.controllerFloor);
    return floor === undefined || controller === undefined ? undefined : floor === controller;
  }

  /** After a jump: standing at a landing where position, zone sensors and controller agree. */
  private consistent(s: ElevatorSignals, standing: Tri, inZone: Tri, agree: Tri): Tri {
    if (this.jumps.pending) return false;
    const errorMm = goodValue(s.levelingErrorMm);
    const nearLanding = s.levelingErrorMm === undefined ? true : errorMm === undefined ? undefined : Math.abs(errorMm) <= this.ctx.thresholds.floorPositionLost.zoneMm;
    return and(and(standing, inZone), and(nearLanding, agree));
  }
}

function jumpData(j: PositionJump): { fromMm: number; toMm: number; jumpMm: number } {
  return { fromMm: Math.round(j.fromMm), toMm: Math.round(j.toMm), jumpMm: Math.round(j.toMm - j.fromMm) };
}
