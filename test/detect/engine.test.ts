import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { DetectionEngine, type DetectionEngineOptions } from '../../src/detect/engine.js';
import { buildRules } from '../../src/detect/rules/index.js';
import { QUIET } from '../../src/detect/rules/context.js';
import type { DetectedEvent, EventType, Rule, Transition } from '../../src/detect/types.js';
import type { SignalName } from '../../src/signals/types.js';
import { ALL_SIGNALS, BETWEEN_FLOORS, FLOORS_MM, PARKED, RATED_MPS, Scenario, WITH_PASSENGER } from './scenario.js';

function engine(available: readonly SignalName[] = ALL_SIGNALS, more: Partial<DetectionEngineOptions> = {}) {
  return new DetectionEngine({
    elevatorId: 'lift-1',
    thresholds: defaultThresholds,
    ratedSpeedMps: RATED_MPS,
    floorLevelsMm: FLOORS_MM,
    available: new Set(available),
    ...more,
  });
}

/** The technician drives the car at inspection speed (0.3 m/s), one sample per 30 mm. */
function inspectionRun(sc: Scenario<DetectedEvent>, fromMm: number, toMm: number) {
  const dir = Math.sign(toMm - fromMm);
  for (let mm = fromMm + dir * 30; dir * (toMm - mm) >= 0; mm += dir * 30) sc.set({ positionMm: mm, speedMps: dir * 0.3, doorZone: false }).run(100);
  sc.set({ speedMps: 0 });
}

describe('DetectionEngine', () => {
  it('arms every rule on a full board', () => {
    const armed = engine().armed();
    expect(armed.filter((r) => !r.armed)).toEqual([]);
    expect(armed.map((r) => r.type)).toContain('trapped');
  });

  it('steps a board that yields no signal without a rule or an error', () => {
    const e = engine([]);
    expect(e.armed().filter((r) => r.armed)).toEqual([]);
    for (let t = 0; t <= 1000; t += 100) expect(e.step({}, t)).toEqual([]);
    expect(e.ruleFailures()).toEqual([]);
  });

  it('wakes every rule watching readability when several inputs turn unreadable in one step', () => {
    // Two sleeping rules, each watching only whether one contact reads good.
    const steps = { inspection: 0, alarmButton: 0 };
    const watcher = (type: EventType, signal: 'inspection' | 'alarmButton'): Rule => ({
      type,
      severity: 'info',
      needs: [signal],
      reads: [],
      readsQuality: [signal],
      active: false,
      step: () => {
        steps[signal]++;
        return QUIET;
      },
    });
    const e = engine(['inspection', 'alarmButton'], { rules: () => [watcher('service-mode', 'inspection'), watcher('alarm-pressed', 'alarmButton')] });
    const bad = (at: number) => ({ value: false, quality: 'bad' as const, at });
    e.step({ inspection: bad(0), alarmButton: bad(0) }, 100);
    e.step({ inspection: bad(0), alarmButton: bad(0) }, 200);
    expect(steps).toEqual({ inspection: 1, alarmButton: 1 });
    // Both still bad, both with a new time of their last good read: each rule runs once more.
    e.step({ inspection: bad(250), alarmButton: bad(250) }, 300);
    expect(steps).toEqual({ inspection: 2, alarmButton: 2 });
  });

  it('sensor-lost counts from an earlier last good read that a bad input reports while staying bad', () => {
    // The bus goes quiet: both inputs stale, last read at 900 ms. Then the controller turns out
    // frozen since 500 ms, so the zone's bad reading dates from 500 ms: 10 s from then, not 900.
    const e = engine(['doorZone', 'speedMps']);
    const raised: number[] = [];
    for (let t = 0; t <= 12_000; t += 100) {
      const read = <T>(value: T, lastGood: number) => (t < 1000 ? { value, quality: 'good' as const, at: t } : { value, quality: 'bad' as const, at: lastGood });
      const events = e.step({ doorZone: read(true, t < 2000 ? 900 : 500), speedMps: read(0, 900) }, t);
      for (const x of events) if (x.type === 'sensor-lost' && x.phase === 'raised') raised.push(x.mono);
    }
    expect(raised).toEqual([10_500]);
  });

  it('reports rules it cannot arm, with the signals the board lacks', () => {
    // A retrofit sensor box: door contact, UPS and a PIR — no speed, no zone sensors.
    const armed = engine(['door', 'mainsPower', 'occupied']).armed();
    const byType = new Map(armed.map((r) => [r.type, r]));
    expect(byType.get('trapped')).toEqual({ type: 'trapped', armed: false, missing: ['speedMps', 'doorZone'] });
    expect(byType.get('overspeed')).toEqual({ type: 'overspeed', armed: false, missing: ['speedMps'] });
    expect(byType.get('power-loss')).toMatchObject({ armed: true, missing: [] });
    expect(byType.get('door-open-too-long')).toMatchObject({ armed: true });
    expect(byType.get('sensor-lost')).toMatchObject({ armed: true });
    expect(byType.get('maintenance-session')).toEqual({ type: 'maintenance-session', armed: false, missing: ['inspection'] });
  });

  it('on a board with mains power only, says for every rule what it lacks (elevgw diag rules)', () => {
    const missing = Object.fromEntries(
      engine(['mainsPower'])
        .armed()
        .map((r) => [r.type, r.armed ? 'armed' : r.missing.join(' ')]),
    );
    expect(missing).toEqual({
      trapped: 'speedMps door occupied doorZone',
      'door-open-while-moving': 'speedMps door doorZone',
      'moving-with-door-open': 'speedMps door doorZone',
      overspeed: 'speedMps',
      'overtravel-top': 'positionMm',
      'overtravel-bottom': 'positionMm',
      'stopped-outside-zone': 'speedMps doorZone',
      'leveling-error': 'levelingErrorMm speedMps door doorZone',
      'door-open-too-long': 'door',
      'door-reopen-repeated': 'door speedMps',
      'safety-circuit-open': 'safetyCircuit',
      'door-lock-fault': 'doorLockCircuit speedMps door',
      'door-close-fault': 'door',
      'door-open-fault': 'door',
      'run-time-exceeded': 'speedMps',
      'floor-position-lost': 'positionMm',
      'power-loss': 'armed',
      'sensor-lost': 'armed',
      'alarm-pressed': 'alarmButton',
      'maintenance-session': 'inspection',
      'service-mode': 'armed',
    });
  });

  it('arms nothing for a board that provides no signal', () => {
    expect(
      engine([])
        .armed()
        .every((r) => !r.armed),
    ).toBe(true);
  });

  it('an unarmed rule never runs', () => {
    const sc = new Scenario(engine(['door', 'mainsPower', 'occupied']), { ...WITH_PASSENGER, ...BETWEEN_FLOORS });
    sc.run(200_000);
    expect(sc.events).toEqual([]);
  });

  it('a throwing rule is counted and isolated; the other rules keep working', () => {
    const broken: Rule = {
      type: 'overspeed',
      severity: 'critical',
      needs: [],
      active: false,
      step(): Transition[] {
        throw new Error('boom');
      },
    };
    const errors: string[] = [];
    const e = engine(['mainsPower'], {
      rules: (ctx) => [broken, ...buildRules(ctx)],
      onRuleError: (type) => errors.push(type),
    });
    const sc = new Scenario(e, { mainsPower: false });
    sc.run(5_000);
    // Mains gone: the power-loss fault and the change of service mode to emergency power.
    expect(sc.events.map((ev) => ev.type)).toEqual(['power-loss', 'service-mode']);
    expect(e.ruleFailures()).toEqual([{ type: 'overspeed', count: 50, lastError: 'boom' }]);
    expect(errors).toHaveLength(50);
  });

  it('a rule whose state cannot be read is counted; the others still say they are raised', () => {
    const broken: Rule = {
      type: 'overspeed',
      severity: 'critical',
      needs: [],
      get active(): boolean {
        throw new Error('no state');
      },
      step: () => QUIET,
    };
    const errors: string[] = [];
    const e = engine(['mainsPower'], { rules: (ctx) => [broken, ...buildRules(ctx)], onRuleError: (type) => errors.push(type) });
    new Scenario(e, { mainsPower: false }).run(5_000);
    expect(e.active()).toEqual(['power-loss']);
    expect([e.ruleFailures(), errors]).toEqual([[{ type: 'overspeed', count: 1, lastError: 'no state' }], ['overspeed']]);
  });

  it('on a retrofit board, says which inputs each rule reads fused, and the rules read them as fused', () => {
    const e = engine(ALL_SIGNALS, { fused: new Set(['speedMps', 'positionMm']) });
    const byType = new Map(e.armed().map((r) => [r.type, r]));
    expect(byType.get('overspeed')).toEqual({ type: 'overspeed', armed: true, missing: [], fused: ['speedMps'] });
    expect(byType.get('overtravel-top')).toMatchObject({ fused: ['positionMm'] });
    expect(byType.get('door-open-too-long')).toEqual({ type: 'door-open-too-long', armed: true, missing: [] });
    // 2.1 m/s is past 115 % of rated (2.01) but not past it by the fused margin (0.1 m/s).
    const sc = new Scenario(e, { speedMps: 2.1, direction: 'up', doorZone: false, positionMm: 7500 });
    sc.run(3_000);
    expect(sc.events.filter((x) => x.type === 'overspeed')).toEqual([]);
  });

  it('a throwing rule is isolated even when nobody listens for rule errors', () => {
    const broken: Rule = {
      type: 'overspeed',
      severity: 'critical',
      needs: [],
      active: false,
      step(): Transition[] {
        throw 'not an Error';
      },
    };
    const e = engine(['mainsPower'], { rules: (ctx) => [broken, ...buildRules(ctx)] });
    const sc = new Scenario(e, { mainsPower: false });
    expect(() => sc.run(3_000)).not.toThrow();
    expect(sc.events.map((ev) => ev.type)).toContain('power-loss');
    expect(e.ruleFailures()).toEqual([{ type: 'overspeed', count: 30, lastError: 'not an Error' }]);
  });

  it('given a passenger trapped between floors, the raised event carries ~30 s of black box before it', () => {
    const e = engine();
    const sc = new Scenario<DetectedEvent>(e, { speedMps: 1.0, doorZone: false, positionMm: 7000 });
    sc.run(60_000); // a minute of history, of which only the last 30 s is kept
    sc.set({ ...WITH_PASSENGER, ...BETWEEN_FLOORS, speedMps: 0 }).run(31_000);
    const trapped = sc.events.filter((ev) => ev.type === 'trapped');
    expect(trapped).toHaveLength(1);
    const [raised] = trapped;
    expect(raised).toMatchObject({ elevatorId: 'lift-1', phase: 'raised', mono: 90_000 });
    const box = raised!.blackbox!;
    expect(box.length).toBeGreaterThanOrEqual(60);
    expect(box.length).toBeLessThanOrEqual(61);
    expect(box[0]!.mono).toBeGreaterThanOrEqual(60_000);
    expect(box.at(-1)!.mono).toBe(90_000);
    expect(box.slice(1).every((snap, i) => snap.mono - box[i]!.mono === 500)).toBe(true);
    expect(box[0]!.signals.speedMps?.value).toBe(0);
    expect(box.at(-1)!.signals.occupied?.value).toBe(true);
    expect(box.every((snap) => snap.elevatorId === 'lift-1')).toBe(true);
  });

  it('shows the run before a stop in the black box', () => {
    const e = engine(ALL_SIGNALS, { blackbox: { beforeMs: 10_000, sampleEveryMs: 1_000 } });
    const sc = new Scenario<DetectedEvent>(e, { speedMps: 1.0, doorZone: false, positionMm: 7000 });
    sc.run(2_000);
    sc.set({ ...BETWEEN_FLOORS, speedMps: 0 }).run(6_000);
    const raised = sc.events.find((ev) => ev.type === 'stopped-outside-zone');
    expect(raised!.blackbox!.map((snap) => snap.signals.speedMps?.value)).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('cleared and instant events carry no black box', () => {
    const sc = new Scenario<DetectedEvent>(engine(), { ...WITH_PASSENGER, ...BETWEEN_FLOORS });
    sc.run(31_000);
    sc.set({ alarmButton: true }).run(500);
    sc.set({ alarmButton: false, door: 'open' }).run(3_000);
    const summary = sc.events.map((ev) => [ev.type, ev.phase, ev.blackbox !== undefined]);
    expect(summary).toContainEqual(['trapped', 'cleared', false]);
    expect(summary).toContainEqual(['alarm-pressed', 'instant', false]);
  });

  it('an informational raise (a maintenance session opening) carries no black box and gets no follow-up', () => {
    const sc = new Scenario<DetectedEvent>(engine(), PARKED);
    sc.set({ inspection: true }).run(10_000);
    const opened = sc.events.filter((ev) => ev.type === 'maintenance-session');
    expect(opened.map((ev) => [ev.phase, ev.severity, ev.blackbox])).toEqual([['raised', 'info', undefined]]);
    expect(sc.events.filter((ev) => ev.type === 'blackbox')).toEqual([]);
  });

  it('keeps memory bounded however long it runs', () => {
    const e = engine(ALL_SIGNALS, { blackbox: { beforeMs: 5_000, sampleEveryMs: 500 } });
    const sc = new Scenario<DetectedEvent>(e, { ...BETWEEN_FLOORS, speedMps: 0 });
    sc.run(3_600_000);
    const raised = sc.events.find((ev) => ev.phase === 'raised' && ev.blackbox);
    expect(raised!.blackbox!.length).toBeLessThanOrEqual(11);
  });

  it('a closing maintenance session reports what inspection suppressed during it', () => {
    const sc = new Scenario<DetectedEvent>(engine(), PARKED);
    sc.run(1_000);
    sc.set({ inspection: true }).run(5_000);
    inspectionRun(sc, 6000, 7500); // 5 s at 0.3 m/s
    sc.set({ ...BETWEEN_FLOORS, door: 'open', doorLockCircuit: false }).run(200_000); // parked between floors, door open
    sc.set({ door: 'closed', doorLockCircuit: true });
    inspectionRun(sc, 7500, 6000);
    sc.set({ ...PARKED, inspection: false }).run(5_000);
    const faults = sc.events.filter((ev) => ev.severity !== 'info').map((ev) => `${ev.type} ${ev.phase}`);
    expect(faults).toEqual([]);
    const closing = sc.events.find((ev) => ev.type === 'maintenance-session' && ev.phase === 'cleared');
    expect(closing!.data).toMatchObject({ durationS: 215 });
    // Only what was held back, nothing listed with a count of 0; no other event carries the list.
    expect(closing!.data!.suppressed).toEqual({ 'stopped-outside-zone': 1, 'door-open-too-long': 1 });
    expect(sc.events.filter((ev) => ev !== closing && ev.data?.suppressed !== undefined)).toEqual([]);
  });

  it('lists the types with a raised episode', () => {
    const e = engine();
    const sc = new Scenario<DetectedEvent>(e, { mainsPower: false });
    sc.run(3_000);
    expect(e.active()).toEqual(['power-loss']);
  });
});
