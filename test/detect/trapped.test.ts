import { describe, expect, it } from 'vitest';
import { TrappedRule } from '../../src/detect/rules/trapped.js';
import { BETWEEN_FLOORS, phases, ruleContext, running, SAMPLE_MS, Scenario, WITH_PASSENGER } from './scenario.js';

function trapped(start = {}) {
  return new Scenario(new TrappedRule(ruleContext()), { ...WITH_PASSENGER, ...start });
}

describe('trapped (困人)', () => {
  it('given a car stopped between floors with a passenger and doors closed, when 30 s pass, then exactly one trapped is raised at 30 s', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(60_000);
    expect(sc.events).toHaveLength(1);
    const [e] = sc.events;
    expect(e).toMatchObject({ type: 'trapped', phase: 'raised', severity: 'critical' });
    expect(e!.mono).toBeGreaterThanOrEqual(30_000);
    expect(e!.mono).toBeLessThanOrEqual(30_000 + SAMPLE_MS);
    expect(e!.data).toMatchObject({ inZone: false, holdS: 30, positionMm: 7500, floor: 2, trigger: 'timeout' });
  });

  it('given a passenger shut in a car at a landing (in the door zone), then it takes 120 s', () => {
    const sc = trapped();
    sc.run(119_000);
    expect(sc.events).toEqual([]);
    sc.run(5_000);
    expect(phases(sc.events)).toEqual(['raised@120000']);
    expect(sc.events[0]!.data).toMatchObject({ inZone: true, holdS: 120 });
  });

  it('given an alarm press during such a stop, then it is raised at once, as soon as the button has been held 200 ms', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(8_000);
    sc.set({ alarmButton: true }).run(1_000);
    expect(phases(sc.events)).toEqual(['raised@8200']);
    expect(sc.events[0]!.data).toMatchObject({ trigger: 'alarm', holdS: 0, stoppedS: 8.2 });
  });

  it('near miss: a one-sample glitch of the alarm contact (no press) does not raise it', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(8_000);
    sc.glitch({ alarmButton: true });
    sc.run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('when the doors open, then it clears after the clear hold, once', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(31_000);
    sc.set({ door: 'opening' }).run(5_000);
    expect(phases(sc.events)).toEqual(['raised@30000', 'cleared@32000']);
    expect(sc.events[1]!.data).toMatchObject({ reason: 'door-opened' });
  });

  it('when the occupant is gone, then it clears', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(31_000);
    sc.set({ occupied: false }).run(5_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    expect(sc.events[1]!.data).toMatchObject({ reason: 'occupant-gone' });
  });

  it('near miss: a passenger waiting in a parked car with open doors is never trapped', () => {
    const sc = trapped({ door: 'open' });
    sc.run(600_000);
    expect(sc.events).toEqual([]);
  });

  it('near miss: a car that runs on after a 25 s stop between floors is not trapped', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(25_000);
    sc.set(running(1.0)).run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('flapping: one sample of "door open" or "nobody" during the episode does not clear it', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(31_000);
    sc.glitch({ door: 'open' });
    sc.run(5_000);
    sc.glitch({ occupied: false });
    sc.run(60_000);
    expect(phases(sc.events)).toEqual(['raised@30000']);
  });

  it('bad data: a car whose speed reads bad is never declared trapped', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(200_000, ['speedMps']);
    expect(sc.events).toEqual([]);
  });

  it('bad data: a raised episode holds while occupancy and door read bad', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(31_000);
    sc.set({ occupied: false, door: 'open' }).run(60_000, ['occupied', 'door']);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('bad data: with the door-zone sensor bad the longer (in-zone) hold applies', () => {
    const sc = trapped(BETWEEN_FLOORS);
    sc.run(130_000, ['doorZone']);
    expect(phases(sc.events)).toEqual(['raised@120000']);
    expect(sc.events[0]!.data).toMatchObject({ inZone: null, holdS: 120 });
  });
});
