import { DetectionEngine } from '../src/detect/engine.js';
import { defaultThresholds, mergeThresholds } from '../src/config/thresholds.js';
import { MemoryBaselineStore } from '../src/detect/health/baseline-store.js';
import { Detection } from '../src/detect/pipeline.js';
import type { ElevatorSignals, SignalName } from '../src/signals/types.js';
import { WearLift } from '../src/sim/wear/lift.js';
import { nextSampleAt, WEAR_SIGNALS, WearSignals } from '../src/sim/wear/observe.js';
import { parseWearScenario } from '../src/sim/wear/scenario.js';

const FLOORS = Array.from({ length: 20 }, (_, i) => i * 3000);

/** A synthetic trip cycle at 10 Hz: accelerate, travel, stop in the zone, open and close the doors. */
function signalsAt(i: number, now: number): ElevatorSignals {
  const phase = i % 300; // 30 s cycle
  const moving = phase < 150;
  const speed = moving ? Math.min(1.75, phase * 0.05) : 0;
  const pos = (i * 17) % FLOORS.at(-1)!;
  const door = moving ? 'closed' : phase < 180 ? 'opening' : phase < 260 ? 'open' : 'closing';
  const g = <V>(value: V) => ({ value, quality: 'good' as const, at: now });
  return {
    positionMm: g(pos),
    floor: g(Math.round(pos / 3000)),
    levelingErrorMm: g(moving ? pos % 3000 : 3),
    speedMps: g(speed),
    direction: g(moving ? 'up' : 'none'),
    door: g(door),
    doorZone: g(!moving),
    safetyCircuit: g(true),
    doorLockCircuit: g(door === 'closed'),
    overspeedSwitch: g(false),
    occupied: g(phase % 60 < 30),
    inspection: g(false),
    alarmButton: g(false),
    mainsPower: g(true),
    topFinalLimit: g(false),
    bottomFinalLimit: g(false),
    controllerFloor: g(Math.round(pos / 3000)),
  };
}

/** Samples per second through the full rule set, for 1 and 16 elevators, and heap per elevator with the black box on. */
export async function benchEngine(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const snapshots = Array.from({ length: 3000 }, (_, i) => signalsAt(i, i * 100));
  const available = new Set(Object.keys(snapshots[0]!) as SignalName[]);
  for (const elevators of [1, 16]) {
    const engines = Array.from(
      { length: elevators },
      (_, k) => new DetectionEngine({ elevatorId: `E${k}`, thresholds: defaultThresholds, ratedSpeedMps: 1.75, floorLevelsMm: FLOORS, available }),
    );
    const samples = 200_000;
    let now = 0;
    const t0 = performance.now();
    for (let i = 0; i < samples / elevators; i++) {
      now += 100;
      const s = snapshots[i % snapshots.length]!;
      for (const e of engines) e.step(s, now);
    }
    const ms = performance.now() - t0;
    out[`engine samples/s (${elevators} elevator${elevators > 1 ? 's' : ''})`] = Math.round((samples / ms) * 1000);
  }
  out['engine samples/s, all rules and the black box (1 elevator, warmed up)'] = warmThroughput(snapshots, available);
  // Memory per elevator: heap growth for 100 engines each with a full black-box ring.
  const N = 200;
  for (let i = 0; i < 3; i++) global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const many = Array.from(
    { length: N },
    (_, k) => new DetectionEngine({ elevatorId: `M${k}`, thresholds: defaultThresholds, ratedSpeedMps: 1.75, floorLevelsMm: FLOORS, available }),
  );
  // Each step a new snapshot, as the normalizer makes them: the black box keeps them by reference.
  for (let i = 0; i < 600; i++) for (const e of many) e.step(signalsAt(i, i * 100), i * 100);
  for (let i = 0; i < 3; i++) global.gc?.();
  const after = process.memoryUsage().heapUsed;
  out['engine heap per elevator, black box full (KiB)'] = global.gc ? Math.round((after - before) / N / 1024) : 'run with --expose-gc';
  if (many.length !== N) throw new Error('unreachable'); // keeps the engines alive until measured
  return { ...out, ...benchIndicators() };
}

/**
 * Issue 15's figure: the catalogue's 21 rules and the black box (default window) on one elevator,
 * once the JIT has settled — the loops above include compiling the engine. Median of three runs
 * of 1,000,000 samples after 200,000 samples of warm-up.
 */
function warmThroughput(snapshots: ElevatorSignals[], available: ReadonlySet<SignalName>): number {
  const engine = new DetectionEngine({ elevatorId: 'W', thresholds: defaultThresholds, ratedSpeedMps: 1.75, floorLevelsMm: FLOORS, available });
  if (engine.armed().some((r) => !r.armed)) throw new Error('bench: every rule must be armed');
  let now = 0;
  const run = (samples: number) => {
    const t0 = performance.now();
    for (let i = 0; i < samples; i++) {
      now += 100;
      engine.step(snapshots[i % snapshots.length]!, now);
    }
    return (samples / (performance.now() - t0)) * 1000;
  };
  run(200_000);
  const rates = [run(1_000_000), run(1_000_000), run(1_000_000)].sort((a, b) => a - b);
  return Math.round(rates[1]!);
}

/**
 * What the health indicators add per sample: the whole detection step (rules, statistics) with
 * and without them, over two weeks of a 10-floor lift's life (the wear simulator's samples: every
 * change the gateway's 100 ms polls would see, its trips, door cycles and idle hours) — and what
 * one lift's baselines weigh when saved.
 */
function benchIndicators(): Record<string, number | string> {
  const lift = new WearLift(parseWearScenario({ name: 'bench', days: 14, seed: 5, traffic: { requestsPerDay: 120 } }));
  const source = new WearSignals(lift);
  const snapshots: { t: number; s: ElevatorSignals }[] = [];
  for (let t = 0; t < 14 * 86_400_000; t = nextSampleAt(lift, t)) snapshots.push({ t, s: source.at(t) });
  const floors = lift.levelsMm.map((levelMm, i) => ({ label: String(i), levelMm }));
  const run = (enabled: boolean, store?: MemoryBaselineStore) => {
    const d = new Detection(
      { elevatorId: 'B', thresholds: mergeThresholds(defaultThresholds, { earlyWarning: { enabled } }), ratedSpeedMps: 1.75, floors, ...(store ? { baselines: store } : {}) },
      WEAR_SIGNALS,
    );
    const t0 = performance.now();
    for (const { t, s } of snapshots) d.observe(s, t);
    return { ms: performance.now() - t0, d };
  };
  run(true); // warm-up
  const off = run(false).ms;
  const store = new MemoryBaselineStore();
  const on = run(true, store);
  on.d.health?.persist();
  const perSample = (ms: number) => (ms * 1000) / snapshots.length;
  return {
    'detection samples/s, rules + statistics (1 elevator)': Math.round((snapshots.length / off) * 1000),
    'detection samples/s, + health indicators (1 elevator)': Math.round((snapshots.length / on.ms) * 1000),
    'health indicators, µs per sample': Math.round((perSample(on.ms) - perSample(off)) * 100) / 100,
    'health baselines saved per elevator (KiB JSON)': Math.round(JSON.stringify([...(store.load('B')?.keys ?? [])]).length / 1024),
  };
}
