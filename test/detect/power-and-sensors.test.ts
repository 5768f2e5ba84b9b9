import { describe, expect, it } from 'vitest';
import { PowerLossRule } from '../../src/detect/rules/power-loss.js';
import { SensorLostRule } from '../../src/detect/rules/sensor-lost.js';
import { phases, ruleContext, SAMPLE_MS, Scenario } from './scenario.js';

describe('power-loss (停电)', () => {
  const powerLoss = () => new Scenario(new PowerLossRule(ruleContext()));

  it('given mains absent, then power-loss is raised after 2 s and cleared 2 s after mains return, with the outage duration', () => {
    const sc = powerLoss();
    sc.run(1_000);
    sc.set({ mainsPower: false }).run(30_000);
    sc.set({ mainsPower: true }).run(5_000);
    expect(phases(sc.events)).toEqual(['raised@3000', 'cleared@33000']);
    expect(sc.events[0]).toMatchObject({ type: 'power-loss', severity: 'warning' });
    expect(sc.events[1]!.data).toEqual({ durationS: 30 });
  });

  it('near miss: a 1.5 s dip and single-sample dropouts raise nothing', () => {
    const sc = powerLoss();
    sc.set({ mainsPower: false }).run(1_500);
    sc.set({ mainsPower: true }).run(5_000);
    for (let i = 0; i < 20; i++) {
      sc.glitch({ mainsPower: false });
      sc.run(1_000);
    }
    expect(sc.events).toEqual([]);
  });

  it('flapping: mains back for 1 s during an outage does not clear it', () => {
    const sc = powerLoss();
    sc.set({ mainsPower: false }).run(10_000);
    sc.set({ mainsPower: true }).run(1_000);
    sc.set({ mainsPower: false }).run(10_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('bad data: an unreadable UPS signal neither raises nor clears', () => {
    const sc = powerLoss();
    sc.set({ mainsPower: false }).run(10_000, ['mainsPower']);
    expect(sc.events).toEqual([]);
    sc.run(3_000);
    sc.set({ mainsPower: true }).run(10_000, ['mainsPower']);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });
});

describe('sensor-lost (采集异常)', () => {
  const sensorLost = () => new Scenario(new SensorLostRule(ruleContext()));

  it('given the door contact unreadable, then sensor-lost is raised after 10 s naming it', () => {
    const sc = sensorLost();
    sc.run(1_000);
    sc.run(15_000, ['door', 'doorZone']);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'sensor-lost', phase: 'raised', severity: 'fault' });
    expect(e!.mono - 1_000).toBeGreaterThanOrEqual(10_000);
    expect(e!.mono - 1_000).toBeLessThanOrEqual(10_000 + SAMPLE_MS);
    expect(e!.data).toEqual({ signals: ['door', 'doorZone'], unreadS: 10 });
  });

  it('clears when every signal reads good again', () => {
    const sc = sensorLost();
    sc.run(12_000, ['door', 'speedMps']);
    sc.run(5_000, ['door']); // speed back, door still bad: stays
    sc.run(5_000);
    expect(phases(sc.events)).toEqual(['raised@10000', 'cleared@18000']);
  });

  it('near miss: signals bad in turn, none for 10 s continuously, raise nothing', () => {
    const sc = sensorLost();
    for (let i = 0; i < 10; i++) {
      sc.run(6_000, ['door']);
      sc.run(6_000, ['speedMps']);
    }
    expect(sc.events).toEqual([]);
  });

  it('flapping: a single good read during the outage neither clears nor restarts the episode', () => {
    const sc = sensorLost();
    sc.run(12_000, ['positionMm']);
    sc.glitch({});
    sc.run(30_000, ['positionMm']);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });
});
