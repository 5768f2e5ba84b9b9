import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import { and, not } from '../tri.js';
import type { Rule, Severity, Transition } from '../types.js';
import { goodValue, isTooFastForZone } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';

type LockFault = 'open-while-running' | 'bypassed';

/**
 * 门锁回路异常: the lock circuit opens while the car runs (beyond legal re-levelling in the door
 * zone), or the lock reports closed while the door stands open — a bypassed lock, critical.
 * One episode while either inconsistency lasts; cleared when both are consistent again.
 */
export class DoorLockFaultRule implements Rule {
  readonly type = 'door-lock-fault' as const;
  readonly severity = defaultSeverity('door-lock-fault');
  readonly needs: readonly SignalName[] = ['doorLockCircuit', 'speedMps', 'door'];
  readonly reads: readonly SignalName[] = ['doorLockCircuit', 'door', 'speedMps', 'doorZone'];
  private readonly openWhileRunning: Hold;
  private readonly bypassed: Hold;
  private raised: { kind: LockFault; severity: Severity } | undefined;

  constructor(private readonly ctx: RuleContext) {
    const t = ctx.thresholds;
    this.openWhileRunning = new Hold(t.doorLockFault.holdMs, t.clearHoldMs);
    this.bypassed = new Hold(t.doorLockFault.bypassHoldMs, t.clearHoldMs);
  }

  wakeAt(): number {
    return Math.min(this.openWhileRunning.wakeAt, this.bypassed.wakeAt);
  }

  get active(): boolean {
    return this.raised !== undefined;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const t = this.ctx.thresholds;
    const locked = goodValue(s.doorLockCircuit);
    const door = goodValue(s.door);
    // With the zone unknown only speeds beyond legal re-levelling count as running.
    const running = isTooFastForZone(s, t.stationaryMps, t.doorOpenWhileMoving.insideZoneMps);
    const a = and(not(locked), running);
    const doorOpen = door === undefined || door === 'unknown' ? undefined : door === 'open';
    const b = and(locked, doorOpen);
    const ea = this.openWhileRunning.step(now, a, not(a));
    const eb = this.bypassed.step(now, b, not(b));
    if (this.raised === undefined && (ea?.edge === 'raised' || eb?.edge === 'raised')) {
      const kind: LockFault = eb?.edge === 'raised' ? 'bypassed' : 'open-while-running';
      this.raised = { kind, severity: kind === 'bypassed' ? 'critical' : this.severity };
      return [
        transition(this.type, this.raised.severity, 'raised', now, {
          kind,
          door: door ?? null,
          lockClosed: locked ?? null,
          speedMps: goodValue(s.speedMps) ?? null,
        }),
      ];
    }
    if (this.raised !== undefined && !this.openWhileRunning.active && !this.bypassed.active) {
      const { kind, severity } = this.raised;
      this.raised = undefined;
      return [transition(this.type, severity, 'cleared', now, { kind })];
    }
    return nothing(this.wakeAt());
  }
}
