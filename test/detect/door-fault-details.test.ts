import { describe, expect, it } from 'vitest';
import { DoorCloseFaultRule } from '../../src/detect/rules/door-close-fault.js';
import { DoorLockFaultRule } from '../../src/detect/rules/door-lock-fault.js';
import { DoorOpenFaultRule } from '../../src/detect/rules/door-open-fault.js';
import { DoorOpenTooLongRule } from '../../src/detect/rules/door-open-too-long.js';
import { phases, ruleContext, running, Scenario } from './scenario.js';

/** What the door faults carry, and how they treat an inspection switch or a door they cannot read. */
describe('door-close-fault details', () => {
  it('the raise says at which floor, or null when the floor reads badly', () => {
    const sc = new Scenario(new DoorCloseFaultRule(ruleContext()), { door: 'closing' });
    sc.run(15_100);
    const unknown = new Scenario(new DoorCloseFaultRule(ruleContext()), { door: 'closing' });
    unknown.run(15_100, ['floor']);
    expect([sc.events[0]?.data?.floor, unknown.events[0]?.data?.floor]).toEqual([2, null]);
  });

  it('with the inspection switch unreadable, a stuck closing is neither raised nor counted as suppressed', () => {
    const rule = new DoorCloseFaultRule(ruleContext());
    const sc = new Scenario(rule, { door: 'closing', inspection: false });
    sc.run(20_000, ['inspection']);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(0);
  });
});

describe('door-open-fault details', () => {
  /** An opening at a landing that falls back shut after a second. */
  function failedOpening(sc: Scenario) {
    sc.set({ door: 'opening' }).run(1_000);
    sc.set({ door: 'closed' }).run(2_000);
  }

  it('failed openings count per stop: leaving the landing starts the count again', () => {
    const sc = new Scenario(new DoorOpenFaultRule(ruleContext()));
    failedOpening(sc);
    failedOpening(sc);
    sc.set(running(1.0)).run(3_000);
    sc.set({ speedMps: 0, doorZone: true, positionMm: 9000 }).run(1_000);
    failedOpening(sc);
    failedOpening(sc);
    expect(sc.events).toEqual([]);
    failedOpening(sc);
    expect(phases(sc.events)).toEqual(['raised@17000']);
  });

  it('in inspection, openings the technician breaks off are held back and counted for the session', () => {
    const rule = new DoorOpenFaultRule(ruleContext());
    const sc = new Scenario(rule, { inspection: true });
    for (let i = 0; i < 6; i++) failedOpening(sc);
    sc.set({ door: 'opening' }).run(20_000);
    expect(sc.events).toEqual([]);
    expect(rule.takeSuppressed()).toBe(3);
    expect(rule.takeSuppressed()).toBe(0);
  });
});

describe('door-open-fault: where the car is and what the door reads', () => {
  it('a door stuck opening while the zone sensor reads badly is not judged, and not forgotten either', () => {
    const sc = new Scenario(new DoorOpenFaultRule(ruleContext()));
    sc.set({ door: 'opening' }).run(1_000);
    sc.run(19_000, ['doorZone']);
    expect(sc.events).toEqual([]);
    sc.run(1_000); // the zone reads again: the opening has gone on all along
    expect(phases(sc.events)).toEqual(['raised@20000']);
  });

  it('a door opening with the car standing outside the door zone is not judged', () => {
    const sc = new Scenario(new DoorOpenFaultRule(ruleContext()), { doorZone: false, positionMm: 7500 });
    sc.set({ door: 'opening' }).run(20_000);
    expect(sc.events).toEqual([]);
  });

  it('stays raised while the door cannot be read, clears once it is seen open, with how long it lasted', () => {
    const sc = new Scenario(new DoorOpenFaultRule(ruleContext()), { door: 'opening' });
    sc.run(15_100);
    sc.set({ door: 'unknown' }).run(3_000);
    sc.run(3_000, ['door']);
    expect(phases(sc.events)).toEqual(['raised@15000']);
    sc.set({ door: 'open' }).run(1_100);
    expect(sc.events.map((e) => [e.phase, e.data?.durationS])).toEqual([
      ['raised', undefined],
      ['cleared', 7.1],
    ]);
  });
});

describe('door-open-too-long details', () => {
  it('the raise says at which floor (null when unreadable) and how long the door was open; the clear, how long it was raised', () => {
    const sc = new Scenario(new DoorOpenTooLongRule(ruleContext()), { door: 'open' });
    sc.run(125_000);
    sc.set({ door: 'closed' }).run(2_000);
    expect(sc.events.map((e) => [e.phase, e.data])).toEqual([
      ['raised', { floor: 2, openS: 120 }],
      ['cleared', { durationS: 6 }],
    ]);
    const unknown = new Scenario(new DoorOpenTooLongRule(ruleContext()), { door: 'open' });
    unknown.run(121_000, ['floor']);
    expect(unknown.events[0]?.data?.floor).toBeNull();
  });
});

describe('door-lock-fault details', () => {
  const doorLock = (start = {}) => new Scenario(new DoorLockFaultRule(ruleContext()), start);

  it('the raise records the door, the lock and the speed; the clear names the kind it ends', () => {
    const sc = doorLock(running(1.0));
    sc.set({ doorLockCircuit: false }).run(1_000);
    sc.set({ speedMps: 0, doorZone: true, doorLockCircuit: true }).run(2_000);
    expect(sc.events.map((e) => [e.phase, e.data])).toEqual([
      ['raised', { kind: 'open-while-running', door: 'closed', lockClosed: false, speedMps: 1.0 }],
      ['cleared', { kind: 'open-while-running' }],
    ]);
  });

  it('a door it cannot read (bad, or neither contact made) neither raises nor clears a bypassed lock', () => {
    const sc = doorLock({ door: 'open', doorLockCircuit: true });
    sc.run(1_100);
    expect(phases(sc.events)).toEqual(['raised@1000']);
    sc.set({ door: 'unknown' }).run(5_000);
    sc.set({ door: 'open' }).run(5_000, ['door']);
    expect(phases(sc.events)).toEqual(['raised@1000']);
    sc.set({ door: 'closed' }).run(1_100);
    expect(phases(sc.events)).toEqual(['raised@1000', 'cleared@12100']);
  });

  it('a lock bypassed right after it opened while running is the same episode: one raise, one clear', () => {
    const sc = doorLock(running(1.0));
    sc.set({ doorLockCircuit: false }).run(600); // raised at 500 ms as open-while-running
    sc.set({ speedMps: 0, doorZone: true, door: 'open', doorLockCircuit: true }).run(3_000); // and now the lock reads closed with the door open
    sc.set({ door: 'closed' }).run(2_000);
    expect(sc.events.map((e) => `${e.phase} ${e.data?.kind}`)).toEqual(['raised open-while-running', 'cleared open-while-running']);
  });
});
