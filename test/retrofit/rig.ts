import { join } from 'node:path';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import type { BoardProfile, RetrofitBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { thresholdsSchema, type ThresholdsInput } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';
import { fusedInputsOf } from '../../src/signals/fusion/fused-signals.js';
import { ShaftLearner, type LearnResult } from '../../src/signals/fusion/learn.js';
import type { LearnedShaft } from '../../src/signals/fusion/shaft.js';
import type { ElevatorSignals } from '../../src/signals/types.js';
import type { VirtualElevator } from '../../src/sim/elevator.js';
import { simModbusLink } from '../../src/sim/modbus-link.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import type { SensorBoxOptions } from '../../src/sim/raw-sensors/sensor-box.js';
import { SimRetrofitBoard } from '../../src/sim/retrofit-board.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { parseSimScenario, type SimScenario } from '../../src/sim/scenario.js';

export type RetrofitBoardId = 'retrofit-pi-i2c-sensorbox' | 'retrofit-firmata-sensorbox';

export function retrofitBoard(id: RetrofitBoardId): RetrofitBoardProfile {
  return loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`), 'retrofit-i2c', 'retrofit-firmata');
}

/** A 20-storey residential shaft: a 4.5 m lobby, then storeys of 3 m give or take the builder's 25 mm. */
export const TOWER_LEVELS_MM = Array.from({ length: 20 }, (_, i) => (i === 0 ? 0 : 4500 + (i - 1) * 3000 + ((i * 37) % 50) - 25));
/** What the installer typed from the drawings: round storeys, the travel measured. */
export const TOWER_CONFIGURED_MM = TOWER_LEVELS_MM.map((l, i) => (i === 0 || i === TOWER_LEVELS_MM.length - 1 ? l : 4500 + (i - 1) * 3000));

export interface TimedEvent extends DetectedEvent {
  atS: number;
}

export interface RunOptions {
  board: RetrofitBoardId;
  scenario: SimScenario;
  /** The car (a model the scenario schema cannot express, e.g. a large landing error); default: from the scenario. */
  elevator?: VirtualElevator;
  /** The site's floor table (default: the model's true levels). */
  floorsMm?: readonly number[];
  shaft?: LearnedShaft;
  thresholds?: ThresholdsInput;
  box?: Partial<Omit<SensorBoxOptions, 'levelsMm'>>;
  i2cFailRate?: number;
  via?: 'johnny-five' | 'io';
  pollMs?: number;
  /** Called after every poll and detection step. */
  onPoll?: (p: { tMs: number; signals: ElevatorSignals; rig: SimRetrofitBoard }) => void;
  /** Called before every poll (inject faults). */
  beforePoll?: (p: { tMs: number; rig: SimRetrofitBoard }) => void;
  untilS?: number;
}

/**
 * A scenario through the whole retrofit path in sample time: the simulator's raw sensors → the
 * real RetrofitDriver (over the fake I²C bus and GPIO lines, or the mock Firmata board) → the
 * normalizer and its fusion → the rules, each poll one detection step.
 */
export async function runRetrofit(o: RunOptions): Promise<{ events: TimedEvent[]; rig: SimRetrofitBoard; monitor: ElevatorMonitor }> {
  const board = retrofitBoard(o.board);
  const runner = new ScenarioRunner(o.scenario, o.elevator);
  const clock = new FakeClock(0);
  const rig = new SimRetrofitBoard({ board, runner, clock, ...(o.box ? { box: o.box } : {}), i2cFailRate: o.i2cFailRate ?? 0, via: o.via ?? 'io' });
  const model = runner.elevator.model;
  const floors = (o.floorsMm ?? model.floorLevelsMm).map((levelMm, i) => ({ label: String(i + 1), levelMm }));
  const pipeline = new ElevatorPipeline(board, {
    elevatorId: 'E1',
    thresholds: thresholdsSchema().parse(o.thresholds ?? {}),
    ratedSpeedMps: model.ratedSpeedMps,
    floors,
    shaft: o.shaft,
  });
  const events: TimedEvent[] = [];
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline,
    driver: async () => new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger }),
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs.map((ev) => ({ ...ev, atS: Math.round(ev.mono) / 1000 }))),
  });
  await monitor.startManual();
  const pollMs = o.pollMs ?? board.pollGroups[0]!.intervalMs;
  const endMs = (o.untilS ?? o.scenario.durationS) * 1000;
  for (let t = 0; t < endMs; t += pollMs) {
    rig.advance(pollMs);
    clock.advance(pollMs);
    o.beforePoll?.({ tMs: t + pollMs, rig });
    await monitor.pollOnce(board.pollGroups[0]!.name);
    o.onPoll?.({ tMs: t + pollMs, signals: monitor.signals, rig });
  }
  await monitor.stop();
  return { events, rig, monitor };
}

/** The same car through the controller map (sim-modbus: position, speed, zones read from registers), for timing comparisons. */
export async function runControllerMap(o: { scenario: SimScenario; elevator?: VirtualElevator; thresholds?: ThresholdsInput; untilS?: number }): Promise<TimedEvent[]> {
  const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'modbus-tcp') as BoardProfile;
  const runner = new ScenarioRunner(o.scenario, o.elevator);
  const clock = new FakeClock(0);
  const e = runner.elevator;
  const events: TimedEvent[] = [];
  const pipeline = new ElevatorPipeline(board, {
    elevatorId: 'E1',
    thresholds: thresholdsSchema().parse(o.thresholds ?? {}),
    ratedSpeedMps: e.model.ratedSpeedMps,
    floors: e.model.floorLevelsMm.map((levelMm, i) => ({ label: String(i + 1), levelMm })),
  });
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline,
    driver: async () =>
      new ModbusDriver({ board: board as never, unitId: 1, link: simModbusLink(() => encodeControllerRegisters(e.state())), bus: new BusQueue(), clock, logger: silentLogger }),
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs.map((ev) => ({ ...ev, atS: Math.round(ev.mono) / 1000 }))),
  });
  await monitor.startManual();
  const endMs = (o.untilS ?? o.scenario.durationS) * 1000;
  for (let t = 0; t < endMs; t += 100) {
    runner.advance(100);
    clock.advance(100);
    await monitor.pollOnce('fast');
  }
  await monitor.stop();
  return events;
}

/** The learning run: bottom to top and back, a stop at every landing; what `elevgw diag learn` records. */
export function learningScenario(levelsMm: readonly number[], ratedSpeedMps = 1.75): SimScenario {
  const n = levelsMm.length;
  const up = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const down = Array.from({ length: n - 1 }, (_, i) => n - 2 - i);
  return parseSimScenario({
    name: 'learning-run',
    durationS: 60 + 2 * (n - 1) * 20,
    elevator: { floorLevelsMm: [...levelsMm], ratedSpeedMps },
    steps: [...up, ...down].map((floor) => ({ atS: 15, action: 'call' as const, floor })),
  });
}

/** Runs the learning run through the driver and the learner (as `diag learn` does) on a fresh car. */
export async function learnShaft(o: { board: RetrofitBoardId; levelsMm: readonly number[]; configuredMm: readonly number[]; box?: RunOptions['box'] }): Promise<LearnResult> {
  const board = retrofitBoard(o.board);
  const scenario = learningScenario(o.levelsMm);
  const runner = new ScenarioRunner(scenario);
  const clock = new FakeClock(0);
  const rig = new SimRetrofitBoard({ board, runner, clock, ...(o.box ? { box: o.box } : {}) });
  const driver = new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger });
  const learner = new ShaftLearner(o.configuredMm, { accelFullScaleMps2: board.sensors.accelerometer.rangeG * 9.80665, vanes: board.vanes });
  await driver.open();
  for (let t = 0; t < scenario.durationS * 1000 && !learner.progress().complete; t += 100) {
    rig.advance(100);
    clock.advance(100);
    learner.feed(fusedInputsOf(board, await driver.poll('sensors')));
  }
  await driver.close();
  const r = learner.result();
  if ('missing' in r) throw new Error(`learning run incomplete: ${r.missing}`);
  return r;
}

/** Quantiles of a list, for the printed distributions. */
export function quantiles(values: readonly number[], qs = [0.5, 0.9, 0.99, 1]): string {
  const s = [...values].sort((a, b) => a - b);
  return qs.map((q) => `p${q === 1 ? 'max' : Math.round(q * 100)} ${s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]?.toFixed(1) ?? '–'}`).join('  ');
}
