import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import type { SimState } from '../../src/sim/elevator.js';
import { runScenario } from '../helpers/sim-pipeline.js';

const SAMPLE_MS = 100;
const RATED = 1.75;

/**
 * The built-in fault scenarios through the simulator and the real driver path (ModbusDriver
 * decoding the sim-modbus profile), in sample time. Each fault is raised no later than its
 * threshold plus one sample period after the physical condition begins — and not before.
 */
async function conditionStart(name: string, holds: (s: SimState) => boolean) {
  let beganS: number | undefined;
  const run = await runScenario(SCENARIOS[name]!.scenario, {
    sampleMs: SAMPLE_MS,
    onSample: (runner, atMs) => {
      if (beganS === undefined && holds(runner.elevator.state())) beganS = atMs / 1000;
    },
  });
  return { ...run, beganS };
}

const outOfZone = (s: SimState) => !(s.doorZoneUpper && s.doorZoneLower);
const sample = SAMPLE_MS / 1000;

describe('fault scenarios through the simulator and the Modbus driver path', () => {
  it('trapped: raised 30 s after a car with a passenger stops between floors with doors closed, cleared when the doors open', async () => {
    const { events, beganS } = await conditionStart('trapped', (s) => Math.abs(s.speedMps) < 0.05 && s.doorClosed && s.occupied && outOfZone(s) && s.simMs > 1000);
    const trapped = events.filter((e) => e.type === 'trapped');
    expect(trapped.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    expect(beganS).toBeDefined();
    expect(trapped[0]!.atS).toBeGreaterThanOrEqual(beganS! + 30 - sample);
    expect(trapped[0]!.atS).toBeLessThanOrEqual(beganS! + 30 + sample);
    expect(trapped[0]!.blackbox?.length).toBeGreaterThan(10);
  });

  it('door-open-while-moving: raised within 200 ms + one sample of the door leaving closed at speed', async () => {
    const { events, beganS } = await conditionStart('door-open-while-moving', (s) => !s.doorClosed && Math.abs(s.speedMps) > 0.3);
    const raised = events.filter((e) => e.type === 'door-open-while-moving' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.atS).toBeLessThanOrEqual(beganS! + 0.2 + sample);
    expect(raised[0]!.severity).toBe('critical');
  });

  it('overspeed: raised within 100 ms + one sample of exceeding 115 % of rated speed', async () => {
    const { events, beganS } = await conditionStart('overspeed', (s) => Math.abs(s.speedMps) > 1.15 * RATED || s.overspeedSwitch);
    const raised = events.filter((e) => e.type === 'overspeed' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.atS).toBeLessThanOrEqual(beganS! + 0.1 + sample);
    expect(events.filter((e) => e.type === 'overspeed').map((e) => e.phase)).toEqual(['raised', 'cleared']);
  });

  it('power-loss: raised 2 s after mains fails, cleared 2 s after it returns', async () => {
    const { events, beganS } = await conditionStart('power-loss', (s) => !s.mainsPower);
    const p = events.filter((e) => e.type === 'power-loss');
    expect(p.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    expect(p[0]!.atS).toBeGreaterThanOrEqual(beganS! + 2 - sample);
    expect(p[0]!.atS).toBeLessThanOrEqual(beganS! + 2 + sample);
  });

  it('normal traffic for an hour raises nothing', async () => {
    const { events, runner } = await runScenario({ ...SCENARIOS.normal!.scenario, durationS: 3600 }, { sampleMs: SAMPLE_MS });
    expect(runner.elevator.counters().trips).toBeGreaterThan(100);
    expect(events.filter((e) => e.phase !== 'instant')).toEqual([]);
  });
});
