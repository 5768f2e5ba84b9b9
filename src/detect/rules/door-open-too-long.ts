import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import type { Rule, Transition } from '../types.js';
import { goodValue, isDoorClosed, isDoorNotClosed, optionalGood } from './conditions.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';
import { SuppressibleEpisode, type Suppressible } from './suppression.js';

/** 长时间开门: a door not closed for 120 s outside inspection; cleared when it closes. */
export class DoorOpenTooLongRule implements Rule, Suppressible {
  readonly type = 'door-open-too-long' as const;
  readonly severity = defaultSeverity('door-open-too-long');
  readonly needs: readonly SignalName[] = ['door'];
  readonly reads: readonly SignalName[] = ['door', 'inspection'];
  readonly optional: readonly SignalName[] = ['inspection'];
  private readonly episode: SuppressibleEpisode;

  constructor(ctx: RuleContext) {
    const holdMs = ctx.thresholds.doorOpenTooLong.holdS * 1000;
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
    const open = isDoorNotClosed(s);
    const inspection = optionalGood(s.inspection);
    const edge = this.episode.step(now, open, inspection, isDoorClosed(s));
    if (edge === undefined) return nothing(this.wakeAt());
    if (edge.edge === 'raised') {
      return [
        transition(this.type, this.severity, 'raised', now, {
          floor: goodValue(s.floor) ?? null,
          openS: seconds(edge.since, now),
        }),
      ];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: edge.durationS })];
  }
}
