import { describe, expect, it } from 'vitest';
import { OvertravelRule } from '../../src/detect/rules/overtravel.js';
import { RunTimeExceededRule, runTimeLimitS } from '../../src/detect/rules/run-time-exceeded.js';
import { SafetyCircuitOpenRule } from '../../src/detect/rules/safety-circuit-open.js';
import { phases, ruleContext, running, Scenario, signals } from './scenario.js';

describe('overtravel-top / overtravel-bottom (冲顶 / 蹲底)', () => {
  it('given the car 200 mm above the top landing, then overtravel-top is raised; back in range clears it', () => {
    const sc = new Scenario(new OvertravelRule(ruleContext(), 'top'), { positionMm: 15_000 });
    sc.run(1_000);
    sc.set({ positionMm: 15_200, doorZone: false }).run(1_000);
    sc.set({ positionMm: 15_000, doorZone: true }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@1200', 'cleared@3000']);
    expect(sc.events[0]).toMatchObject({ type: 'overtravel-top', data: { pastLandingMm: 200 } });
  });

  it('near miss: 140 mm past the bottom landing is within range', () => {
    const sc = new Scenario(new OvertravelRule(ruleContext(), 'bottom'), { positionMm: -140 });
    sc.run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('a board with only the final limit switch arms the rule on it', () => {
    const ctx = ruleContext({}, ['bottomFinalLimit', 'door']);
    const rule = new OvertravelRule(ctx, 'bottom');
    expect(rule.needs).toEqual(['bottomFinalLimit']);
    // This board reports no position at all.
    const step = (limit: boolean, now: number) => rule.step(signals({ bottomFinalLimit: limit }, now), now);
    expect(step(true, 0)).toEqual([]);
    expect(step(true, 200)).toMatchObject([{ type: 'overtravel-bottom', phase: 'raised', data: { finalLimit: true, positionMm: null } }]);
    expect(step(false, 300)).toEqual([]);
    expect(step(false, 1300)).toMatchObject([{ phase: 'cleared' }]);
  });
});

describe('run-time-exceeded (电动机运转时间限制器动作)', () => {
  it('the limit is full travel at rated speed + 10 s, clamped to 20–45 s', () => {
    expect(runTimeLimitS(ruleContext())).toBe(20); // 15 m at 1.75 m/s = 8.6 s + 10 → 20 (min)
    expect(runTimeLimitS({ ...ruleContext(), floorLevelsMm: [0, 30_000], ratedSpeedMps: 1.5 })).toBe(30);
    expect(runTimeLimitS({ ...ruleContext(), floorLevelsMm: [0, 100_000], ratedSpeedMps: 1 })).toBe(45);
  });

  it('given a car running for 25 s without stopping, then it is raised at 20 s and cleared when it stops', () => {
    const sc = new Scenario(new RunTimeExceededRule(ruleContext()), running(1.0));
    sc.run(25_000);
    sc.set({ speedMps: 0 }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@20000', 'cleared@26000']);
    expect(sc.events[1]!.data).toEqual({ runS: 25 });
  });

  it('near miss: back-to-back 15 s trips with short stops raise nothing', () => {
    const sc = new Scenario(new RunTimeExceededRule(ruleContext()), running(1.0));
    for (let i = 0; i < 5; i++) {
      sc.set({ speedMps: 1.0 }).run(15_000);
      sc.set({ speedMps: 0 }).run(3_000);
    }
    expect(sc.events).toEqual([]);
  });
});

describe('safety-circuit-open (安全回路断路)', () => {
  it('given the safety circuit open for 500 ms, then it is raised; closed again clears it', () => {
    const sc = new Scenario(new SafetyCircuitOpenRule(ruleContext()), running(1.0));
    sc.set({ safetyCircuit: false }).run(1_000);
    sc.set({ safetyCircuit: true, speedMps: 0 }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@500', 'cleared@2000']);
    expect(sc.events[0]).toMatchObject({ severity: 'fault', data: { moving: true } });
  });

  it('near miss: a 300 ms contact bounce raises nothing', () => {
    const sc = new Scenario(new SafetyCircuitOpenRule(ruleContext()));
    for (let i = 0; i < 10; i++) {
      sc.set({ safetyCircuit: false }).run(300);
      sc.set({ safetyCircuit: true }).run(2_000);
    }
    expect(sc.events).toEqual([]);
  });

  it('in inspection an opened safety circuit is suppressed', () => {
    const rule = new SafetyCircuitOpenRule(ruleContext());
    const sc = new Scenario(rule, { inspection: true, safetyCircuit: false });
    sc.run(30_000);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(1);
  });
});
