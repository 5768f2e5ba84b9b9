import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { seconds, transition, type RuleContext } from './context.js';

/**
 * 采集异常: some signal the board provides has read 'bad' continuously for 10 s; cleared when all
 * read good again. The only rule that looks at quality itself; armed whenever the board
 * provides any signal.
 */
export class SensorLostRule implements Rule {
  readonly type = 'sensor-lost' as const;
  readonly severity = defaultSeverity('sensor-lost');
  readonly needs: readonly SignalName[] = [];
  /** When each currently bad signal went bad; bounded by the number of signal names. */
  private readonly badSince = new Map<SignalName, number>();
  private readonly hold: Hold;
  private raisedAt = 0;

  constructor(private readonly ctx: RuleContext) {
    // The per-signal wait below is the raise hold; this one only debounces the clear.
    this.hold = new Hold(0, ctx.thresholds.clearHoldMs);
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    this.track(s, now);
    const holdMs = this.ctx.thresholds.sensorLost.holdS * 1000;
    const lost = [...this.badSince.values()].some((since) => now - since >= holdMs);
    const edge = this.hold.step(now, lost, this.badSince.size === 0);
    if (edge === undefined) return [];
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [transition(this.type, this.severity, 'raised', now, { signals: [...this.badSince.keys()].sort() })];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }

  private track(s: ElevatorSignals, now: number): void {
    for (const name of Object.keys(s) as SignalName[]) {
      const sample = s[name];
      if (sample?.quality === 'bad') {
        if (!this.badSince.has(name)) this.badSince.set(name, now);
      } else {
        this.badSince.delete(name);
      }
    }
    // A signal missing from this snapshot is not known to be bad any more.
    for (const name of this.badSince.keys()) if (s[name] === undefined) this.badSince.delete(name);
  }
}
