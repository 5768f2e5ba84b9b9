import { describe, expect, it } from 'vitest';
import { DoorCloseFaultRule } from '../../src/detect/rules/door-close-fault.js';
import { DoorOpenFaultRule } from '../../src/detect/rules/door-open-fault.js';
import { phases, ruleContext, running, Scenario } from './scenario.js';

/** A closing that is cut short: closing for 1.5 s, then the door reopens. */
function failedClosing(sc: Scenario) {
  sc.set({ door: 'closing' }).run(1_500);
  sc.set({ door: 'open' }).run(3_000);
}

/** An opening that is cut short: opening for 1 s, then the door shuts again. */
function failedOpening(sc: Scenario) {
  sc.set({ door: 'opening' }).run(1_000);
  sc.set({ door: 'closed' }).run(2_000);
}

describe('door-close-fault (关门故障)', () => {
  const doorClose = () => new Scenario(new DoorCloseFaultRule(ruleContext()), { door: 'open' });

  it('given a door stuck while closing, then it is raised 15 s after closing began and cleared once closed', () => {
    const sc = doorClose();
    sc.run(1_000);
    sc.set({ door: 'closing' }).run(20_000);
    sc.set({ door: 'closed' }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@16000', 'cleared@22000']);
    expect(sc.events[0]).toMatchObject({ severity: 'fault', data: { kind: 'timeout', attemptS: 15 } });
  });

  it('given three closings in a row that reverse, then it is raised at the third reversal', () => {
    const sc = doorClose();
    failedClosing(sc);
    failedClosing(sc);
    expect(sc.events).toEqual([]);
    sc.set({ door: 'closing' }).run(1_500);
    sc.set({ door: 'open' }).run(1_000);
    expect(phases(sc.events)).toEqual(['raised@10500']);
    expect(sc.events[0]!.data).toMatchObject({ kind: 'failed', attempts: 3, overS: 10.5 });
  });

  it('near miss: two reversals and then a good closing, then two more, raise nothing', () => {
    const sc = doorClose();
    failedClosing(sc);
    failedClosing(sc);
    sc.set({ door: 'closing' }).run(2_000);
    sc.set({ door: 'closed' }).run(2_000);
    sc.set({ door: 'open' }).run(3_000);
    failedClosing(sc);
    failedClosing(sc);
    expect(sc.events).toEqual([]);
  });

  it('near miss: one-sample "closing" glitches of the open door are not closings', () => {
    const sc = doorClose();
    for (let i = 0; i < 10; i++) {
      sc.glitch({ door: 'closing' });
      sc.run(2_000);
    }
    expect(sc.events).toEqual([]);
  });

  it('an unreadable door neither starts nor ends a closing', () => {
    const sc = doorClose();
    sc.set({ door: 'closing' }).run(5_000);
    sc.run(5_000, ['door']);
    sc.run(5_100);
    expect(phases(sc.events)).toEqual(['raised@15000']);
  });

  it('in inspection the technician may work the door', () => {
    const rule = new DoorCloseFaultRule(ruleContext());
    const sc = new Scenario(rule, { door: 'open', inspection: true });
    for (let i = 0; i < 3; i++) failedClosing(sc);
    sc.set({ door: 'closing' }).run(30_000);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(2);
  });
});

describe('door-open-fault (开门故障)', () => {
  const doorOpen = () => new Scenario(new DoorOpenFaultRule(ruleContext()));

  it('given a car at a landing whose door starts opening but sticks, then it is raised after 15 s; cleared when open', () => {
    const sc = doorOpen();
    sc.run(1_000);
    sc.set({ door: 'opening' }).run(16_000);
    sc.set({ door: 'open' }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@16000', 'cleared@18000']);
    expect(sc.events[0]).toMatchObject({ severity: 'fault', data: { kind: 'timeout', floor: 2 } });
  });

  it('given three openings in a row that fall back shut, then it is raised at the third', () => {
    const sc = doorOpen();
    failedOpening(sc);
    failedOpening(sc);
    sc.set({ door: 'opening' }).run(1_000);
    sc.set({ door: 'closed' }).run(100);
    expect(phases(sc.events)).toEqual(['raised@7000']);
    expect(sc.events[0]!.data).toMatchObject({ kind: 'failed', attempts: 3 });
  });

  it('near miss: normal stops and a parked car with doors shut raise nothing', () => {
    const sc = doorOpen();
    for (let stop = 0; stop < 5; stop++) {
      sc.set({ door: 'opening' }).run(2_500);
      sc.set({ door: 'open' }).run(4_000);
      sc.set({ door: 'closing' }).run(3_000);
      sc.set({ door: 'closed' }).run(1_000);
      sc.set(running(1.0)).run(5_000);
      sc.set({ speedMps: 0, doorZone: true, positionMm: 6000 }).run(500);
    }
    sc.run(600_000);
    expect(sc.events).toEqual([]);
  });

  it('does not judge a door that moves while the car is away from a landing', () => {
    const sc = new Scenario(new DoorOpenFaultRule(ruleContext()), running(1.0));
    sc.set({ door: 'opening' }).run(20_000);
    expect(sc.events).toEqual([]);
  });
});
