import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isDoorClosed, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { attemptData, DoorAttempts } from './door-attempts.js';
import type { Suppressible } from './suppression.js';

/**
 * 关门故障 (code 02): the door starts closing but is not closed within 15 s, or 3 closings in a
 * row reverse (to opening/open) without reaching closed. A reversal is what the door contacts
 * show of a door that fails to close — and of a passenger blocking it, which is why it takes
 * three in a row with no successful closing between them. Cleared when the door is closed.
 * In inspection the technician works the door: suppressed.
 */
export class DoorCloseFaultRule implements Rule, Suppressible {
  readonly type = 'door-close-fault' as const;
  readonly severity = defaultSeverity('door-close-fault');
  readonly needs: readonly SignalName[] = ['door'];
  readonly reads: readonly SignalName[] = ['door', 'inspection'];
  readonly optional: readonly SignalName[] = ['inspection'];
  private readonly attempts: DoorAttempts;
  private readonly episode: Hold;
  private suppressed = 0;
  private raisedAt = 0;

  constructor(ctx: RuleContext) {
    const d = ctx.thresholds.doorCloseFault;
    this.attempts = new DoorAttempts('closing', { timeoutMs: d.timeoutS * 1000, failedLimit: d.failedClosings, minAttemptMs: d.minAttemptMs });
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
    const trigger = door === undefined || door === 'unknown' ? undefined : this.attempts.step(door, now);
    const inspection = optionalGood(s.inspection);
    if (trigger !== undefined && inspection !== false && !this.episode.active) {
      if (inspection === true) this.suppressed++;
      return nothing(this.wakeAt());
    }
    const edge = this.episode.step(now, trigger !== undefined, isDoorClosed(s));
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'cleared') return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
    this.raisedAt = now;
    return [transition(this.type, this.severity, 'raised', now, attemptData(trigger!, now, goodValue(s.floor) ?? null))];
  }
}
