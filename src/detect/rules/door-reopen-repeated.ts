import type { DoorState, ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isMoving, isStationary } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';

/**
 * 反复开关门: ≥ 5 reopenings within 60 s at one stop (an obstruction, a faulty door). A reopening
 * is any opening after the first at the stop. Cleared when the car departs.
 */
export class DoorReopenRepeatedRule implements Rule {
  readonly type = 'door-reopen-repeated' as const;
  readonly severity = defaultSeverity('door-reopen-repeated');
  readonly needs: readonly SignalName[] = ['door', 'speedMps'];
  readonly reads: readonly SignalName[] = ['door', 'speedMps'];
  /** Raised = the car has left the stop (moving for the clear hold). */
  private readonly departure: Hold;
  private openedAtStop = false;
  /** Times of reopenings at this stop, pruned to the window: bounded by window / door cycle. */
  private reopenings: number[] = [];
  private lastDoor: DoorState | undefined;
  private raised = false;

  constructor(private readonly ctx: RuleContext) {
    this.departure = new Hold(ctx.thresholds.clearHoldMs, 0);
  }

  wakeAt(): number {
    return this.departure.wakeAt;
  }

  get active(): boolean {
    return this.raised;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const t = this.ctx.thresholds;
    const departed = this.departure.step(now, isMoving(s, t.stationaryMps), isStationary(s, t.stationaryMps));
    if (departed?.edge === 'raised') return this.newStop(now);
    if (!this.opened(goodValue(s.door))) return nothing(this.wakeAt());
    if (!this.openedAtStop) {
      this.openedAtStop = true;
      return nothing(this.wakeAt());
    }
    const r = t.doorReopenRepeated;
    // Times arrive in order (a rule's time never decreases): those out of the window are a prefix.
    const windowMs = r.windowS * 1000;
    let expired = 0;
    while (expired < this.reopenings.length && !(now - this.reopenings[expired]! < windowMs)) expired++;
    if (expired > 0) this.reopenings.splice(0, expired);
    this.reopenings.push(now);
    if (this.raised || this.reopenings.length < r.count) return nothing(this.wakeAt());
    this.raised = true;
    return [
      transition(this.type, this.severity, 'raised', now, {
        reopenings: this.reopenings.length,
        windowS: r.windowS,
        floor: goodValue(s.floor) ?? null,
      }),
    ];
  }

  /** True when the door starts opening (enters opening/open from closing/closed). */
  private opened(door: DoorState | undefined): boolean {
    if (door === undefined || door === 'unknown') return false;
    const previous = this.lastDoor;
    this.lastDoor = door;
    return (door === 'opening' || door === 'open') && (previous === 'closing' || previous === 'closed');
  }

  private newStop(now: number): Transition[] {
    this.openedAtStop = false;
    this.reopenings = [];
    if (!this.raised) return nothing(this.wakeAt());
    this.raised = false;
    return [transition(this.type, this.severity, 'cleared', now)];
  }
}
