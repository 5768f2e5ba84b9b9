import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { payloadSchemas } from '../../src/contract/payloads.js';
import { StatsCollector } from '../../src/detect/stats.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import type { SignalName } from '../../src/signals/types.js';
import { ALL_SIGNALS, PARKED, Scenario, type Values } from './scenario.js';

const { statsFiguresSchema } = payloadSchemas();

const LABELS = ['B1', '1', '2', '3', '4', '5'];

/** Feeds the collector as the runtime would: every snapshot observed, the engine's events counted. */
function collector(available: readonly SignalName[] = ALL_SIGNALS) {
  const stats = new StatsCollector({ thresholds: defaultThresholds, available: new Set(available), floorLabels: LABELS });
  const sc = new Scenario<never>({
    step(s, now) {
      stats.observe(s, now);
      return [];
    },
  });
  return { stats, sc };
}

/** A trip of `metres` at 1 m/s from the current landing, then a 10 s stop with a door cycle at `floor`. */
function trip(sc: Scenario<never>, from: Values, metres: number, floor: number) {
  const start = from.positionMm ?? 0;
  const dir = metres >= 0 ? 1 : -1;
  for (let mm = 0; mm < Math.abs(metres) * 1000; mm += 100) {
    sc.set({ speedMps: dir, doorZone: false, positionMm: start + dir * (mm + 100) }).run(100);
  }
  sc.set({ speedMps: 0, doorZone: true, floor }).run(2_000);
  sc.set({ door: 'opening' }).run(1_000);
  sc.set({ door: 'open' }).run(3_000);
  sc.set({ door: 'closing' }).run(2_000);
  sc.set({ door: 'closed' }).run(2_000);
}

describe('StatsCollector', () => {
  it('given two trips with door cycles, then trips, running time, distance, door cycles and stops per floor add up', () => {
    const { stats, sc } = collector();
    sc.run(10_000);
    trip(sc, PARKED, 6, 4); // floor 2 → 4
    trip(sc, { positionMm: 12_000 }, -9, 1); // floor 4 → 1
    const r = stats.rollup('hour', sc.now);
    expect(r).toMatchObject({
      period: 'hour',
      fromMono: 0,
      toMono: sc.now,
      trips: 2,
      runningS: 15,
      travelM: 15,
      doorCycles: 2,
      stopsByFloor: { '4': 1, '1': 1 },
      stopsOutsideZone: 0,
      faults: {},
      inspectionS: 0,
      availability: 1,
    });
    expect(r.observedS).toBe(sc.now / 1000);
    expect(statsFiguresSchema.parse(r)).toBeTruthy();
  });

  it('the hour window restarts at each roll-up while the day goes on', () => {
    const { stats, sc } = collector();
    sc.run(1_000);
    trip(sc, PARKED, 3, 3);
    const h1 = stats.rollup('hour', sc.now);
    trip(sc, { positionMm: 9000 }, 3, 4);
    const h2 = stats.rollup('hour', sc.now);
    const day = stats.rollup('day', sc.now);
    expect([h1.trips, h2.trips, day.trips]).toEqual([1, 1, 2]);
    expect(h2.fromMono).toBe(h1.toMono);
    expect(day.fromMono).toBe(0);
    expect(h1.observedS + h2.observedS).toBeCloseTo(day.observedS, 5);
  });

  it('availability counts time with a critical/fault-severity fault raised or without mains', () => {
    const { stats, sc } = collector();
    const count = (e: Pick<DetectedEvent, 'type' | 'phase' | 'severity'>) => stats.countEvent(e);
    sc.run(60_000);
    count({ type: 'trapped', phase: 'raised', severity: 'critical' });
    count({ type: 'blackbox', phase: 'instant', severity: 'critical' });
    sc.run(30_000);
    count({ type: 'trapped', phase: 'cleared', severity: 'critical' });
    count({ type: 'door-open-too-long', phase: 'raised', severity: 'warning' }); // a warning: still available
    sc.run(60_000);
    sc.set({ mainsPower: false }).run(30_000);
    sc.set({ mainsPower: true }).run(20_000);
    const r = stats.rollup('day', sc.now);
    expect(r).toMatchObject({ observedS: 200, unavailableS: 60, mainsOffS: 30, availability: 0.7 });
    expect(r.faults).toEqual({ trapped: 1, 'door-open-too-long': 1 });
  });

  it('counts inspection time and maintenance sessions; a re-levelling with the door open is no trip', () => {
    const { stats, sc } = collector();
    stats.countEvent({ type: 'maintenance-session', phase: 'raised', severity: 'info' });
    sc.set({ inspection: true }).run(120_000);
    sc.set({ inspection: false, door: 'open' }).run(1_000);
    sc.set({ speedMps: 0.1, positionMm: 6010 }).run(1_500);
    sc.set({ speedMps: 0 }).run(2_000);
    const r = stats.rollup('hour', sc.now);
    expect(r).toMatchObject({ inspectionS: 120, maintenanceSessions: 1, trips: 0, faults: {} });
  });

  it('leaves out gaps in the samples, and reports null for figures the board cannot give', () => {
    const { stats, sc } = collector(['door', 'mainsPower']);
    sc.run(10_000);
    sc.clock.advance(3_600_000); // the gateway was down
    sc.run(10_000);
    const r = stats.rollup('hour', sc.now);
    expect(r.observedS).toBe(19.9);
    expect(r).toMatchObject({ trips: null, runningS: null, travelM: null, stopsByFloor: null, inspectionS: null, doorCycles: 0, mainsOffS: 0 });
  });

  it('a window with no samples has no availability', () => {
    const { stats } = collector();
    expect(stats.rollup('hour', 5_000)).toMatchObject({ fromMono: 5_000, toMono: 5_000, observedS: 0, availability: null });
  });
});
