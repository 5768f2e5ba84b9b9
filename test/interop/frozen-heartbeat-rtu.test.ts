import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { tempDir } from '../helpers/tmp.js';
import { startPymodbusSlave, type PymodbusSlave } from './pymodbus.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml')) as ModbusBoardProfile;
const POLL_MS = board.pollGroups[0]!.intervalMs;
const FROZEN_AFTER_MS = board.heartbeat!.frozenAfterMs;

/**
 * Scenario: a controller that hangs while its Modbus interface keeps answering. Debian's pymodbus
 * serves the generic controller map on a pty; the gateway's monitor reads it through the real RTU
 * driver, in sample time (a FakeClock advanced one poll at a time, every poll a real transaction).
 * The heartbeat ticks once a second until 5 s, then never again: sensor-lost must be raised
 * frozenAfterMs after the last tick was seen, within one poll — not a sensor-lost hold later.
 */
describe('a frozen controller heartbeat over Modbus RTU (pymodbus on a pty)', () => {
  const tmp = tempDir('elevgw-frozen-');
  const ports = new RtuPorts();
  let pair: PtyPair;
  let slave: PymodbusSlave;

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    slave = await startPymodbusSlave({ port: pair.a, baud: 38400, positionMm: 6003, status: 0b10_0001_1101, floor: 2, heartbeatOnTick: true });
  });

  afterAll(async () => {
    await slave?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('raises sensor-lost within frozenAfterMs + one poll of the last heartbeat change, and clears once it ticks again', async () => {
    expect(defaultThresholds.sensorLost.holdS * 1000, 'this scenario is about the freeze, not a longer hold').toBeLessThanOrEqual(FROZEN_AFTER_MS);
    const clock = new FakeClock();
    const events: DetectedEvent[] = [];
    const monitor = new ElevatorMonitor({
      elevatorId: 'E1',
      pipeline: new ElevatorPipeline(board, {
        elevatorId: 'E1',
        thresholds: defaultThresholds,
        ratedSpeedMps: 1.75,
        floors: [0, 3000, 6000, 9000].map((levelMm, i) => ({ label: String(i), levelMm })),
      }),
      driver: async () =>
        new ModbusDriver({ board, unitId: 1, link: modbusRtuLink({ path: pair.b, baudRate: 38400, parity: 'none' }, ports), bus: new BusQueue(), clock, logger: silentLogger }),
      clock,
      logger: silentLogger,
      onEvents: (evs) => events.push(...evs.filter((e) => e.type === 'sensor-lost')),
    });
    await monitor.startManual();
    try {
      let lastTickSeenAt = 0;
      /** One poll period: the heartbeat advances on whole seconds while `ticking`, then one real poll. */
      const sample = async (ticking: boolean) => {
        clock.advance(POLL_MS);
        if (ticking && clock.now() % 1000 === 0) {
          await slave.tick();
          lastTickSeenAt = clock.now(); // this poll is the first to read the new value
        }
        await monitor.pollOnce('fast');
      };
      while (clock.now() < 5000) await sample(true);
      while (events.length === 0 && clock.now() < 30_000) await sample(false);

      const [raised] = events;
      expect(raised, 'sensor-lost was raised').toMatchObject({ type: 'sensor-lost', phase: 'raised' });
      expect(raised!.mono - lastTickSeenAt).toBeGreaterThanOrEqual(FROZEN_AFTER_MS);
      expect(raised!.mono - lastTickSeenAt).toBeLessThanOrEqual(FROZEN_AFTER_MS + POLL_MS);
      expect(monitor.driverHealth()).toMatchObject({ state: 'ok', failures: 0 }); // the interface kept answering

      const resumedAt = clock.now();
      while (events.length < 2 && clock.now() < resumedAt + 10_000) await sample(true);
      expect(events[1], 'cleared once the heartbeat ticks again').toMatchObject({ type: 'sensor-lost', phase: 'cleared' });
      expect(events[1]!.mono - resumedAt).toBeLessThanOrEqual(1000 + defaultThresholds.clearHoldMs + POLL_MS);
    } finally {
      await monitor.stop();
    }
  });
});
