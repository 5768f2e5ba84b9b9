import { describe, expect, it } from 'vitest';
import { DoorLockFaultRule } from '../../src/detect/rules/door-lock-fault.js';
import { DoorOpenTooLongRule } from '../../src/detect/rules/door-open-too-long.js';
import { DoorReopenRepeatedRule } from '../../src/detect/rules/door-reopen-repeated.js';
import { LevelingErrorRule } from '../../src/detect/rules/leveling-error.js';
import { phases, ruleContext, running, Scenario } from './scenario.js';

describe('door-open-too-long (长时间开门)', () => {
  const doorOpenTooLong = () => new Scenario(new DoorOpenTooLongRule(ruleContext()));

  it('given a door held open at a landing, then it is raised at 120 s and cleared when the door closes', () => {
    const sc = doorOpenTooLong();
    sc.set({ door: 'open' }).run(150_000);
    sc.set({ door: 'closed' }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@120000', 'cleared@151000']);
    expect(sc.events[0]).toMatchObject({ severity: 'warning', data: { openS: 120 } });
  });

  it('near miss: ordinary dwell times, with a one-sample "closed" blip in each, raise nothing', () => {
    const sc = doorOpenTooLong();
    for (let i = 0; i < 20; i++) {
      sc.set({ door: 'open' }).run(5_000);
      sc.glitch({ door: 'closed' });
      sc.run(5_000);
      sc.set({ door: 'closed' }).run(10_000);
    }
    expect(sc.events).toEqual([]);
  });

  it('flapping: one "closed" sample during the episode does not clear it', () => {
    const sc = doorOpenTooLong();
    sc.set({ door: 'open' }).run(121_000);
    sc.glitch({ door: 'closed' });
    sc.run(60_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });

  it('in inspection the technician may keep the door open', () => {
    const rule = new DoorOpenTooLongRule(ruleContext());
    const sc = new Scenario(rule, { door: 'open', inspection: true });
    sc.run(600_000);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(1);
  });
});

describe('door-lock-fault (门锁回路异常)', () => {
  const doorLock = (start = {}) => new Scenario(new DoorLockFaultRule(ruleContext()), start);

  it('given the lock circuit opening while the car runs, then a fault is raised after 500 ms', () => {
    const sc = doorLock(running(1.0));
    sc.run(1_000);
    sc.set({ doorLockCircuit: false }).run(1_000);
    sc.set({ speedMps: 0, doorLockCircuit: true }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@1500', 'cleared@3000']);
    expect(sc.events[0]).toMatchObject({ severity: 'fault', data: { kind: 'open-while-running' } });
  });

  it('given the lock reporting closed while the door stands open, then a bypassed lock is raised as critical', () => {
    const sc = doorLock({ door: 'open', doorLockCircuit: true });
    sc.run(3_000);
    expect(phases(sc.events)).toEqual(['raised@1000']);
    expect(sc.events[0]).toMatchObject({ severity: 'critical', data: { kind: 'bypassed' } });
  });

  it('near miss: the lock opening with the doors at a landing, and re-levelling with doors open, are normal', () => {
    const sc = doorLock();
    sc.set({ doorLockCircuit: false, door: 'opening' }).run(2_000);
    sc.set({ door: 'open' }).run(5_000);
    sc.set({ speedMps: 0.2 }).run(1_500);
    sc.set({ speedMps: 0, door: 'closing' }).run(2_000);
    sc.set({ door: 'closed', doorLockCircuit: true }).run(5_000);
    expect(sc.events).toEqual([]);
  });
});

describe('door-reopen-repeated (反复开关门)', () => {
  /** One door cycle that is cut short: closing, then reopening. */
  function reopen(sc: Scenario) {
    sc.set({ door: 'closing' }).run(1_000);
    sc.set({ door: 'opening' }).run(1_000);
    sc.set({ door: 'open' }).run(2_000);
  }

  it('given a door that reopens 5 times within a minute at one stop, then it is raised; cleared when the car departs', () => {
    const sc = new Scenario(new DoorReopenRepeatedRule(ruleContext()));
    sc.run(1_000);
    sc.set({ door: 'opening' }).run(1_000);
    sc.set({ door: 'open' }).run(3_000);
    for (let i = 0; i < 4; i++) reopen(sc);
    expect(sc.events).toEqual([]);
    reopen(sc);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
    expect(sc.events[0]).toMatchObject({ data: { reopenings: 5 } });
    sc.set({ door: 'closed' }).run(2_000);
    sc.set(running(1.0)).run(3_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared']);
  });

  it('near miss: one opening per stop over many stops, and 4 reopenings, raise nothing', () => {
    const sc = new Scenario(new DoorReopenRepeatedRule(ruleContext()));
    for (let stop = 0; stop < 10; stop++) {
      sc.set({ speedMps: 0, door: 'opening' }).run(1_000);
      sc.set({ door: 'open' }).run(3_000);
      sc.set({ door: 'closing' }).run(1_000);
      sc.set({ door: 'closed' }).run(1_000);
      sc.set({ speedMps: 1.0 }).run(5_000);
    }
    sc.set({ speedMps: 0 });
    for (let i = 0; i < 4; i++) reopen(sc);
    expect(sc.events).toEqual([]);
  });
});

describe('leveling-error (平层精度超差)', () => {
  /** Arrive at a landing with `errorMm` and open the doors. */
  function arrive(sc: Scenario, errorMm: number) {
    sc.set({ ...running(0.5), doorZone: true }).run(2_000);
    sc.set({ speedMps: 0, levelingErrorMm: errorMm }).run(500);
    sc.set({ door: 'open' }).run(3_000);
    sc.set({ door: 'closed' }).run(1_000);
  }

  it('a stop 15 mm off is a warning, 25 mm off a fault; the next good stop clears', () => {
    const sc = new Scenario(new LevelingErrorRule(ruleContext()));
    arrive(sc, 15);
    arrive(sc, 25); // still the same episode
    arrive(sc, 4);
    expect(sc.events.map((e) => [e.phase, e.severity])).toEqual([
      ['raised', 'warning'],
      ['cleared', 'warning'],
    ]);
    expect(sc.events[0]!.data).toMatchObject({ errorMm: 15, limitMm: 10 });
    const fault = new Scenario(new LevelingErrorRule(ruleContext()));
    arrive(fault, -25);
    expect(fault.events[0]).toMatchObject({ severity: 'fault', data: { errorMm: -25, limitMm: 20 } });
  });

  it('the limits are "beyond": exactly 10 mm is fine, exactly 20 mm a warning; a stop at exactly 10 mm clears', () => {
    const at = (errorMm: number) => {
      const sc = new Scenario(new LevelingErrorRule(ruleContext()));
      arrive(sc, errorMm);
      return sc.events.map((e) => `${e.phase}:${e.severity}`);
    };
    expect(at(10)).toEqual([]);
    expect(at(-10.5)).toEqual(['raised:warning']);
    expect(at(20)).toEqual(['raised:warning']);
    expect(at(20.5)).toEqual(['raised:fault']);
    const sc = new Scenario(new LevelingErrorRule(ruleContext()));
    arrive(sc, 12);
    arrive(sc, -10);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared']);
  });

  it('near miss: a car passing a landing 15 mm off with doors closed is not measured', () => {
    const sc = new Scenario(new LevelingErrorRule(ruleContext()), { levelingErrorMm: 15 });
    sc.run(10_000);
    expect(sc.events).toEqual([]);
  });
});
