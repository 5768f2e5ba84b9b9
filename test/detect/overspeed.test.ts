import { describe, expect, it } from 'vitest';
import { OverspeedRule } from '../../src/detect/rules/overspeed.js';
import { phases, RATED_MPS, ruleContext, running, SAMPLE_MS, Scenario } from './scenario.js';

function overspeed(start = running(1.75)) {
  return new Scenario(new OverspeedRule(ruleContext()), start);
}

describe('overspeed (超速), rated 1.75 m/s', () => {
  it('given the car at 120 % of rated speed, then overspeed is raised after 100 ms with the ratio', () => {
    const sc = overspeed();
    sc.run(1_000);
    sc.set({ speedMps: 2.1 }).run(500);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'overspeed', phase: 'raised', severity: 'critical' });
    expect(e!.mono - 1_000).toBeGreaterThanOrEqual(100);
    expect(e!.mono - 1_000).toBeLessThanOrEqual(100 + SAMPLE_MS);
    expect(e!.data).toMatchObject({ peakMps: 2.1, ratio: 1.2, ratedMps: RATED_MPS, trigger: 'speed' });
  });

  it('the limit is "above" 115 %: exactly 2.0125 m/s for a minute raises nothing, 2.02 m/s raises', () => {
    const exact = overspeed(running(1.15 * RATED_MPS));
    exact.run(60_000);
    expect(exact.events).toEqual([]);
    const above = overspeed(running(2.02));
    above.run(500);
    expect(phases(above.events)).toEqual(['raised@100']);
  });

  it('a speed fused from a retrofit box must exceed the limit by its margin (0.1 m/s) as well', () => {
    const fused = (speedMps: number) => {
      const sc = new Scenario(new OverspeedRule({ ...ruleContext(), fused: new Set(['speedMps'] as const) }), running(speedMps));
      sc.run(1_000);
      return sc.events.map((e) => e.phase);
    };
    expect(fused(2.1)).toEqual([]);
    expect(fused(2.12)).toEqual(['raised']);
    // The margin is the fusion's, not a controller's: the same 2.1 m/s from a controller raises.
    const controller = overspeed(running(2.1));
    controller.run(1_000);
    expect(controller.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('counts downward speed too', () => {
    const sc = overspeed(running(-2.2));
    sc.run(500);
    expect(phases(sc.events)).toEqual(['raised@100']);
  });

  it('near miss: 114 % of rated for a minute, and a single 3 m/s spike, raise nothing', () => {
    const sc = overspeed(running(2.0));
    sc.run(60_000);
    sc.glitch({ speedMps: 3.0 });
    sc.run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('clears only after speed has stayed at or below rated for 2 s, reporting the peak', () => {
    const sc = overspeed(running(2.1));
    sc.run(300);
    sc.set({ speedMps: 2.4 }).run(200);
    sc.set({ speedMps: 1.9 }).run(5_000); // above rated, below trip: still raised
    sc.set({ speedMps: 1.7 }).run(3_000);
    expect(phases(sc.events)).toEqual(['raised@100', 'cleared@7500']);
    expect(sc.events[1]!.data).toMatchObject({ peakMps: 2.4, calmS: 2 });
  });

  it('flapping: one sample at rated speed during the episode does not shorten the 2 s', () => {
    const sc = overspeed(running(2.1));
    sc.run(1_000);
    sc.set({ speedMps: 1.5 }).run(1_500);
    sc.glitch({ speedMps: 2.0 });
    sc.run(1_900);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
    sc.run(200);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared']);
  });

  it('the governor overspeed switch raises, and the episode stays until it is reset', () => {
    const sc = overspeed(running(1.0));
    sc.set({ overspeedSwitch: true }).run(500);
    sc.set({ speedMps: 0 }).run(10_000);
    expect(phases(sc.events)).toEqual(['raised@100']);
    expect(sc.events[0]!.data).toMatchObject({ trigger: 'switch' });
    sc.set({ overspeedSwitch: false }).run(3_000);
    expect(phases(sc.events)).toEqual(['raised@100', 'cleared@12500']);
  });

  it('bad data: a bad speed reading never raises or clears', () => {
    const sc = overspeed(running(3.0));
    sc.run(5_000, ['speedMps']);
    expect(sc.events).toEqual([]);
    sc.run(1_000);
    sc.set({ speedMps: 0 }).run(10_000, ['speedMps']);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });
});
