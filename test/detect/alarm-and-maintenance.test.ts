import { describe, expect, it } from 'vitest';
import { AlarmPressedRule } from '../../src/detect/rules/alarm-pressed.js';
import { MaintenanceSessionRule } from '../../src/detect/rules/maintenance-session.js';
import { phases, ruleContext, Scenario } from './scenario.js';

describe('alarm-pressed (紧急报警)', () => {
  it('each press is one instant event, even when the contact bounces', () => {
    const sc = new Scenario(new AlarmPressedRule(ruleContext()), { occupied: true });
    sc.run(1_000);
    sc.set({ alarmButton: true }).run(300);
    sc.glitch({ alarmButton: false }); // bounce
    sc.run(2_000);
    sc.set({ alarmButton: false }).run(3_000);
    sc.set({ alarmButton: true }).run(500);
    // recognised once held 200 ms
    expect(phases(sc.events)).toEqual(['instant@1200', 'instant@6600']);
    expect(sc.events[0]).toMatchObject({ type: 'alarm-pressed', data: { occupied: true, floor: 2 } });
  });

  it('the press says where the car was and whether someone was in it; what reads badly is null', () => {
    const inZone = new Scenario(new AlarmPressedRule(ruleContext()), { alarmButton: true, occupied: false });
    inZone.run(300);
    expect(inZone.events.map((e) => e.data)).toEqual([{ floor: 2, inZone: true, occupied: false }]);
    const unknown = new Scenario(new AlarmPressedRule(ruleContext()), { alarmButton: true, doorZone: false });
    unknown.run(300, ['floor', 'occupied']);
    expect(unknown.events.map((e) => e.data)).toEqual([{ floor: null, inZone: false, occupied: null }]);
  });

  it('near miss: a one-sample glitch of the contact is no press', () => {
    const sc = new Scenario(new AlarmPressedRule(ruleContext()));
    for (let i = 0; i < 5; i++) {
      sc.glitch({ alarmButton: true });
      sc.run(2_000);
    }
    expect(sc.events).toEqual([]);
  });

  it('bad data: an unreadable alarm contact is no press', () => {
    const sc = new Scenario(new AlarmPressedRule(ruleContext()), { alarmButton: true });
    sc.run(5_000, ['alarmButton']);
    expect(sc.events).toEqual([]);
  });
});

describe('maintenance-session (维保)', () => {
  it('inspection on opens a session, off closes it with its duration', () => {
    const sc = new Scenario(new MaintenanceSessionRule(ruleContext()));
    sc.run(1_000);
    sc.set({ inspection: true }).run(1_800_000);
    sc.set({ inspection: false }).run(5_000);
    expect(phases(sc.events)).toEqual(['raised@2000', 'cleared@1803000']);
    expect(sc.events[0]).toMatchObject({ severity: 'info' });
    expect(sc.events[1]!.data).toEqual({ durationS: 1800 });
  });

  it('flapping: a one-sample blip of the inspection switch neither opens nor splits a session', () => {
    const sc = new Scenario(new MaintenanceSessionRule(ruleContext()));
    sc.glitch({ inspection: true });
    sc.run(5_000);
    sc.set({ inspection: true }).run(60_000);
    sc.glitch({ inspection: false });
    sc.run(60_000);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised']);
  });
});
