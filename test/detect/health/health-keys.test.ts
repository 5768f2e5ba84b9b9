import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../../src/config/thresholds.js';
import { newKeyState } from '../../../src/detect/health/baseline.js';
import { MemoryBaselineStore } from '../../../src/detect/health/baseline-store.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import { ALL_SIGNALS, FLOORS_MM } from '../scenario.js';

/**
 * ElevatorHealth's bookkeeping around the baselines: the places of keys brought back from the
 * store after a restart (a reset by landing or indicator finds them), the wear counters and the
 * day's counts, and health time.
 */
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: ['B1', '1', '2', '3', '4', '5'][i]!, levelMm }));
const HOUR = 3_600_000;

function health(store = new MemoryBaselineStore()): ElevatorHealth {
  return new ElevatorHealth({ elevatorId: 'E1', thresholds: defaultThresholds, ratedSpeedMps: 1.75, floors: FLOORS, available: new Set(ALL_SIGNALS), store });
}

/** Door times at every landing and levelling at landings 1 and 3 in both directions: lift-wide and per-place keys. */
function fed(h: ElevatorHealth): ElevatorHealth {
  h.observe({}, 0);
  for (let i = 0; i < 8; i++) {
    for (let f = 0; f < FLOORS.length; f++) h.level('doorCloseS', { floor: f, direction: null }, 3 + f * 0.1);
    for (const floor of [1, 3]) for (const direction of ['up', 'down'] as const) h.level('levelingMm', { floor, direction }, direction === 'up' ? 2 : -2);
  }
  return h;
}

const causes = (h: ElevatorHealth) =>
  h
    .baselines()
    .map((b) => b.cause)
    .sort();
const atLanding = (floor: number) => (cause: string) => new RegExp(`@${floor}(/|$)`).test(cause);

describe('ElevatorHealth keys across a restart', () => {
  it('keys come back with their places: a reset by landing, then by indicator, finds exactly theirs', () => {
    const store = new MemoryBaselineStore();
    const first = fed(health(store));
    first.persist();
    const before = causes(first);
    expect(before.filter(atLanding(3)).length).toBeGreaterThan(1);
    expect(before.some((c) => c.includes('/up'))).toBe(true);

    const again = health(store);
    expect(causes(again)).toEqual(before);
    const byLanding = again.reset({ floor: 3 }, 'test');
    expect(byLanding.at(-1)!.data).toMatchObject({ floor: 3, keys: before.filter(atLanding(3)).length });
    expect(causes(again)).toEqual(before.filter((c) => !atLanding(3)(c)));
    again.reset({ indicator: 'levelingMm' }, 'test');
    expect(causes(again)).toEqual(before.filter((c) => !atLanding(3)(c) && !c.startsWith('levelingMm')));
  });

  it('a stored key this build does not know is left out, not guessed at; a two-digit landing is known', () => {
    const store = new MemoryBaselineStore();
    const first = fed(health(store));
    first.persist();
    const before = causes(first);
    const meta = { healthMs: 0, counters: { trips: 0, doorCycles: 0, runningMs: 0 }, blocks: {} };
    const stored = ['cabinTempC@2', 'doorCloseS@x', 'doorCloseS@2/sideways', 'levelingMm@3/up/extra', 'old.doorCloseS@2', 'doorCloseS@12'];
    store.save('E1', meta, new Map(stored.map((k) => [k, newKeyState(0)])));
    const again = health(store);
    expect(causes(again)).toEqual([...before, 'doorCloseS@12'].sort());
    expect(again.reset({ floor: 12 }, 'test').at(-1)!.data).toMatchObject({ keys: 1 });
  });
});

describe('ElevatorHealth counters and time', () => {
  it("wear counters and the day's counts add up what the watchers tally", () => {
    const h = health();
    h.tally('trip');
    h.tally('trip', 2);
    h.tally('doorCycle', 5);
    h.tally('runningMs', 1_500);
    h.tally('nearMiss');
    h.tally('reconnect', 2);
    expect(h.wear).toEqual({ trips: 3, doorCycles: 5, runningMs: 1_500 });
    expect(h.takeSummary().counts).toMatchObject({ trips: 3, doorCycles: 5, overspeedNearMisses: 1, reconnects: 2 });
  });

  it('health time adds the time between samples: an hour at most for a gap, nothing for a sample stamped earlier', () => {
    const h = health();
    h.observe({}, 1_000);
    h.observe({}, 61_000);
    h.observe({}, 30_000);
    expect(h.healthMs).toBe(60_000);
    h.observe({}, 61_000 + 5 * HOUR);
    expect(h.healthMs).toBe(60_000 + HOUR);
  });
});

describe('ElevatorHealth values', () => {
  it('a landing is kept relative to the lift from the lift’s fifth value on; a baseline reads its median while learning', () => {
    const h = health();
    h.observe({}, 0);
    for (let i = 0; i < 4; i++) h.level('doorCloseS', { floor: 0, direction: null }, 3);
    expect(causes(h)).toEqual(['doorCloseS']);
    h.level('doorCloseS', { floor: 0, direction: null }, 3);
    expect(causes(h)).toEqual(['doorCloseS', 'doorCloseS@0']);
    for (let i = 5; i < 14; i++) h.level('doorCloseS', { floor: 0, direction: null }, 3);
    h.level('doorCloseS', { floor: 0, direction: null }, 10); // one door held by a passenger: the median does not move
    expect(h.baselines()).toEqual([
      { cause: 'doorCloseS', phase: 'learning', baseline: null, now: 3, raised: false },
      // 11 values so far: "now" needs the last 15.
      { cause: 'doorCloseS@0', phase: 'learning', baseline: null, now: null, raised: false },
    ]);
  });

  it('a board without a door signal: door indicators are neither learned nor counted, whatever a watcher reports', () => {
    const h = new ElevatorHealth({
      elevatorId: 'E1',
      thresholds: defaultThresholds,
      ratedSpeedMps: 1.75,
      floors: FLOORS,
      available: new Set(ALL_SIGNALS.filter((n) => n !== 'door')),
    });
    h.observe({}, 0);
    for (let i = 0; i < 20; i++) h.level('doorCloseS', { floor: 1, direction: null }, 3);
    h.count('failedCloses', 1, 2);
    for (let i = 0; i < 6; i++) h.expose('closings', 50);
    h.expose('hours', 6);
    expect(causes(h)).toEqual(['sensorDrops']);
    const s = h.takeSummary();
    expect([s.counts.failedClosings, s.histograms.doorCloseS.byFloor]).toEqual([0, {}]);
  });
});
