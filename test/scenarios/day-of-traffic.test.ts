import { describe, expect, it } from 'vitest';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { runScenario } from '../helpers/sim-pipeline.js';

/**
 * A simulated day of normal traffic in a 20-floor building, through the simulator and the real
 * Modbus driver path in sample time: no fault at all, and the day's statistics count exactly the
 * trips and door cycles the simulator itself counted.
 */
describe('24 hours of normal traffic, 20 floors', () => {
  it('raises zero faults and the daily statistics match the simulator', async () => {
    const day = parseSimScenario({
      name: 'day-20-floors',
      durationS: 24 * 3600,
      elevator: { floorLevelsMm: Array.from({ length: 20 }, (_, i) => i * 3000), ratedSpeedMps: 1.75 },
      traffic: { seed: 2026, minIdleS: 5, maxIdleS: 120, boardProbability: 0.6 },
    });
    const { events, runner, monitor } = await runScenario(day, { sampleMs: 100, stopAtEnd: false });
    const sim = runner.elevator.counters();
    const stats = monitor.stats.rollup('day', day.durationS * 1000);

    expect(events.filter((e) => e.phase === 'raised' || e.severity !== 'info')).toEqual([]);
    expect(sim.trips).toBeGreaterThan(500);
    expect(stats.trips).toBe(sim.trips);
    expect(stats.doorCycles).toBe(sim.doorCycles);
    expect(stats.availability).toBe(1);
    expect(stats.faults).toEqual({});
  }, 300_000);
});
