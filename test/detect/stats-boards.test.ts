import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/config/thresholds.js';
import type { StatsRecord } from '../../src/detect/stats.js';
import { StatsCollector } from '../../src/detect/stats.js';
import type { SignalName } from '../../src/signals/types.js';
import { ALL_SIGNALS, PARKED, signals, type Values } from './scenario.js';

/**
 * The statistics of boards that give fewer signals, and of the samples and events at the edges:
 * what the platform's figures say for a lift is what these pin. Each snapshot holds only the
 * signals the board gives, as the normalizer hands them on.
 */
function board(available: readonly SignalName[] = ALL_SIGNALS, floorLabels?: readonly string[]) {
  const stats = new StatsCollector({ thresholds: defaultThresholds, available: new Set(available), floorLabels });
  const only = (v: Values) => Object.fromEntries(Object.entries(v).filter(([k]) => available.includes(k as SignalName))) as Values;
  let now = 0;
  let state: Values = { ...PARKED };
  const b = {
    stats,
    /** Samples `values` (over the last state) every 100 ms for `ms`; `bad` read with quality bad. */
    run(values: Values, ms: number, bad: readonly SignalName[] = []) {
      state = { ...state, ...values };
      for (const end = now + ms; now < end; now += 100) stats.observe(signals(only(state), now, bad), now);
      return b;
    },
    /** A trip of 5 s at `speedMps` from floor 2, 100 mm a sample, ending at `end`. */
    trip(end: Values = {}, speedMps = 1) {
      b.run({}, 2_000);
      const dir = Math.sign(speedMps);
      for (let i = 1; i <= 50; i++) b.run({ speedMps, doorZone: false, positionMm: 6_000 + dir * i * 100 }, 100);
      return b.run({ speedMps: 0, doorZone: true, ...end }, 3_000);
    },
    hour: (): StatsRecord => stats.rollup('hour', now),
  };
  return b;
}

const without = (...names: SignalName[]) => ALL_SIGNALS.filter((n) => !names.includes(n));

describe('StatsCollector on boards with fewer signals', () => {
  it('a board without a door signal still counts its trips, and has no door cycles', () => {
    expect(board(without('door')).trip().hour()).toMatchObject({ trips: 1, runningS: 5, doorCycles: null });
  });

  it('a board with speed but no position counts travel as speed × time, either way', () => {
    expect(board(without('positionMm')).trip({}, -1).hour()).toMatchObject({ trips: 1, runningS: 5, travelM: 5 });
    expect(board(without('positionMm')).trip({}, 0.5).hour()).toMatchObject({ trips: 1, travelM: 2.5 });
  });

  it('a figure whose inputs the board lacks is null, not zero', () => {
    expect(board(without('floor', 'doorZone')).trip().hour()).toMatchObject({ trips: 1, stopsByFloor: null, stopsOutsideZone: null });
    expect(board(without('speedMps', 'positionMm')).run({}, 5_000).hour()).toMatchObject({
      trips: null,
      runningS: null,
      travelM: null,
      stopsByFloor: null,
      stopsOutsideZone: null,
      doorCycles: 0,
    });
  });
});

describe('StatsCollector at the edges', () => {
  it('a stop outside the door zone counts there, not under its floor', () => {
    const r = board().trip({ doorZone: false, floor: 3 }).hour();
    expect(r).toMatchObject({ trips: 1, stopsOutsideZone: 1 });
    expect(r.stopsByFloor).toEqual({});
  });

  it('a stop whose floor is unread counts under no floor; without labels a floor counts under its index', () => {
    expect(board(ALL_SIGNALS, ['B1', '1', '2', '3']).trip({ floor: 3 }, 1).hour().stopsByFloor).toEqual({ '3': 1 });
    expect(board().trip({ floor: 3 }).hour().stopsByFloor).toEqual({ '3': 1 });
    const b = board().run({}, 2_000);
    for (let i = 1; i <= 50; i++) b.run({ speedMps: 1, doorZone: false }, 100);
    const r = b.run({ speedMps: 0, doorZone: true }, 3_000, ['floor']).hour();
    expect(r).toMatchObject({ trips: 1, stopsOutsideZone: 0 });
    expect(r.stopsByFloor).toEqual({});
  });

  it('a closing reversed to open again is one door cycle, counted when the door is closed', () => {
    const b = board().run({ door: 'opening' }, 1_000).run({ door: 'open' }, 3_000).run({ door: 'closing' }, 500);
    b.run({ door: 'opening' }, 500).run({ door: 'open' }, 2_000).run({ door: 'closing' }, 2_000);
    expect(b.stats.peek('hour', 9_000).doorCycles).toBe(0);
    expect(b.run({ door: 'closed' }, 1_000).hour().doorCycles).toBe(1);
  });

  it('position noise at a standstill is no travel, bad reads between or not', () => {
    const b = board();
    for (let i = 0; i < 100; i++) b.run({ positionMm: 6_000 + (i % 2) * 4 }, 100);
    for (let i = 0; i < 200; i++) b.run({ positionMm: 6_000 + (i % 4 >= 2 ? 4 : 0) }, 100, i % 2 === 1 ? ['positionMm'] : []);
    expect(b.hour().travelM).toBe(0);
  });

  it('bad position reads in a trip lose no distance, even when the whole trip read bad', () => {
    const b = board().run({ positionMm: 6_000 }, 2_000);
    for (let i = 1; i <= 50; i++) b.run({ speedMps: 1, doorZone: false, positionMm: 6_000 + i * 100 }, 100, i >= 20 && i < 23 ? ['positionMm'] : []);
    expect(b.run({ speedMps: 0, doorZone: true }, 3_000).hour()).toMatchObject({ trips: 1, travelM: 5 });
    b.run({ positionMm: 11_000 }, 1_000);
    for (let i = 1; i <= 50; i++) b.run({ speedMps: -1, doorZone: false, positionMm: 11_000 - i * 100 }, 100, ['positionMm']);
    b.run({ speedMps: 0, doorZone: true }, 1_000, ['positionMm']);
    expect(b.run({}, 1_000).hour()).toMatchObject({ trips: 1, travelM: 5 });
  });

  it('a gap of exactly stats.maxGapMs still counts; a sample stamped before the last counts no time', () => {
    const stats = new StatsCollector({ thresholds: defaultThresholds, available: new Set(ALL_SIGNALS) });
    const s = (at: number) => signals(PARKED, at);
    stats.observe(s(0), 0);
    stats.observe(s(defaultThresholds.stats.maxGapMs), defaultThresholds.stats.maxGapMs);
    stats.observe(s(5_000), 5_000);
    expect(stats.peek('hour', 5_000).observedS).toBe(defaultThresholds.stats.maxGapMs / 1000);
    expect(stats.peek('hour', defaultThresholds.stats.maxGapMs + 2_000).observedS).toBe(defaultThresholds.stats.maxGapMs / 1000 + 2);
  });
});

describe('StatsCollector counting events', () => {
  it('only raised faults and warnings count; an info raise counts only as a maintenance session', () => {
    const { stats } = board().run({}, 1_000);
    stats.countEvent({ type: 'service-mode', phase: 'raised', severity: 'info' });
    stats.countEvent({ type: 'door-open-too-long', phase: 'raised', severity: 'warning' });
    stats.countEvent({ type: 'alarm-pressed', phase: 'instant', severity: 'critical' });
    stats.countEvent({ type: 'maintenance-session', phase: 'raised', severity: 'info' });
    expect(stats.peek('day', 1_000)).toMatchObject({ maintenanceSessions: 1 });
    expect(stats.peek('day', 1_000).faults).toEqual({ 'door-open-too-long': 1 });
  });

  it('a fault-severity fault makes the lift unavailable until it clears', () => {
    const b = board().run({}, 10_000);
    b.stats.countEvent({ type: 'stopped-outside-zone', phase: 'raised', severity: 'fault' });
    b.run({}, 20_000);
    b.stats.countEvent({ type: 'stopped-outside-zone', phase: 'cleared', severity: 'fault' });
    expect(b.run({}, 10_000).hour()).toMatchObject({ observedS: 40, unavailableS: 20, availability: 0.5 });
  });
});
