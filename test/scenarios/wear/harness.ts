import { defaultThresholds, mergeThresholds, type Thresholds } from '../../../src/config/thresholds.js';
import type { BaselineStore } from '../../../src/detect/health/baseline-store.js';
import { Detection } from '../../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../../src/detect/types.js';
import { DAY_MS } from '../../../src/sim/wear/arrivals.js';
import { WearLift } from '../../../src/sim/wear/lift.js';
import { nextSampleAt, WEAR_SIGNALS, WearSignals } from '../../../src/sim/wear/observe.js';
import { parseWearScenario, type WearScenarioInput } from '../../../src/sim/wear/scenario.js';

export interface DayEvent extends DetectedEvent {
  /** Simulated day of the event (fraction). */
  day: number;
}

export interface WearRunOptions {
  rules?: unknown;
  store?: BaselineStore;
  /** Stop this many simulated days after the first event `stopAfter` accepts... */
  stopAfter?: (e: DetectedEvent) => boolean;
  graceDays?: number;
  /** ...but not before this day. */
  minDays?: number;
  untilDay?: number;
  /** Start sampling on this day, with the monotonic clock at 0 then (a gateway started late, or restarted). */
  fromDay?: number;
}

export function thresholdsFor(rules?: unknown): Thresholds {
  return mergeThresholds(defaultThresholds, rules ?? {});
}

/**
 * A wear scenario through the pipeline's Detection (rules, statistics, health indicators) in
 * sample time, the signals made as the normalizer makes them (src/sim/wear/observe.ts). With a
 * store, the baselines are saved hourly, as the gateway saves them with each hourly roll-up.
 */
export function runWear(input: WearScenarioInput, o: WearRunOptions = {}) {
  const scenario = parseWearScenario(input);
  const lift = new WearLift(scenario);
  const signals = new WearSignals(lift);
  const thresholds = thresholdsFor(o.rules);
  const detection = new Detection(
    {
      elevatorId: 'E1',
      thresholds,
      ratedSpeedMps: scenario.building.ratedSpeedMps,
      floors: lift.levelsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
      ...(o.store ? { baselines: o.store } : {}),
    },
    WEAR_SIGNALS,
  );
  const events: DayEvent[] = [];
  let end = (o.untilDay ?? scenario.days) * DAY_MS;
  const from = Math.round(((o.fromDay ?? 0) * DAY_MS) / 100) * 100;
  let t = from;
  let samples = 0;
  let nextSave = from + 3_600_000;
  const t0 = performance.now();
  for (;;) {
    for (const e of detection.observe(signals.at(t), t - from)) {
      events.push({ ...e, day: t / DAY_MS });
      if (o.stopAfter?.(e)) end = Math.min(end, Math.max(t + (o.graceDays ?? 1) * DAY_MS, (o.minDays ?? 0) * DAY_MS));
    }
    samples++;
    if (o.store && t >= nextSave) {
      detection.health?.persist();
      nextSave += 3_600_000;
    }
    if (t >= end) break;
    t = nextSampleAt(lift, t);
  }
  return { scenario, lift, detection, events, samples, endDay: t / DAY_MS, ms: performance.now() - t0 };
}
