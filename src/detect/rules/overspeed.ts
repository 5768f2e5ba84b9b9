import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not, or } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { absSpeed, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';

/**
 * 超速: |speed| above 115 % of rated for 100 ms, or the governor's overspeed switch tripped (when
 * the board provides it). Cleared when speed has stayed ≤ rated for 2 s with the switch reset.
 * The episode's peak speed is reported. A speed fused from a retrofit box's accelerometer and
 * barometer must exceed the limit by `fusedMarginMps` more, its error bound (docs/retrofit.md).
 */
export class OverspeedRule implements Rule {
  readonly type = 'overspeed' as const;
  readonly severity = defaultSeverity('overspeed');
  readonly needs: readonly SignalName[] = ['speedMps'];
  readonly reads: readonly SignalName[] = ['speedMps', 'overspeedSwitch'];
  readonly optional: readonly SignalName[] = ['overspeedSwitch'];
  private readonly hold: Hold;
  private peakMps = 0;

  constructor(private readonly ctx: RuleContext) {
    const o = ctx.thresholds.overspeed;
    this.hold = new Hold(o.holdMs, o.clearS * 1000);
  }

  wakeAt(): number {
    return this.hold.wakeAt;
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const rated = this.ctx.ratedSpeedMps;
    const speed = absSpeed(s);
    const o = this.ctx.thresholds.overspeed;
    const margin = this.ctx.fused?.has('speedMps') ? o.fusedMarginMps : 0;
    const over = speed === undefined ? undefined : speed > o.factor * rated + margin;
    const tripped = optionalGood(s.overspeedSwitch);
    const back = and(speed === undefined ? undefined : speed <= rated, not(tripped));
    const watching = this.hold.active || this.hold.pendingSince !== undefined;
    if (!watching) this.peakMps = 0;
    if (speed !== undefined) this.peakMps = Math.max(this.peakMps, speed);
    const edge = this.hold.step(now, or(over, tripped), back);
    if (edge === undefined) return nothing(this.wakeAt());
    const peak = {
      peakMps: round(this.peakMps, 3),
      ratio: round(this.peakMps / rated, 3),
      ratedMps: rated,
    };
    if (edge.edge === 'raised') {
      return [transition(this.type, this.severity, 'raised', now, { ...peak, trigger: over === true ? 'speed' : 'switch' })];
    }
    return [transition(this.type, this.severity, 'cleared', now, { ...peak, calmS: seconds(edge.since, now) })];
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
