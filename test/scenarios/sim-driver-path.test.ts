import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import type { SimState } from '../../src/sim/elevator.js';
import { runScenario, type TimedEvent } from '../helpers/sim-pipeline.js';

const SAMPLE_MS = 100;
const RATED = 1.75;

/**
 * The built-in fault scenarios through the simulator and the real driver path (ModbusDriver
 * decoding the sim-modbus profile), in sample time. Each fault is raised no later than its
 * threshold plus one sample period after the physical condition begins — and not before.
 */
async function conditionStart(name: string, holds: (s: SimState) => boolean) {
  let beganMs: number | undefined;
  const run = await runScenario(SCENARIOS[name]!.scenario, {
    sampleMs: SAMPLE_MS,
    onSample: (runner, atMs) => {
      if (beganMs === undefined && holds(runner.elevator.state())) beganMs = atMs;
    },
  });
  return { ...run, beganMs };
}

/** The header's promise, in sample time (ms): raised at condition + threshold, at most one sample later. */
function expectRaisedInWindow(raisedAt: TimedEvent, beganMs: number | undefined, thresholdMs: number) {
  expect(beganMs).toBeDefined();
  expect(raisedAt.mono).toBeGreaterThanOrEqual(beganMs! + thresholdMs);
  expect(raisedAt.mono).toBeLessThanOrEqual(beganMs! + thresholdMs + SAMPLE_MS);
}

const outOfZone = (s: SimState) => !(s.doorZoneUpper && s.doorZoneLower);

describe('fault scenarios through the simulator and the Modbus driver path', () => {
  it('trapped: raised 30 s after a car with a passenger stops between floors with doors closed, cleared when the doors open', async () => {
    const { events, beganMs } = await conditionStart('trapped', (s) => Math.abs(s.speedMps) < 0.05 && s.doorClosed && s.occupied && outOfZone(s) && s.simMs > 1000);
    const trapped = events.filter((e) => e.type === 'trapped');
    expect(trapped.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    expectRaisedInWindow(trapped[0]!, beganMs, 30_000);
    expect(trapped[0]!.blackbox?.length).toBeGreaterThan(10);
  });

  it('door-open-while-moving: raised 200 ms (+ one sample) after the door leaves closed at speed, not sooner', async () => {
    const { events, beganMs } = await conditionStart('door-open-while-moving', (s) => !s.doorClosed && Math.abs(s.speedMps) > 0.3);
    const raised = events.filter((e) => e.type === 'door-open-while-moving' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    expectRaisedInWindow(raised[0]!, beganMs, 200);
    expect(raised[0]!.severity).toBe('critical');
  });

  it('overspeed: raised 100 ms (+ one sample) after the car exceeds 115 % of rated speed, not sooner', async () => {
    const { events, beganMs } = await conditionStart('overspeed', (s) => Math.abs(s.speedMps) > 1.15 * RATED || s.overspeedSwitch);
    const raised = events.filter((e) => e.type === 'overspeed' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    expectRaisedInWindow(raised[0]!, beganMs, 100);
    expect(events.filter((e) => e.type === 'overspeed').map((e) => e.phase)).toEqual(['raised', 'cleared']);
  });

  it('power-loss: raised 2 s after mains fails, cleared 2 s after it returns', async () => {
    const { events, beganMs } = await conditionStart('power-loss', (s) => !s.mainsPower);
    const p = events.filter((e) => e.type === 'power-loss');
    expect(p.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    expectRaisedInWindow(p[0]!, beganMs, 2000);
  });

  it('normal traffic for an hour raises nothing', async () => {
    const { events, runner } = await runScenario({ ...SCENARIOS.normal!.scenario, durationS: 3600 }, { sampleMs: SAMPLE_MS });
    expect(runner.elevator.counters().trips).toBeGreaterThan(100);
    expect(events.filter((e) => e.phase !== 'instant')).toEqual([]);
  });
});
