import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { not } from '../tri.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isMoving, optionalGood } from './conditions.js';
import { nothing, transition, type RuleContext } from './context.js';
import { SuppressibleEpisode, type Suppressible } from './suppression.js';

/** 安全回路断路: the safety circuit open for 500 ms outside inspection; cleared when it closes. */
export class SafetyCircuitOpenRule implements Rule, Suppressible {
  readonly type = 'safety-circuit-open' as const;
  readonly severity = defaultSeverity('safety-circuit-open');
  readonly needs: readonly SignalName[] = ['safetyCircuit'];
  readonly reads: readonly SignalName[] = ['safetyCircuit', 'inspection'];
  readonly optional: readonly SignalName[] = ['inspection'];
  private readonly episode: SuppressibleEpisode;

  constructor(private readonly ctx: RuleContext) {
    const holdMs = ctx.thresholds.safetyCircuitOpen.holdMs;
    this.episode = new SuppressibleEpisode(holdMs, ctx.thresholds.clearHoldMs);
  }

  wakeAt(): number {
    return this.episode.wakeAt;
  }

  get active(): boolean {
    return this.episode.active;
  }

  takeSuppressed(): number {
    return this.episode.takeSuppressed();
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const closed = goodValue(s.safetyCircuit);
    const inspection = optionalGood(s.inspection);
    const edge = this.episode.step(now, not(closed), inspection, closed);
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      return [
        transition(this.type, this.severity, 'raised', now, {
          // Code 01 is "broken while running": tell the platform whether the car was.
          moving: isMoving(s, this.ctx.thresholds.stationaryMps) ?? null,
          floor: goodValue(s.floor) ?? null,
          positionMm: goodValue(s.positionMm) ?? null,
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: edge.durationS })];
  }
}
