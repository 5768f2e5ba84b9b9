import { describe, expect, it } from 'vitest';
import { DoorOpenWhileMovingRule } from '../../src/detect/rules/door-open-while-moving.js';
import { MovingWithDoorOpenRule } from '../../src/detect/rules/moving-with-door-open.js';
import type { Rule } from '../../src/detect/types.js';
import { phases, ruleContext, running, SAMPLE_MS, Scenario, type Values } from './scenario.js';

/** Both door/motion rules watch the same car, so each incident shows which one reports it. */
function both(start: Values) {
  const rules: Rule[] = [new DoorOpenWhileMovingRule(ruleContext()), new MovingWithDoorOpenRule(ruleContext())];
  return new Scenario({ step: (s, now) => rules.flatMap((r) => r.step(s, now)) }, start);
}

describe('door-open-while-moving (运行中开门)', () => {
  it('given a car running at 1 m/s between floors, when the door leaves closed, then it is raised after 200 ms', () => {
    const sc = both(running(1.0));
    sc.run(1_000);
    sc.set({ door: 'opening' }).run(2_000);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'door-open-while-moving', phase: 'raised', severity: 'critical' });
    expect(e!.mono - 1_000).toBeGreaterThanOrEqual(200);
    expect(e!.mono - 1_000).toBeLessThanOrEqual(200 + SAMPLE_MS);
    expect(e!.data).toMatchObject({ speedMps: 1.0, door: 'opening', inZone: false });
  });

  it('inside the door zone it takes more than 0.3 m/s', () => {
    const sc = both({ ...running(0.5), doorZone: true });
    sc.run(1_000);
    sc.set({ door: 'opening' }).run(1_000);
    expect(sc.events.map((e) => e.type)).toEqual(['door-open-while-moving']);
  });

  it('near miss: arriving at 0.25 m/s in the door zone with the doors already opening is legal', () => {
    const sc = both({ ...running(0.8), doorZone: false });
    sc.run(2_000);
    sc.set({ speedMps: 0.25, doorZone: true }).run(500);
    sc.set({ door: 'opening' }).run(1_500);
    sc.set({ speedMps: 0, door: 'open' }).run(5_000);
    expect(sc.events).toEqual([]);
  });

  it('near miss: one sample of "opening" on a running car is a glitch', () => {
    const sc = both(running(1.5));
    sc.run(1_000);
    sc.glitch({ door: 'opening' });
    sc.run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('clears once the car has stopped with the door closed', () => {
    const sc = both(running(1.0));
    sc.set({ door: 'opening' }).run(1_000);
    sc.set({ door: 'closed' }).run(3_000); // still running: stays raised
    sc.set({ speedMps: 0 }).run(3_000);
    expect(phases(sc.events)).toEqual(['raised@200', 'cleared@5000']);
  });

  it('flapping: one sample of "stopped and closed" while running with the door open does not clear', () => {
    const sc = both(running(1.0));
    sc.set({ door: 'open' }).run(1_000);
    sc.glitch({ speedMps: 0, door: 'closed' });
    sc.run(5_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('bad data: a bad door reading on a running car raises nothing', () => {
    const sc = both({ ...running(1.0), door: 'open' });
    sc.run(10_000, ['door']);
    expect(sc.events).toEqual([]);
  });
});

describe('moving-with-door-open (开门走车 / unintended car movement)', () => {
  it('given doors open at a landing, when the car drives off and leaves the zone, then unintended movement is raised (not door-open-while-moving)', () => {
    const sc = both({ door: 'open' });
    sc.run(3_000);
    sc.set({ speedMps: 0.2, positionMm: 6100 }).run(1_000); // creeping inside the zone
    sc.set({ doorZone: false, positionMm: 6300 }).run(2_000);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'moving-with-door-open', phase: 'raised', severity: 'critical' });
    expect(e!.mono).toBeGreaterThanOrEqual(4_200);
    expect(e!.mono).toBeLessThanOrEqual(4_200 + SAMPLE_MS);
    expect(e!.data).toMatchObject({ movedMm: 300, inZone: false });
  });

  it('is raised inside the zone above 0.3 m/s', () => {
    const sc = both({ door: 'open' });
    sc.run(1_000);
    sc.set({ speedMps: -0.5 }).run(1_000);
    expect(phases(sc.events)).toEqual(['raised@1200']);
    expect(sc.events[0]!.type).toBe('moving-with-door-open');
  });

  it('near miss: re-levelling at 0.2 m/s inside the zone with the doors open is legal', () => {
    const sc = both({ door: 'open' });
    sc.run(2_000);
    sc.set({ speedMps: 0.2 }).run(1_500);
    sc.set({ speedMps: 0 }).run(5_000);
    expect(sc.events).toEqual([]);
  });

  it('clears when the car has stopped and the door closed', () => {
    const sc = both({ door: 'open' });
    sc.run(500);
    sc.set({ speedMps: 0.5 }).run(1_000);
    sc.set({ speedMps: 0, door: 'closed' }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@700', 'cleared@2500']);
    expect(new Set(sc.events.map((e) => e.type))).toEqual(new Set(['moving-with-door-open']));
  });
});
