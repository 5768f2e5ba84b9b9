import { describe, expect, it } from 'vitest';
import { defaultThresholds, thresholdsSchema } from '../../src/config/thresholds.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import { transition } from '../../src/detect/rules/context.js';
import type { DetectedEvent, Rule } from '../../src/detect/types.js';
import { encodeBlackbox } from '../../src/runtime/blackbox-json.js';
import { BlackboxLinks } from '../../src/runtime/payload.js';
import { ALL_SIGNALS, BETWEEN_FLOORS, FLOORS_MM, RATED_MPS, Scenario, WITH_PASSENGER } from './scenario.js';

function engine(thresholds = defaultThresholds) {
  return new DetectionEngine({
    elevatorId: 'lift-1',
    thresholds,
    ratedSpeedMps: RATED_MPS,
    floorLevelsMm: FLOORS_MM,
    available: new Set(ALL_SIGNALS),
  });
}

/** A car that stops between floors with a passenger: stopped-outside-zone at 5 s, trapped at 30 s. */
function stallBetweenFloors(e: DetectionEngine) {
  const sc = new Scenario<DetectedEvent>(e, { speedMps: 1.0, doorZone: false, positionMm: 7500 });
  sc.run(10_000);
  sc.set({ ...WITH_PASSENGER, ...BETWEEN_FLOORS, speedMps: 0 });
  return sc;
}

describe('black box after a raised fault', () => {
  it('given a raised fault, then it is emitted at once, and 5 s later a blackbox follow-up carries the snapshots after it', () => {
    const sc = stallBetweenFloors(engine());
    const atRaise = sc.run(5_100);
    const raised = atRaise.find((e) => e.type === 'stopped-outside-zone')!;
    expect(raised).toMatchObject({ phase: 'raised', mono: 15_000 });
    expect(raised.blackbox!.at(-1)!.mono).toBe(15_000);
    expect(atRaise.filter((e) => e.type === 'blackbox')).toEqual([]);

    const later = sc.run(5_000);
    const follow = later.filter((e) => e.type === 'blackbox');
    expect(follow).toHaveLength(1);
    expect(follow[0]).toMatchObject({
      phase: 'instant',
      severity: raised.severity,
      mono: 15_000,
      elevatorId: 'lift-1',
      blackboxFor: { type: 'stopped-outside-zone', mono: 15_000 },
      data: { for: 'stopped-outside-zone', part: 'after', spanMs: 5_000, complete: true },
    });
    expect(follow[0]!.blackbox!.map((s) => s.mono - 15_000)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
    // emitted in the step at raise + 5 s, not before
    expect(sc.now).toBe(20_100);
  });

  it('each raised fault gets its own follow-up; cleared and instant events get none', () => {
    const sc = stallBetweenFloors(engine());
    sc.run(40_000);
    sc.set({ door: 'open', doorLockCircuit: false }).run(10_000);
    const follows = sc.events.filter((e) => e.type === 'blackbox').map((e) => e.blackboxFor);
    expect(follows).toEqual([
      { type: 'stopped-outside-zone', mono: 15_000 },
      { type: 'trapped', mono: 40_000 },
    ]);
  });

  it('the window is configurable under rules.blackbox, and afterS 0 sends no follow-up', () => {
    const short = stallBetweenFloors(engine(thresholdsSchema().parse({ blackbox: { beforeS: 2, afterS: 1, sampleEveryMs: 200 } })));
    short.run(7_000);
    const raised = short.events.find((e) => e.type === 'stopped-outside-zone')!;
    expect(raised.blackbox!.map((s) => s.mono)).toEqual([13_000, 13_200, 13_400, 13_600, 13_800, 14_000, 14_200, 14_400, 14_600, 14_800, 15_000]);
    const follow = short.events.find((e) => e.type === 'blackbox')!;
    expect(follow.blackbox!.map((s) => s.mono)).toEqual([15_200, 15_400, 15_600, 15_800, 16_000]);

    const none = stallBetweenFloors(engine(thresholdsSchema().parse({ blackbox: { afterS: 0 } })));
    none.run(60_000);
    expect(none.events.map((e) => `${e.type} ${e.phase}`)).toEqual(['stopped-outside-zone raised', 'trapped raised']);
  });

  it('flush() sends the after-parts still recording, marked incomplete (clean shutdown)', () => {
    const e = engine();
    const sc = stallBetweenFloors(e);
    sc.run(7_000);
    const flushed = e.flush();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.data).toMatchObject({ for: 'stopped-outside-zone', complete: false, spanMs: 1_500 });
    expect(e.flush()).toEqual([]);
  });
});

describe('black box after a flapping input', () => {
  /** A rule that raises on every sample and clears on the next, like an input chattering at 5 Hz. */
  const flapping = (): Rule => {
    let active = false;
    return {
      type: 'alarm-pressed',
      severity: 'warning',
      needs: [],
      get active() {
        return active;
      },
      step: (_s, now) => {
        active = !active;
        return [transition('alarm-pressed', 'warning', active ? 'raised' : 'cleared', now)];
      },
    };
  };

  it('keeps at most 32 after-parts waiting: the 33rd raise sends the oldest early, marked incomplete', () => {
    const e = new DetectionEngine({
      elevatorId: 'lift-1',
      thresholds: defaultThresholds,
      ratedSpeedMps: RATED_MPS,
      floorLevelsMm: FLOORS_MM,
      available: new Set(ALL_SIGNALS),
      rules: () => [flapping()],
      blackbox: { afterMs: 10_000 },
    });
    const sc = new Scenario<DetectedEvent>(e);
    sc.run(6_400); // raises at 0, 200 … 6200: 32 waiting
    expect(sc.events.filter((ev) => ev.type === 'blackbox')).toEqual([]);
    const next = sc.run(200); // the 33rd raise, at 6400
    const early = next.filter((ev) => ev.type === 'blackbox');
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ mono: 0, blackboxFor: { type: 'alarm-pressed', mono: 0 }, data: { complete: false } });
  });
});

describe('encodeBlackbox', () => {
  it('encodes column-wise relative to the raise, with only the signals present, bad readings as null', () => {
    const sc = stallBetweenFloors(engine());
    sc.run(11_000);
    const follow = sc.events.find((e) => e.type === 'blackbox')!;
    const box = encodeBlackbox(follow.blackbox!, follow.mono);
    expect(box.columns[0]).toBe('dtMs');
    expect(box.columns).toContain('controllerFloor');
    expect(box.columns).not.toContain('direction');
    expect(box.rows[0]![0]).toBe(500);
    const snap = follow.blackbox![0]!;
    const bad = encodeBlackbox([{ ...snap, signals: { ...snap.signals, speedMps: { value: 9, quality: 'bad', at: 0 } } }], follow.mono);
    expect(bad.rows[0]![bad.columns.indexOf('speedMps')]).toBeNull();
    expect(encodeBlackbox([{ elevatorId: 'x', mono: 5, signals: { door: { value: 'open', quality: 'good', at: 5 } } }], 0)).toEqual({
      columns: ['dtMs', 'door'],
      rows: [[5, 'open']],
    });
  });
});

describe('BlackboxLinks', () => {
  it('gives a follow-up the id of the raised event it completes, once', () => {
    const links = new BlackboxLinks(2);
    links.remember({ elevatorId: 'E1', type: 'trapped', phase: 'raised', mono: 40_000 }, 'ID-T');
    links.remember({ elevatorId: 'E1', type: 'trapped', phase: 'cleared', mono: 50_000 }, 'ID-C');
    const follow = { elevatorId: 'E1', blackboxFor: { type: 'trapped' as const, mono: 40_000 } };
    expect(links.forId(follow)).toBe('ID-T');
    expect(links.forId(follow)).toBeUndefined();
    expect(links.forId({ elevatorId: 'E1' })).toBeUndefined();
    for (let i = 0; i < 3; i++) links.remember({ elevatorId: 'E1', type: 'overspeed', phase: 'raised', mono: i }, `O${i}`);
    expect(links.forId({ elevatorId: 'E1', blackboxFor: { type: 'overspeed', mono: 0 } })).toBeUndefined();
    expect(links.forId({ elevatorId: 'E1', blackboxFor: { type: 'overspeed', mono: 2 } })).toBe('O2');
  });
});
