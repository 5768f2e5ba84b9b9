import { describe, expect, it } from 'vitest';
import { defaultThresholds, mergeThresholds } from '../../src/config/thresholds.js';
import { Detection } from '../../src/detect/pipeline.js';
import type { SignalName } from '../../src/signals/types.js';
import { noisyTrace, type TraceStep } from './noisy-trace.js';
import { ALL_SIGNALS, FLOORS_MM, RATED_MPS } from './scenario.js';

/** Early warnings that learn in minutes: baselines are learned within a trace. */
const thresholds = mergeThresholds(defaultThresholds, {
  earlyWarning: { learningDays: 0.002, minObservations: 3, sustainH: 0.01, clearH: 0.01, repeatH: 0.01, marginSigmas: 1 },
});
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: `F${i}`, levelMm }));

interface Run {
  events: unknown[];
  /** Every call the watchers made into the health indicators, with the health time then. */
  indicators: unknown[];
  /** The hour's figures after every step, and a rollup every 500 steps. */
  stats: unknown[];
  health: unknown;
  /** Samples the statistics were told read as the one before. */
  same: number;
}

/**
 * One detection on a trace. `everySample`: the statistics and health indicators look at every
 * sample in full, as they did before a parked car's unchanged samples only counted their time.
 * `broken` makes the shortcut wrong on purpose, to show the comparison can tell.
 */
function run(trace: readonly TraceStep[], available: readonly SignalName[], everySample: boolean, broken?: (d: Detection) => void): Run {
  const d = new Detection({ elevatorId: 'Q', thresholds, ratedSpeedMps: RATED_MPS, floors: FLOORS }, new Set(available));
  const health = d.health!;
  const out: Run = { events: [], indicators: [], stats: [], health: undefined, same: 0 };
  const observeStats = d.stats.observe.bind(d.stats);
  d.stats.observe = (s, now, same) => {
    if (same) out.same++;
    observeStats(s, now, everySample ? false : same);
  };
  const observeHealth = health.observe.bind(health);
  health.observe = (s, now, same) => observeHealth(s, now, everySample ? false : same);
  for (const method of ['level', 'count', 'expose', 'tally'] as const) {
    const original = (health[method] as (...args: unknown[]) => void).bind(health);
    (health as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      out.indicators.push([method, health.healthMs, ...args]);
      original(...args);
    };
  }
  broken?.(d);
  trace.forEach(({ t, signals }, i) => {
    out.events.push(...d.observe(signals, t));
    out.stats.push(d.stats.peek('hour', t));
    if (i % 500 === 499) out.stats.push(d.stats.rollup('hour', t));
  });
  out.health = { ms: health.healthMs, wear: { ...health.wear }, baselines: health.baselines(), summary: health.takeSummary() };
  return out;
}

/** Both ways on one trace: what the optimised run did must be exactly what the full one did. */
function compare(trace: readonly TraceStep[], available: readonly SignalName[] = ALL_SIGNALS): Run {
  const quiet = run(trace, available, false);
  const full = run(trace, available, true);
  expect(quiet.events).toEqual(full.events);
  expect(quiet.indicators).toEqual(full.indicators);
  expect(quiet.stats).toEqual(full.stats);
  expect(quiet.health).toEqual(full.health);
  return quiet;
}

/**
 * Statistics and health indicators skip the work of a sample that reads exactly as the one before
 * (a parked car, poll after poll) unless time alone would move them on. That is an optimisation
 * only: on noisy traces (bad readings, held readings, uneven polls, partial boards) they count,
 * measure and warn exactly as when they look at every sample in full.
 */
describe('statistics and health indicators: unchanged samples', () => {
  it('count and measure the same on calm and rough traces, most samples repeating the one before', () => {
    const seen = { same: 0, steps: 0, calls: new Set<string>() };
    for (const calm of [20, 1]) {
      for (const seed of [1, 2, 3, 4]) {
        const trace = noisyTrace({ seed, steps: 30_000, calm });
        const r = compare(trace);
        seen.same += r.same;
        seen.steps += trace.length;
        for (const call of r.indicators as unknown[][]) seen.calls.add(`${call[0] as string} ${call[2] as string}`);
      }
    }
    // The shortcut was taken on most samples, and every watcher had something to say: the door's
    // times and failures, the trips' figures, the stops' levelling, the circuits' glitches. (An
    // early warning is a function of these calls and the health time they came at, compared above.)
    expect(seen.same / seen.steps).toBeGreaterThan(0.5);
    expect([...seen.calls]).toEqual(
      expect.arrayContaining([
        'level doorCloseS',
        'level doorOpenS',
        'level levelingMm',
        'level peakSpeedRatio',
        'level tripExcessS',
        'count failedCloses',
        'count doorReopens',
        'count relevels',
        'count safetyGlitches',
        'count lockGlitches',
        'count sensorDrops',
        'tally nearMiss',
        'tally reconnect',
        'tally doorCycle',
        'tally trip',
        'tally runningMs',
        'expose hours',
      ]),
    );
  });

  it('count and measure the same on rough traces and partial boards', () => {
    const boards: SignalName[][] = [
      ALL_SIGNALS,
      ['speedMps', 'door', 'doorZone', 'floor'],
      ['positionMm', 'door', 'safetyCircuit', 'inspection'],
      ['door', 'mainsPower', 'doorLockCircuit'],
    ];
    let same = 0;
    boards.forEach((board, i) => {
      same += compare(noisyTrace({ seed: 40 + i, steps: 6_000, available: board }), board).same;
      same += compare(noisyTrace({ seed: 50 + i, steps: 6_000, available: board, restamped: true }), board).same;
    });
    expect(same).toBeGreaterThan(1000);
  });

  it('the comparison sees a difference when the stop watch rests while a stop settles', () => {
    // A stop's levelling is measured once the car has stood open in the zone for a while: on an
    // unchanged sample, so only a watch that keeps looking measures it.
    const trace = noisyTrace({ seed: 1, steps: 30_000, calm: 20 });
    const restless = run(trace, ALL_SIGNALS, false, (d) => {
      const stops = (d.health as unknown as { stops: object }).stops;
      Object.defineProperty(stops, 'resting', { get: () => true });
    });
    const levellings = (r: Run) => (r.indicators as unknown[][]).filter((c) => c[0] === 'level' && c[2] === 'levelingMm');
    expect(levellings(restless)).not.toEqual(levellings(run(trace, ALL_SIGNALS, true)));
  });

  it("the comparison sees a difference when the statistics skip a trip's hold", () => {
    // A run at a steady speed is a trip once it lasted tripMinMs: time alone completes the hold.
    const trace = noisyTrace({ seed: 2, steps: 30_000, calm: 20 });
    const hasty = run(trace, ALL_SIGNALS, false, (d) => {
      const trip = (d.stats as unknown as { trip: object }).trip;
      Object.defineProperty(trip, 'wakeAt', { get: () => Number.POSITIVE_INFINITY });
    });
    const trips = (r: Run) => (r.stats as { trips: number | null }[]).map((f) => f.trips);
    expect(trips(hasty)).not.toEqual(trips(run(trace, ALL_SIGNALS, true)));
  });

  it('a sample is only "the same" for the step that follows it in full', () => {
    // `rules` alone (no `after`) for a step: the next step's statistics cannot take the shortcut,
    // as the sample the engine compared with is not the one they observed last.
    const d = new Detection({ elevatorId: 'Q', thresholds, ratedSpeedMps: RATED_MPS, floors: FLOORS }, new Set(ALL_SIGNALS));
    const calls: boolean[] = [];
    const observe = d.stats.observe.bind(d.stats);
    d.stats.observe = (s, now, same) => {
      calls.push(same ?? false);
      observe(s, now, same);
    };
    const { signals } = noisyTrace({ seed: 3, steps: 1 })[0]!;
    const step = (now: number, withAfter = true) => {
      const events = d.rules(signals, now);
      if (withAfter) d.after(signals, now, events);
    };
    step(0);
    step(100);
    step(200, false);
    step(300);
    step(400);
    expect(calls).toEqual([false, true, false, true]);
  });
});
