import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity, serviceModeCode, type ServiceMode } from '../catalogue.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';

/**
 * 服务模式: an instant event when the service mode changes, with `data.mode`, `data.code` (the
 * GB/T 24476 status code 0–7) and `data.previous`. From the signals a board gives:
 * inspection on → `inspection`; otherwise mains absent → `emergency-power` (the car, if it moves
 * at all, does so on a rescue device or emergency supply); both known healthy → `normal`.
 * Fire recall, firefighter, earthquake and out-of-service need controller signals elevgw does
 * not read yet. A new mode must hold 2 s; unknown inputs keep the last mode. The mode found at
 * start is reported only when it is not `normal` (a restart is not a change).
 */
export class ServiceModeRule implements Rule {
  readonly type = 'service-mode' as const;
  readonly severity = defaultSeverity('service-mode');
  readonly needs: readonly SignalName[];
  readonly optional: readonly SignalName[];
  readonly reads: readonly SignalName[] = ['inspection', 'mainsPower'];
  readonly active = false;
  private current: ServiceMode | undefined;
  private candidate: { mode: ServiceMode; since: number } | undefined;

  constructor(private readonly ctx: RuleContext) {
    // Either input arms the rule; with neither, inspection is what is reported missing.
    this.needs = ctx.available.has('mainsPower') && !ctx.available.has('inspection') ? ['mainsPower'] : ['inspection'];
    this.optional = ['mainsPower', 'inspection'];
  }

  /** The mode last reported (or found at start), for telemetry. */
  get mode(): ServiceMode | undefined {
    return this.current;
  }

  /** Rule.wakeAt: the end of the hold of a new mode waiting, +Infinity with none. */
  wakeAt(): number {
    const c = this.candidate;
    return c === undefined || c.mode === this.current ? Number.POSITIVE_INFINITY : c.since + this.ctx.thresholds.serviceMode.holdS * 1000;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const mode = serviceModeOf(s);
    if (mode === undefined) {
      this.candidate = undefined;
      return nothing(this.wakeAt());
    }
    if (this.candidate?.mode !== mode) this.candidate = { mode, since: now };
    if (mode === this.current || now - this.candidate.since < this.ctx.thresholds.serviceMode.holdS * 1000) return nothing(this.wakeAt());
    const previous = this.current;
    this.current = mode;
    if (previous === undefined && mode === 'normal') return nothing(this.wakeAt());
    return [
      transition(this.type, this.severity, 'instant', now, {
        mode,
        code: serviceModeCode(mode),
        previous: previous ?? null,
        heldS: seconds(this.candidate.since, now),
        floor: goodValue(s.floor) ?? null,
      }),
    ];
  }
}

/** The service mode the signals show now (telemetry reads it too); undefined when an input that decides it is unreadable. */
export function serviceModeOf(s: ElevatorSignals): ServiceMode | undefined {
  const inspection = optionalGood(s.inspection);
  if (inspection === true) return 'inspection';
  const mains = s.mainsPower === undefined ? true : goodValue(s.mainsPower);
  if (inspection === undefined || mains === undefined) return undefined;
  return mains ? 'normal' : 'emergency-power';
}
