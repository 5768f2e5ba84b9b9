import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BusQueue } from '../../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../../drivers/modbus/driver.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../../src/config/load.js';
import { FakeClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { ElevatorPipeline } from '../../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../../src/detect/types.js';
import { ElevatorMonitor } from '../../../src/runtime/monitor.js';
import { DAY_MS } from '../../../src/sim/wear/arrivals.js';
import { WearLift } from '../../../src/sim/wear/lift.js';
import { wearModbusLink } from '../../../src/sim/wear/modbus.js';
import { nextSampleAt } from '../../../src/sim/wear/observe.js';
import { parseWearScenario, type WearScenarioInput } from '../../../src/sim/wear/scenario.js';
import { DEGRADATIONS, HEALTHY } from './corpus.js';
import { isFault, isWarning } from './degradation-case.js';
import { thresholdsFor } from './harness.js';

/**
 * The corpus again through the path a controller's data takes: the wear lift served as the
 * sim-modbus register map over the in-process Modbus link, read by the real ModbusDriver
 * through boards/sim-modbus.yaml and the normalizer (door state from its end contacts, the door
 * zone from the two levelling sensors, the staleness window over the link's drop-outs), then the
 * gateway's ElevatorMonitor — one poll per sample, in sample time on a FakeClock.
 */
async function throughDriver(
  input: WearScenarioInput,
  stop?: (e: DetectedEvent) => boolean,
): Promise<{ events: (DetectedEvent & { day: number })[]; endDay: number; samples: number }> {
  const scenario = parseWearScenario(input);
  const lift = new WearLift(scenario);
  const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'modbus-tcp');
  const clock = new FakeClock(0);
  const events: (DetectedEvent & { day: number })[] = [];
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline: new ElevatorPipeline(board, {
      elevatorId: 'E1',
      thresholds: thresholdsFor(),
      ratedSpeedMps: scenario.building.ratedSpeedMps,
      floors: lift.levelsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
    }),
    driver: async () => new ModbusDriver({ board, unitId: 1, link: wearModbusLink(lift, () => clock.now()), bus: new BusQueue(), clock, logger: silentLogger }),
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs.map((e) => ({ ...e, day: clock.now() / DAY_MS }))),
  });
  await monitor.startManual();
  let end = scenario.days * DAY_MS;
  let samples = 0;
  for (let t = 0; ; t = nextSampleAt(lift, t)) {
    clock.advance(t - clock.now());
    const before = events.length;
    await monitor.pollOnce('fast');
    samples++;
    if (stop && events.slice(before).some(stop)) end = Math.min(end, Math.max(t + DAY_MS / 2, 30 * DAY_MS));
    if (t >= end) break;
  }
  return { events, endDay: clock.now() / DAY_MS, samples };
}

const lines: string[] = [];

describe('the early-warning corpus through the Modbus driver path', () => {
  it('a door slowing at floor 5: warned before the door-close fault', async () => {
    const c = DEGRADATIONS.find((d) => d.scenario.name === 'door-operator-floor-5')!;
    const r = await throughDriver(c.scenario, (e) => isFault(e) && c.fault.includes(e.type));
    const fault = r.events.find((e) => isFault(e));
    const warning = r.events.find((e) => isWarning(e) && e.phase === 'raised');
    expect(fault?.type).toMatch(/^door-(close-fault|reopen-repeated)$/);
    expect(warning?.data?.cause).toBe('doorCloseS@5');
    expect(warning!.day).toBeGreaterThan(12);
    expect(warning!.day).toBeLessThan(fault!.day);
    expect(r.endDay).toBeGreaterThanOrEqual(30);
    lines.push(
      `driver path, ${c.scenario.name}: warned day ${warning!.day.toFixed(1)}, ${fault!.type} day ${fault!.day.toFixed(1)}: lead ${(fault!.day - warning!.day).toFixed(1)} days (${r.samples} polls)`,
    );
  }, 600_000);

  it('a healthy 10-floor block over 60 days: no early warning, no fault', async () => {
    const s = HEALTHY.find((h) => h.name === 'healthy-residential-10')!;
    const r = await throughDriver(s);
    expect(r.events.filter((e) => (isWarning(e) && e.phase === 'raised') || isFault(e)).map((e) => `${e.type} ${JSON.stringify(e.data)}`)).toEqual([]);
    expect(r.endDay).toBeGreaterThanOrEqual(60);
    lines.push(`driver path, ${s.name}: ${r.endDay.toFixed(0)} days, no early warning (${r.samples} polls)`);
  }, 600_000);

  afterAll(() => {
    for (const l of lines) console.log(l);
  });
});
