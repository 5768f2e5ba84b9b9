import { describe, expect, it } from 'vitest';
import { mergeThresholds, defaultThresholds } from '../../../src/config/thresholds.js';
import { MemoryBaselineStore } from '../../../src/detect/health/baseline-store.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import { hint } from '../../../src/detect/health/hints.js';
import type { Transition } from '../../../src/detect/types.js';
import { ALL_SIGNALS, FLOORS_MM } from '../scenario.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Labels unlike the indices (index 4 is '2'): a landing shown by its index instead of its label shows. */
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: ['B2', 'B1', 'G', '1', '2', '3'][i]!, levelMm }));

/** A lift's health with a 2-day learning period, fed door closing times directly, one cycle per landing every hour. */
class Lift {
  readonly health: ElevatorHealth;
  now = 0;
  readonly events: Transition[] = [];

  constructor(
    readonly store = new MemoryBaselineStore(),
    start = 0,
    windows: { clearH?: number; repeatH?: number } = {},
  ) {
    this.now = start;
    this.health = new ElevatorHealth({
      elevatorId: 'E1',
      thresholds: mergeThresholds(defaultThresholds, { earlyWarning: { learningDays: 2, minObservations: 10, ...windows } }),
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

/** Levelling at every landing each hour, up and down: the drift of each direction by day. */
function levelling(lift: Lift, hours: number, up: (day: number) => number, down: (day: number) => number): Lift {
  for (let i = 0; i < hours; i++) {
    lift.now += HOUR;
    lift.events.push(...lift.health.observe({}, lift.now));
    const day = lift.health.healthMs / DAY;
    for (let f = 0; f < FLOORS.length; f++) {
      lift.health.level('levelingMm', { floor: f, direction: 'up' }, up(day) + (f % 2));
      lift.health.level('levelingMm', { floor: f, direction: 'down' }, down(day) + (f % 2));
    }
  }
  return lift;
}
const still = () => 0;
const sinking = (d: number) => -Math.max(0, d - 4) * 2;
const hintEn = (w: Record<string, unknown>) => (w.hint as { en: string }).en;

describe('ElevatorHealth', () => {
  it("a door slowing at one landing raises that landing's warning, with absolute figures and the hint", () => {
    const lift = new Lift().run(3 * 24, healthy);
    lift.run(10 * 24, (f, d) => healthy(f, d) + (f === 4 ? Math.max(0, d - 4) * 0.2 : 0));
    const raised = lift.warnings('raised');
    expect(raised.map((w) => w.cause)).toEqual(['doorCloseS@4']);
    const w = raised[0]!;
    expect(w).toMatchObject({ indicator: 'doorCloseS', floor: 4, landing: '2', direction: null, unit: 's', drift: 'high' });
    // Figures as the technician reads them: seconds, not "relative to the other landings".
    expect(w.baseline).toBeCloseTo(3.25, 1);
    expect(w.now as number).toBeGreaterThan(3.75);
    const [low, high] = w.band as [number, number];
    expect(high - (w.baseline as number)).toBeCloseTo((w.baseline as number) - low, 1);
    expect([low > 2.5, high < 4, high < (w.now as number)]).toEqual([true, true, true]);
    expect((w.hint as { en: string }).en).toMatch(
      /^door closing time at floor 2 has risen from 3\.2 s to \d\.\d s over \d+ days?: check the door operator and the sill at floor 2$/,
    );
    expect((w.hint as { zh: string }).zh).toMatch(/^2层关门时间\d+天内由3\.2秒升至\d\.\d秒：请检查门机及2层地坎$/);
  });

  it('a door slowing at every landing alike (the car door operator) raises one lift-wide warning, not one per landing', () => {
    const lift = new Lift().run(3 * 24, healthy).run(10 * 24, (f, d) => healthy(f, d) + Math.max(0, d - 4) * 0.2);
    expect(lift.warnings('raised').map((w) => w.cause)).toEqual(['doorCloseS']);
    const w = lift.warnings('raised')[0]!;
    expect(hintEn(w)).toContain('check the car door operator');
    // The lift's own figures, in seconds: the median of all landings (3.0 to 3.35 s), the minimum margin either side.
    expect([w.baseline, w.band]).toEqual([3.15, [2.65, 3.65]]);
    expect(lift.health.takeSummary().warnings).toEqual(['doorCloseS']);
  });

  it('the windows run on health time: learning for 2 days, raised 6 h out of band, cleared 24 h back in it', () => {
    const lift = new Lift().run(47, healthy);
    expect(lift.health.baselines().map((b) => b.phase)).not.toContain('learned');
    // A step at every landing at hour 72, gone at hour 100.
    lift.run(72 - 47, healthy).run(28, (f, d) => healthy(f, d) + 1.5);
    expect(lift.health.baselines().find((b) => b.cause === 'doorCloseS')).toMatchObject({ phase: 'learned', raised: true });
    lift.run(60, healthy);
    const at = (phase: string) => lift.events.filter((e) => e.phase === phase).map((e) => e.mono / HOUR);
    // "Now" (the median of the last 15 closings, 6 an hour) is past the band in the step's 2nd hour: raised 6 h later.
    expect(at('raised')).toEqual([80]);
    // Back within half the band in the 2nd hour after the step: cleared 24 h later, after being raised 46 h.
    expect(at('cleared')).toEqual([126]);
    expect(lift.warnings('cleared')[0]).toMatchObject({ cause: 'doorCloseS', reason: 'back-in-band', durationS: 46 * 3600 });
  });

  it('the same cause is not raised again within repeatH of its last raise', () => {
    const lift = new Lift(undefined, 0, { clearH: 1, repeatH: 48 }).run(72, healthy);
    lift
      .run(28, (f, d) => healthy(f, d) + 1.5)
      .run(4, healthy)
      .run(40, (f, d) => healthy(f, d) + 1.5);
    const at = (phase: string) => lift.events.filter((e) => e.phase === phase).map((e) => e.mono / HOUR);
    expect(at('cleared')).toEqual([103]);
    // Out of band again from hour 106, so due at 112; held until 48 h after the first raise.
    expect(at('raised')).toEqual([80, 128]);
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
    expect(second.warnings('raised').map((w) => [w.cause, w.floor, w.landing, w.direction])).toEqual([['doorCloseS', null, null, null]]);
  });

  it('a levelling baseline of one direction brought back after a restart raises for that direction, at no landing', () => {
    const store = new MemoryBaselineStore();
    levelling(new Lift(store), 3 * 24, still, still).health.persist();
    const second = levelling(new Lift(store, 0), 10 * 24, (d) => -sinking(d), still);
    expect(second.warnings('raised').map((w) => [w.cause, w.floor, w.landing, w.direction])).toEqual([['levelingMm@*/up', null, null, 'up']]);
  });

  it('a technician reset clears the warning, forgets the baseline and learns it again; the reset is recorded', () => {
    const lift = new Lift().run(3 * 24, healthy).run(10 * 24, (f, d) => healthy(f, d) + (f === 4 ? Math.max(0, d - 4) * 0.2 : 0));
    const raised = lift.events.find((e) => e.phase === 'raised')!;
    const events = lift.health.reset({ indicator: 'doorCloseS', floor: 4 }, 'platform');
    expect(events.map((e) => `${e.phase}/${e.severity}`)).toEqual(['cleared/warning', 'instant/info']);
    // The figures at the reset, absolute like the raise's: the baseline learned, the slow door now.
    const cleared = events[0]!.data!;
    expect(cleared).toMatchObject({ cause: 'doorCloseS@4', floor: 4, landing: '2', reason: 'baseline-reset', baseline: raised.data!.baseline, band: raised.data!.band });
    expect(cleared.now as number).toBeGreaterThan(raised.data!.now as number);
    // Raised for as long as the lift was watched since (health time runs with the hourly samples here).
    expect(cleared.durationS).toBe((lift.now - raised.mono) / 1000);
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
    const both = levelling(levelling(new Lift(), 3 * 24, still, still), 10 * 24, sinking, sinking);
    const raised = both.warnings('raised');
    expect(raised.map((w) => w.cause).sort()).toEqual(['levelingMm@*/down', 'levelingMm@*/up']);
    expect(raised.map((w) => [w.direction, w.drift, w.floor, w.landing]).sort()).toEqual([
      ['down', 'low', null, null],
      ['up', 'low', null, null],
    ]);
    // Each direction's hint knows the other is low too, raised already or only out of its band.
    for (const w of raised) expect(hintEn(w)).toContain('the car stops low both ways: check the ropes for stretch');
    // Figures in millimetres: learned at 0 to 1 (landings alternate), now well below.
    for (const w of raised) expect([(w.baseline as number) >= 0, (w.baseline as number) <= 1, (w.now as number) < -3]).toEqual([true, true, true]);
    const raisedAt = new Map(both.events.filter((e) => e.phase === 'raised').map((e) => [e.data!.cause, e.mono]));
    levelling(both, 10 * 24, still, still);
    const cleared = both.events.filter((e) => e.phase === 'cleared');
    // Cleared back in band, each after as long as it was raised (health time runs with the hourly samples here).
    expect(cleared.map((e) => [e.data!.cause, e.data!.reason, e.data!.durationS]).sort()).toEqual(
      cleared.map((e) => [e.data!.cause, 'back-in-band', (e.mono - raisedAt.get(e.data!.cause)!) / 1000]).sort(),
    );
    expect(cleared.map((e) => e.data!.cause).sort()).toEqual(['levelingMm@*/down', 'levelingMm@*/up']);

    const up = levelling(levelling(new Lift(), 3 * 24, still, still), 10 * 24, (d) => -sinking(d), still);
    expect(up.warnings('raised').map((w) => [w.cause, hintEn(w).split(': ').at(-1)])).toEqual([['levelingMm@*/up', 'check the brake (overshoot) and the levelling adjustment']]);
    const down = levelling(levelling(new Lift(), 3 * 24, still, still), 10 * 24, still, sinking);
    expect(down.warnings('raised').map((w) => [w.cause, hintEn(w).split(': ').at(-1)])).toEqual([
      ['levelingMm@*/down', 'check the brake (overshoot), the ropes for stretch and the levelling adjustment'],
    ]);
  });

  it("the day's summary: per-landing histograms of door times and counts, then a new window", () => {
    const lift = new Lift();
    lift.health.level('doorCloseS', { floor: 5, direction: null }, 3.2);
    lift.health.level('doorCloseS', { floor: 5, direction: null }, 4.1);
    lift.health.level('levelingMm', { floor: 0, direction: 'down' }, -4);
    lift.health.count('doorReopens', null, 2);
    const s = lift.health.takeSummary();
    expect(s.histograms.doorCloseS.byFloor).toEqual({ '3': [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0] });
    expect(s.histograms.levelingMm.byFloor).toEqual({ B2: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] }); // [-6, -3)
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
