import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { join } from 'node:path';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { loadBoardFile, BUILTIN_BOARDS_DIR } from '../../src/config/load.js';
import { thresholdsSchema, type ThresholdsInput } from '../../src/config/thresholds.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { simModbusLink } from '../../src/sim/modbus-link.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import type { SimScenario } from '../../src/sim/scenario.js';
import type { DetectedEvent } from '../../src/detect/types.js';

export interface TimedEvent extends DetectedEvent {
  /** SimScenario time of the event, seconds. */
  atS: number;
}

/**
 * Runs a scenario through the simulator and the real driver path (ModbusDriver decoding the
 * sim-modbus profile → normalizer → rules) in sample time: every `sampleMs` the sim advances,
 * the fake clock advances, and one poll + detection step runs. No sockets, no sleeps.
 */
export async function runScenario(
  scenario: SimScenario,
  opts: { sampleMs?: number; thresholds?: ThresholdsInput; onSample?: (runner: ScenarioRunner, atMs: number) => void; untilS?: number; stopAtEnd?: boolean } = {},
): Promise<{ events: TimedEvent[]; runner: ScenarioRunner; monitor: ElevatorMonitor }> {
  const sampleMs = opts.sampleMs ?? 100;
  const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'modbus-tcp');
  const runner = new ScenarioRunner(scenario);
  const clock = new FakeClock(0);
  const events: TimedEvent[] = [];
  const e = runner.elevator;
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline: new ElevatorPipeline(board, {
      elevatorId: 'E1',
      thresholds: thresholdsSchema().parse(opts.thresholds ?? {}),
      ratedSpeedMps: e.model.ratedSpeedMps,
      floors: e.model.floorLevelsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
    }),
    driver: async () => new ModbusDriver({ board, unitId: 1, link: simModbusLink(() => encodeControllerRegisters(e.state())), bus: new BusQueue(), clock, logger: silentLogger }),
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs.map((ev) => ({ ...ev, atS: Math.round(ev.mono) / 1000 }))),
  });
  await monitor.startManual();
  const endMs = (opts.untilS ?? scenario.durationS) * 1000;
  for (let t = 0; t < endMs; t += sampleMs) {
    runner.advance(sampleMs);
    clock.advance(sampleMs);
    opts.onSample?.(runner, t + sampleMs);
    await monitor.pollOnce('fast');
  }
  if (opts.stopAtEnd !== false) await monitor.stop();
  return { events, runner, monitor };
}
