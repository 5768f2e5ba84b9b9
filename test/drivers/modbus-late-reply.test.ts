import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { thresholdsSchema } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';
import { simModbusLink } from '../../src/sim/modbus-link.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { parseSimScenario } from '../../src/sim/scenario.js';

/**
 * A slave samples its registers when a request arrives; a slow answer (well inside the board's
 * 500 ms timeout) therefore carries a value older than the time it came in. A car cruising at its
 * rated speed must not look as if it jumped, nor (on a board without a speed register) as if it
 * ran too fast, because one answer was late; a car that does run too fast must still be seen.
 */

const board: ModbusBoardProfile = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'modbus-tcp', 'modbus-rtu');
/** A controller map with a position register but no speed register: the speed is derived from positions. */
const positionOnly: ModbusBoardProfile = { ...board, points: board.points.filter((p) => p.signal !== 'speedMps') };

/** A full up trip, bottom to top: cruising at 1.75 m/s from ≈ 2.2 s to ≈ 15 s. */
const trip = parseSimScenario({ name: 'trip', durationS: 40, steps: [{ atS: 0, action: 'call', floor: 9 }] }, 'test');

interface Run {
  /** How late the answer to a request sent at `sentAt` comes, ms (0: at once). */
  replyMs?: (sentAt: number) => number;
  board?: ModbusBoardProfile;
  /** The rated speed the gateway is configured with (default: the simulated car's own). */
  ratedSpeedMps?: number;
}

/** The trip through the sim's register map, the Modbus driver and the pipeline, polled on the fast group's 100 ms slots. */
async function run(o: Run = {}): Promise<{ events: DetectedEvent[]; maxSpeedMps: number }> {
  const b = o.board ?? board;
  const runner = new ScenarioRunner(trip);
  const e = runner.elevator;
  const clock = new FakeClock(0);
  const sim = simModbusLink(() => encodeControllerRegisters(e.state()));
  let maxSpeedMps = 0;
  // The registers are sampled when the request arrives; the answer then takes `replyMs`, during
  // which the simulated car keeps moving, as does the gateway's clock.
  const link: ModbusLink = {
    ...sim,
    async read(unitId, block, timeoutMs) {
      const result = await sim.read(unitId, block, timeoutMs);
      const late = o.replyMs?.(clock.now()) ?? 0;
      runner.advance(late);
      clock.advance(late);
      return result;
    },
  };
  const events: DetectedEvent[] = [];
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline: new ElevatorPipeline(b, {
      elevatorId: 'E1',
      thresholds: thresholdsSchema().parse({}),
      ratedSpeedMps: o.ratedSpeedMps ?? e.model.ratedSpeedMps,
      floors: e.model.floorLevelsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
    }),
    driver: async () => new ModbusDriver({ board: b, unitId: 1, link, bus: new BusQueue(), clock, logger: silentLogger }),
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs),
  });
  await monitor.startManual();
  // Slots that fall inside a slow answer are skipped, as the scheduler skips them.
  for (let slot = 100; slot <= 30_000; slot += 100) {
    if (clock.now() > slot) continue;
    const dt = slot - clock.now();
    runner.advance(dt);
    clock.advance(dt);
    maxSpeedMps = Math.max(maxSpeedMps, Math.abs(e.state().speedMps));
    await monitor.pollOnce('fast');
  }
  await monitor.stop();
  return { events, maxSpeedMps };
}

const ofType = (events: DetectedEvent[], ...types: string[]) => events.filter((x) => types.includes(x.type)).map((x) => ({ type: x.type, phase: x.phase, data: x.data }));

describe('Modbus readings stamped with their request and answer times', () => {
  it('a point carries when its block was asked for (askedAt) and when the answer was in (at)', async () => {
    const clock = new FakeClock(1_000);
    const sim = simModbusLink(() => encodeControllerRegisters(new ScenarioRunner(trip).elevator.state()));
    const link: ModbusLink = {
      ...sim,
      async read(unitId, block, timeoutMs) {
        clock.advance(120);
        return sim.read(unitId, block, timeoutMs);
      },
    };
    const driver = new ModbusDriver({ board, unitId: 1, link, bus: new BusQueue(), clock, logger: silentLogger });
    await driver.open();
    const points = await driver.poll('fast');
    const position = points.find((p) => p.point === 'position')!;
    // Asked for at 1000 (the poll's first block), answered 120 ms later (or later still, after further blocks).
    expect(position).toMatchObject({ quality: 'good', askedAt: 1_000, at: clock.now() });
    expect(clock.now()).toBeGreaterThanOrEqual(1_120);
    for (const p of points) expect(p.askedAt).toBeLessThanOrEqual(p.at);
    await driver.close();
  });
});

describe('floor-position-lost on a slow Modbus answer', () => {
  it('control: the trip with every answer on time raises nothing', async () => {
    const { events, maxSpeedMps } = await run();
    expect(maxSpeedMps).toBeLessThanOrEqual(1.75);
    expect(ofType(events, 'floor-position-lost', 'overspeed')).toEqual([]);
  });

  // 80 ms: inside the 100 ms period, no slot skipped; the next poll goes out on its slot 20 ms
  // after the slow answer. 200 ms: one slot skipped.
  it.each([80, 200])('a car cruising at rated speed, one answer %i ms late (timeout 500 ms): no floor-position-lost', async (late) => {
    const { events, maxSpeedMps } = await run({ replyMs: (t) => (t === 8_000 ? late : 0) });
    expect(maxSpeedMps).toBeLessThanOrEqual(1.75); // the car never went faster than rated
    expect(ofType(events, 'floor-position-lost', 'overspeed')).toEqual([]);
  });
});

describe('overspeed from a speed derived from polled positions (no speed register)', () => {
  it('control: the trip with every answer on time raises no overspeed', async () => {
    const { events } = await run({ board: positionOnly });
    expect(ofType(events, 'overspeed', 'floor-position-lost')).toEqual([]);
  });

  it.each([80, 150, 200])('one answer %i ms late: no overspeed (the car never exceeded its rated 1.75 m/s)', async (late) => {
    const { events, maxSpeedMps } = await run({ board: positionOnly, replyMs: (t) => (t === 8_000 ? late : 0) });
    expect(maxSpeedMps).toBeLessThanOrEqual(1.75);
    expect(ofType(events, 'overspeed', 'floor-position-lost')).toEqual([]);
  });

  it('a car running at 1.3 × rated, answers 150 ms late now and then around it: the overspeed is raised, at its real speed', async () => {
    // The gateway is told 1.75 / 1.3 m/s rated: the car's 1.75 m/s cruise is 130 % of it.
    const rated = 1.75 / 1.3;
    const { events } = await run({ board: positionOnly, ratedSpeedMps: rated, replyMs: (t) => (t % 700 === 0 ? 150 : 0) });
    const raised = events.filter((x) => x.type === 'overspeed' && x.phase === 'raised');
    expect(raised).toHaveLength(1);
    expect((raised[0]!.data as { ratio: number }).ratio).toBeGreaterThan(1.2);
    expect((raised[0]!.data as { ratio: number }).ratio).toBeLessThan(1.45);
  });
});
