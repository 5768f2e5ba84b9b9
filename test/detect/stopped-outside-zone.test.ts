import { describe, expect, it } from 'vitest';
import { StoppedOutsideZoneRule } from '../../src/detect/rules/stopped-outside-zone.js';
import { BETWEEN_FLOORS, phases, ruleContext, running, SAMPLE_MS, Scenario } from './scenario.js';

function stoppedOutside() {
  const rule = new StoppedOutsideZoneRule(ruleContext());
  return { rule, sc: new Scenario(rule, running(1.0)) };
}

describe('stopped-outside-zone (非平层停梯)', () => {
  it('given a car that stops between floors, then it is raised after 5 s', () => {
    const { sc } = stoppedOutside();
    sc.run(2_000);
    sc.set({ ...BETWEEN_FLOORS, speedMps: 0 }).run(10_000);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'stopped-outside-zone', phase: 'raised', severity: 'fault' });
    expect(e!.mono - 2_000).toBeGreaterThanOrEqual(5_000);
    expect(e!.mono - 2_000).toBeLessThanOrEqual(5_000 + SAMPLE_MS);
    expect(e!.data).toMatchObject({ positionMm: 7500, stoppedS: 5 });
  });

  it('near miss: a 4.5 s halt between floors, then on to a landing, raises nothing', () => {
    const { sc } = stoppedOutside();
    sc.set({ speedMps: 0 }).run(4_500);
    sc.set({ speedMps: 1.0 }).run(2_000);
    sc.set({ speedMps: 0, doorZone: true, positionMm: 9000 }).run(60_000);
    expect(sc.events).toEqual([]);
  });

  it('clears when the car enters a door zone — not merely by moving again', () => {
    const { sc } = stoppedOutside();
    sc.set({ speedMps: 0 }).run(6_000);
    sc.set({ speedMps: 0.3 }).run(2_000);
    sc.set({ speedMps: 0 }).run(10_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
    sc.set({ speedMps: 0.2, doorZone: true }).run(3_000);
    expect(phases(sc.events)).toEqual(['raised@5000', 'cleared@19000']);
    expect(sc.events[1]!.data).toMatchObject({ durationS: 14 });
  });

  it('flapping: one sample of the door-zone sensor does not clear the episode', () => {
    const { sc } = stoppedOutside();
    sc.set({ speedMps: 0 }).run(6_000);
    sc.glitch({ doorZone: true });
    sc.run(30_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('in inspection a technician parking between floors raises nothing, but the suppression is counted', () => {
    const { rule, sc } = stoppedOutside();
    sc.set({ inspection: true, speedMps: 0 }).run(60_000);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(1);
    expect(rule.takeSuppressed()).toBe(0);
  });

  it('after inspection ends, a car left between floors is a fault again', () => {
    const { sc } = stoppedOutside();
    sc.set({ inspection: true, speedMps: 0 }).run(60_000);
    sc.set({ inspection: false }).run(10_000);
    expect(phases(sc.events)).toEqual(['raised@65000']);
  });

  it('bad data: a bad zone sensor neither raises nor clears', () => {
    const { sc } = stoppedOutside();
    sc.set({ speedMps: 0 }).run(30_000, ['doorZone']);
    expect(sc.events).toEqual([]);
    sc.run(6_000);
    sc.set({ doorZone: true }).run(30_000, ['doorZone']);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });
});
