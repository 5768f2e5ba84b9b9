import type { ElevatorSignals, Sample, SignalName } from '../../signals/types.js';
import { defaultSeverity } from '../catalogue.js';
import { Hold } from '../hold.js';
import type { Rule, Transition } from '../types.js';
import { signalNameSchema } from '../../contract/enums.js';
import { nothing, seconds, transition, type RuleContext } from './context.js';

/**
 * 采集异常: some signal the board provides has been unreadable for 10 s, counted from its last
 * good read; cleared when all read good again. The only rule that looks at quality itself; armed
 * whenever the board provides any signal.
 *
 * The count starts at a bad sample's `at` — the time of its last good read, as the normalizer
 * keeps it (or since a frozen heartbeat last changed) — so the staleness window and a frozen
 * heartbeat's own wait are not stacked under a second hold of this rule's.
 *
 * It looks at no signal's value, only at which read bad since when (`readsQuality`): between
 * changes of those it sleeps until the earliest bad reading comes of age, or the clear's hold ends.
 */
export class SensorLostRule implements Rule {
  readonly type = 'sensor-lost' as const;
  readonly severity = defaultSeverity('sensor-lost');
  readonly needs: readonly SignalName[] = [];
  readonly reads: readonly SignalName[] = [];
  readonly readsQuality: readonly SignalName[] = signalNameSchema.options;
  private readonly hold: Hold;
  private raisedAt = 0;
  private wake = Number.POSITIVE_INFINITY;

  constructor(private readonly ctx: RuleContext) {
    // The wait from each signal's last good read is the raise hold; this one only debounces the clear.
    this.hold = new Hold(0, ctx.thresholds.clearHoldMs);
  }

  get active(): boolean {
    return this.hold.active;
  }

  wakeAt(): number {
    return this.wake;
  }

  step(s: ElevatorSignals, now: number): Transition[] {
    const holdMs = this.ctx.thresholds.sensorLost.holdS * 1000;
    const unreadSince = earliestBad(s);
    const edge = this.hold.step(now, now - unreadSince >= holdMs, unreadSince === Infinity);
    if (edge === undefined) {
      // Raised: the clear's hold, if all read good. Not: the earliest bad reading coming of age
      // (+Infinity when none reads bad; the hold itself raises at once).
      this.wake = this.hold.active ? this.hold.wakeAt : unreadSince + holdMs;
      return nothing(this.wake);
    }
    if (edge.edge === 'raised') {
      this.raisedAt = now;
      return [transition(this.type, this.severity, 'raised', now, { signals: badSignals(s), unreadS: seconds(unreadSince, now) })];
    }
    return [transition(this.type, this.severity, 'cleared', now, { durationS: seconds(this.raisedAt, now) })];
  }
}

/** The earlier of `t` and a bad sample's `at` (its last good read); `t` for a good or absent sample. */
function earlier(t: number, sample: Sample<unknown> | undefined): number {
  return sample !== undefined && sample.quality === 'bad' && sample.at < t ? sample.at : t;
}

/**
 * The earliest `at` among the signals reading bad, +Infinity when none does. Nearly every step
 * none does: one named read per signal, written out, builds nothing (a loop over
 * Object.keys(s) made a key list and a keyed lookup per signal on every step), and a running
 * minimum rather than one Math.min of 17 arguments, which V8 did not inline.
 */
function earliestBad(s: ElevatorSignals): number {
  let t = Number.POSITIVE_INFINITY;
  t = earlier(t, s.positionMm);
  t = earlier(t, s.floor);
  t = earlier(t, s.speedMps);
  t = earlier(t, s.direction);
  t = earlier(t, s.door);
  t = earlier(t, s.doorZone);
  t = earlier(t, s.levelingErrorMm);
  t = earlier(t, s.safetyCircuit);
  t = earlier(t, s.doorLockCircuit);
  t = earlier(t, s.overspeedSwitch);
  t = earlier(t, s.occupied);
  t = earlier(t, s.inspection);
  t = earlier(t, s.alarmButton);
  t = earlier(t, s.mainsPower);
  t = earlier(t, s.topFinalLimit);
  t = earlier(t, s.bottomFinalLimit);
  t = earlier(t, s.controllerFloor);
  return t;
}

/** The signals reading bad, sorted. */
function badSignals(s: ElevatorSignals): SignalName[] {
  return (Object.keys(s) as SignalName[]).filter((name) => s[name]?.quality === 'bad').sort();
}
