import { describe, expect, it } from 'vitest';
import { mergeThresholds, defaultThresholds } from '../../../src/config/thresholds.js';
import { MemoryBaselineStore } from '../../../src/detect/health/baseline-store.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import { hint } from '../../../src/detect/health/hints.js';
import type { Transition } from '../../../src/detect/types.js';
import { ALL_SIGNALS, FLOORS_MM } from '../scenario.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: ['B1', '1', '2', '3', '4', '5'][i]!, levelMm }));

/** A lift's health with a 2-day learning period, fed door closing times directly, one cycle per landing every hour. */
class Lift {
  readonly health: ElevatorHealth;
  now = 0;
  readonly events: Transition[] = [];

  constructor(
    readonly store = new MemoryBaselineStore(),
    start = 0,
  ) {
    this.now = start;
    this.health = new ElevatorHealth({
      elevatorId: 'E1',
      thresholds: mergeThresholds(defaultThresholds, { earlyWarning: { learningDays: 2, minObservations: 10 } }),
      ratedSpeedMps: 1.75,
      floors: FLOORS,
      available: new Set(ALL_SIGNALS),
      store,
    });
    this.events.push(...this.health.observe({}, this.now));
  }

  /** Door closings for `hours`: `close(floor, day)` seconds at every landing each hour. */
  run(hours: number, close: (floor: number, day: number) => number): this {
    for (let i = 0; i < hours; i++) {
      this.now += HOUR;
      this.events.push(...this.health.observe({}, this.now));
      for (let f = 0; f < FLOORS.length; f++) this.health.level('doorCloseS', { floor: f, direction: null }, close(f, this.health.healthMs / DAY));
    }
    return this;
  }

  warnings(phase: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.type === 'early-warning' && e.phase === phase).map((e) => e.data!);
  }
}

/** Each landing a little different, a little noise. */
const healthy = (floor: number, day: number) => 3 + floor * 0.05 + (Math.round(day * 24) % 3) * 0.05;

describe('ElevatorHealth', () => {
  it("a door slowing at one landing raises that landing's warning, with absolute figures and the hint", () => {
    const lift = new Lift().run(3 * 24, healthy);
    lift.run(10 * 24, (f, d) => healthy(f, d) + (f === 4 ? Math.max(0, d - 4) * 0.2 : 0));
    const raised = lift.warnings('raised');
    expect(raised.map((w) => w.cause)).toEqual(['doorCloseS@4']);
    const w = raised[0]!;
    expect(w).toMatchObject({ indicator: 'doorCloseS', floor: 4, landing: '4', direction: null, unit: 's', drift: 'high' });
    // Figures as the technician reads them: seconds, not "relative to the other landings".
    expect(w.baseline).toBeCloseTo(3.25, 1);
    expect(w.now as number).toBeGreaterThan(3.75);
    expect((w.hint as { en: string }).en).toMatch(
      /^door closing time at floor 4 has risen from 3\.2 s to \d\.\d s over \d+ days?: check the door operator and the sill at floor 4$/,
    );
    expect((w.hint as { zh: string }).zh).toMatch(/^4层关门时间\d+天内由3\.2秒升至\d\.\d秒：请检查门机及4层地坎$/);
  });

  it('a door slowing at every landing alike (the car door operator) raises one lift-wide warning, not one per landing', () => {
    const lift = new Lift().run(3 * 24, healthy).run(10 * 24, (f, d) => healthy(f, d) + Math.max(0, d - 4) * 0.2);
    expect(lift.warnings('raised').map((w) => w.cause)).toEqual(['doorCloseS']);
    expect((lift.warnings('raised')[0]!.hint as { en: string }).en).toContain('check the car door operator');
  });

  it('keeps baselines, health time and wear counters across a restart: no learning from zero', () => {
    const store = new MemoryBaselineStore();
    const first = new Lift(store).run(3 * 24, healthy);
    first.health.tally('doorCycle', 42);
    first.health.persist();
    const learned = first.health.baselines().filter((b) => b.phase === 'learned').length;
    expect(first.health.baselines().filter((b) => b.phase === 'learned' && b.cause.startsWith('doorCloseS'))).toHaveLength(FLOORS.length + 1);
    // A new process: a new ElevatorHealth on the same store, the monotonic clock starting again at 0.
    const second = new Lift(store, 0);
    expect(second.health.healthMs).toBe(first.health.healthMs);
    expect(second.health.wear.doorCycles).toBe(42);
    expect(second.health.baselines().filter((b) => b.phase === 'learned')).toHaveLength(learned);
    second.run(10 * 24, (f, d) => healthy(f, d) + (f === 2 ? Math.max(0, d - 4) * 0.2 : 0));
    expect(second.warnings('raised').map((w) => w.cause)).toEqual(['doorCloseS@2']);
  });

  it('a lift-wide baseline brought back after a restart raises as lift-wide, at no landing', () => {
    const store = new MemoryBaselineStore();
    new Lift(store).run(3 * 24, healthy).health.persist();
    const second = new Lift(store, 0).run(10 * 24, (f, d) => healthy(f, d) + Math.max(0, d - 4) * 0.2);
    expect(second.warnings('raised').map((w) => [w.cause, w.floor, w.landing])).toEqual([['doorCloseS', null, null]]);
  });

  it('a technician reset clears the warning, forgets the baseline and learns it again; the reset is recorded', () => {
    const lift = new Lift().run(3 * 24, healthy).run(10 * 24, (f, d) => healthy(f, d) + (f === 4 ? Math.max(0, d - 4) * 0.2 : 0));
    const events = lift.health.reset({ indicator: 'doorCloseS', floor: 4 }, 'platform');
    expect(events.map((e) => `${e.phase}/${e.severity}`)).toEqual(['cleared/warning', 'instant/info']);
    expect(events[0]!.data).toMatchObject({ cause: 'doorCloseS@4', reason: 'baseline-reset' });
    expect(events[1]!.data).toEqual({ action: 'baseline-reset', indicator: 'doorCloseS', floor: 4, keys: 1, by: 'platform' });
    expect(lift.health.baselines().find((b) => b.cause === 'doorCloseS@4')).toBeUndefined();
    // The new operator is as slow as the old one got (a different make): learned as its new normal, no warning.
    lift.run(5 * 24, (f, d) => healthy(f, d) + (f === 4 ? 2 : 0));
    expect(lift.health.baselines().find((b) => b.cause === 'doorCloseS@4')).toMatchObject({ phase: 'learned', raised: false });
    expect(lift.warnings('raised')).toHaveLength(1);
    // The reset was saved at once: a restart does not bring the old baseline back.
    expect(new Lift(lift.store).health.activeCauses()).toEqual([]);
  });

  it("a reset of a whole indicator clears a landing's warning with its figures in seconds, though the lift-wide baseline goes with it", () => {
    const lift = new Lift().run(3 * 24, healthy).run(10 * 24, (f, d) => healthy(f, d) + (f === 4 ? Math.max(0, d - 4) * 0.2 : 0));
    const raised = lift.warnings('raised')[0]!;
    const events = lift.health.reset({ indicator: 'doorCloseS' }, 'platform');
    expect(events[0]!.data).toMatchObject({ cause: 'doorCloseS@4', reason: 'baseline-reset', baseline: raised.baseline, band: raised.band });
    expect(events[1]!.data).toMatchObject({ indicator: 'doorCloseS', floor: null, keys: FLOORS.length + 1 });
    expect(lift.health.baselines().filter((b) => b.cause.startsWith('doorCloseS'))).toEqual([]);
  });

  it('levelling drifting one way or both raises a warning per direction; the hint tells the brake from stretched ropes by the other', () => {
    /** Levelling at every landing each hour, up and down: the drift of each direction by day. */
    const levelling = (lift: Lift, hours: number, up: (day: number) => number, down: (day: number) => number) => {
      for (let i = 0; i < hours; i++) {
        lift.now += HOUR;
        lift.events.push(...lift.health.observe({}, lift.now));
        const day = lift.health.healthMs / DAY;
        for (let f = 0; f < FLOORS.length; f++) {
          lift.health.level('levelingMm', { floor: f, direction: 'up' }, up(day) + (f % 2));
          lift.health.level('levelingMm', { floor: f, direction: 'down' }, down(day) + (f % 2));
        }
      }
    };
    const still = () => 0;
    const sinking = (d: number) => -Math.max(0, d - 4) * 2;

    const both = new Lift();
    levelling(both, 3 * 24, still, still);
    levelling(both, 10 * 24, sinking, sinking);
    const raised = both.warnings('raised');
    expect(raised.map((w) => w.cause).sort()).toEqual(['levelingMm@*/down', 'levelingMm@*/up']);
    expect(raised.map((w) => [w.direction, w.drift, w.floor, w.landing]).sort()).toEqual([
      ['down', 'low', null, null],
      ['up', 'low', null, null],
    ]);
    expect((raised[1]!.hint as { en: string }).en).toContain('the car stops low both ways: check the ropes for stretch');
    levelling(both, 10 * 24, still, still);
    expect(
      both
        .warnings('cleared')
        .map((w) => [w.cause, w.reason])
        .sort(),
    ).toEqual([
      ['levelingMm@*/down', 'back-in-band'],
      ['levelingMm@*/up', 'back-in-band'],
    ]);

    const up = new Lift();
    levelling(up, 3 * 24, still, still);
    levelling(up, 10 * 24, (d) => -sinking(d), still);
    expect(up.warnings('raised').map((w) => [w.cause, (w.hint as { en: string }).en.split(': ').at(-1)])).toEqual([
      ['levelingMm@*/up', 'check the brake (overshoot) and the levelling adjustment'],
    ]);
  });

  it("the day's summary: per-landing histograms of door times and counts, then a new window", () => {
    const lift = new Lift();
    lift.health.level('doorCloseS', { floor: 5, direction: null }, 3.2);
    lift.health.level('doorCloseS', { floor: 5, direction: null }, 4.1);
    lift.health.level('levelingMm', { floor: 0, direction: 'down' }, -4);
    lift.health.count('doorReopens', null, 2);
    const s = lift.health.takeSummary();
    expect(s.histograms.doorCloseS.byFloor).toEqual({ '5': [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0] });
    expect(s.histograms.levelingMm.byFloor).toEqual({ B1: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] }); // [-6, -3)
    expect(s.counts.reopenings).toBe(2);
    expect(lift.health.takeSummary().counts.reopenings).toBe(0);
  });
});

describe('hints', () => {
  it('says what changed, where, from what to what over how long, and what to check — in English and Chinese', () => {
    expect(hint({ id: 'doorCloseS', side: 'high', floor: '5', direction: null, baseline: 3.1, now: 4.6, overDays: 9 })).toEqual({
      en: 'door closing time at floor 5 has risen from 3.1 s to 4.6 s over 9 days: check the door operator and the sill at floor 5',
      zh: '5层关门时间9天内由3.1秒升至4.6秒：请检查门机及5层地坎',
    });
  });

  it('tells stretched ropes from a worn brake by how the two travel directions drift', () => {
    const leveling = (direction: 'up' | 'down', side: 'high' | 'low', otherDirection: 'high' | 'low') =>
      hint({ id: 'levelingMm', side, floor: null, direction, baseline: 0, now: side === 'high' ? 4 : -4, overDays: 5, otherDirection }).en;
    expect(leveling('up', 'low', 'low')).toContain('check the ropes for stretch');
    expect(leveling('up', 'high', 'low')).toContain('check the brake');
  });
});
