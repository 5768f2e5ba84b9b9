import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isMoving, isStationary } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';

/**
 * 电动机运转时间限制器动作: the car runs continuously longer than a full travel at rated speed
 * plus 10 s, clamped to 20–45 s — the motor run-time limiter's window. Cleared when it stops.
 */
export class RunTimeExceededRule implements Rule {
  readonly type = 'run-time-exceeded' as const;
  readonly severity = defaultSeverity('run-time-exceeded');
  readonly needs: readonly SignalName[] = ['speedMps'];
  readonly reads: readonly SignalName[] = ['speedMps'];
  readonly limitS: number;
  private readonly hold: Hold;
  private runningSince = 0;

  constructor(private readonly ctx: RuleContext) {
    this.limitS = runTimeLimitS(ctx);
    this.hold = new Hold(this.limitS * 1000, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const stationaryMps = this.ctx.thresholds.stationaryMps;
    const edge = this.hold.step(now, isMoving(s, stationaryMps), isStationary(s, stationaryMps));
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      this.runningSince = edge.since;
      return [transition(this.type, this.severity, 'raised', now, { limitS: this.limitS, floor: goodValue(s.floor) ?? null })];
    }
    return [transition(this.type, this.severity, 'cleared', now, { runS: seconds(this.runningSince, edge.since) })];
  }
}

export function runTimeLimitS(ctx: RuleContext): number {
  const r = ctx.thresholds.runTimeExceeded;
  const levels = ctx.floorLevelsMm;
  const travelMm = levels.length > 0 ? Math.max(...levels) - Math.min(...levels) : 0;
  const fullTravelS = travelMm / 1000 / ctx.ratedSpeedMps;
  return Math.min(r.maxS, Math.max(r.minS, fullTravelS + r.marginS));
}
