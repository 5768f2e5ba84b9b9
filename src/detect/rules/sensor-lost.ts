import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { NONE, seconds, transition, type RuleContext } from './context.js';

/**
 * 采集异常: some signal the board provides has been unreadable for 10 s, counted from its last
 * good read; cleared when all read good again. The only rule that looks at quality itself; armed
 * whenever the board provides any signal.
 *
 * The count starts at a bad sample's `at` — the time of its last good read, as the normalizer
 * keeps it (or since a frozen heartbeat last changed) — so the staleness window and a frozen
 * heartbeat's own wait are not stacked under a second hold of this rule's.
 */
export class SensorLostRule implements Rule {
  readonly type = 'sensor-lost' as const;
  readonly severity = defaultSeverity('sensor-lost');
  readonly needs: readonly SignalName[] = [];
  private readonly hold: Hold;
  private raisedAt = 0;

  constructor(private readonly ctx: RuleContext) {
    // The wait from each signal's last good read is the raise hold; this one only debounces the clear.
    this.hold = new Hold(0, ctx.thresholds.clearHoldMs);
  }

  get active(): boolean {
    return this.hold.active;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const holdMs = this.ctx.thresholds.sensorLost.holdS * 1000;
    // Nearly every step every signal reads good: look without building anything, list the bad ones only when there are.
    let anyBad = false;
    let unreadSince = Infinity;
    for (const name in s) {
      const sample = s[name as SignalName];
      if (sample?.quality !== 'bad') continue;
      anyBad = true;
      unreadSince = Math.min(unreadSince, sample.at);
    }
    const edge = this.hold.step(now, now - unreadSince >= holdMs, !anyBad);
    if (edge === undefined) return NONE;
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [transition(this.type, this.severity, 'raised', now, { signals: badSignals(s), unreadS: seconds(unreadSince, now) })];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }
}

/** The signals reading bad, sorted. */
function badSignals(s: ElevatorSignals): SignalName[] {
  return (Object.keys(s) as SignalName[]).filter((name) => s[name]?.quality === 'bad').sort();
}
