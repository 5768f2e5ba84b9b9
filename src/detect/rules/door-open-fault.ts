import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, type Tri } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isInZone, isStationary, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { attemptData, DoorAttempts } from './door-attempts.js';
import type { Suppressible } from './suppression.js';

/**
 * 开门故障 (code 03): with the car standing in a door zone, the door starts opening but is not
 * open within 15 s, or 3 openings in a row reverse (to closing/closed) without reaching open.
 * The signals cannot tell a stop at a destination from a car parked with its doors shut, so
 * a door that never starts opening is not judged. Speed and zone are used when the board
 * provides them. Cleared when the door is open; suppressed in inspection.
 */
export class DoorOpenFaultRule implements Rule, Suppressible {
  readonly type = 'door-open-fault' as const;
  readonly severity = defaultSeverity('door-open-fault');
  readonly needs: readonly SignalName[] = ['door'];
  readonly reads: readonly SignalName[] = ['door', 'inspection', 'speedMps', 'doorZone'];
  readonly optional: readonly SignalName[] = ['inspection'];
  private readonly attempts: DoorAttempts;
  private readonly episode: Hold;
  private suppressed = 0;
  private raisedAt = 0;

  constructor(private readonly ctx: RuleContext) {
    const d = ctx.thresholds.doorOpenFault;
    this.attempts = new DoorAttempts('opening', { timeoutMs: d.timeoutS * 1000, failedLimit: d.failedOpenings, minAttemptMs: d.minAttemptMs });
    this.episode = new Hold(0, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return Math.min(this.episode.wakeAt, this.attempts.wakeAt);
  }

  get active(): boolean {
    return this.episode.active;
  }

  takeSuppressed(): number {
    const n = this.suppressed;
    this.suppressed = 0;
    return n;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const door = goodValue(s.door);
    const landing = this.atLanding(s);
    if (landing === false) this.attempts.reset();
    const trigger = landing !== true || door === undefined || door === 'unknown' ? undefined : this.attempts.step(door, now);
    const inspection = optionalGood(s.inspection);
    if (trigger !== undefined && inspection !== false && !this.episode.active) {
      if (inspection === true) this.suppressed++;
      return nothing(this.wakeAt());
    }
    const open = door === undefined || door === 'unknown' ? undefined : door === 'open';
    const edge = this.episode.step(now, trigger !== undefined, open);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'cleared') return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
    this.raisedAt = now;
    return [transition(this.type, this.severity, 'raised', now, attemptData(trigger!, now, goodValue(s.floor) ?? null))];
  }

  /** Standing in a door zone, as far as the board can tell. */
  private atLanding(s: ElevatorSignals): Tri {
    const standing = s.speedMps === undefined ? true : isStationary(s, this.ctx.thresholds.stationaryMps);
    const zone = s.doorZone === undefined ? true : isInZone(s);
    return and(standing, zone);
  }
}
