import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import { FloorPositionLostRule } from '../../src/detect/rules/floor-position-lost.js';
import { PositionJumpDetector } from '../../src/detect/rules/position-jump.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { ALL_SIGNALS, FLOORS_MM, PARKED, phases, RATED_MPS, ruleContext, Scenario, signals } from './scenario.js';

describe('floor-position-lost (楼层位置丢失)', () => {
  const rule = (available = ALL_SIGNALS) => new FloorPositionLostRule(ruleContext({}, available));

  it('given the controller reporting another floor than the position for 5 s at a landing, then it is raised; cleared when they agree', () => {
    const sc = new Scenario(rule());
    sc.run(1_000);
    sc.set({ controllerFloor: 3 }).run(7_000);
    sc.set({ controllerFloor: 2 }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@6000', 'cleared@9000']);
    expect(sc.events[0]!.data).toMatchObject({ kind: 'mismatch', floor: 2, controllerFloor: 3 });
  });

  it('given the position jumping by a floor at a standstill, then it is raised once the new position holds 500 ms', () => {
    const sc = new Scenario(rule(ALL_SIGNALS.filter((s) => s !== 'controllerFloor')));
    sc.run(1_000);
    // Lost count: the encoder now says the car is 1.2 m lower, between floors, out of the zone sensors' reach.
    sc.set({ positionMm: 4800, floor: 2, levelingErrorMm: -1200 }).run(3_000);
    expect(phases(sc.events)).toEqual(['raised@1500']);
    expect(sc.events[0]!.data).toMatchObject({ kind: 'jump', fromMm: 6000, toMm: 4800, jumpMm: -1200 });
    // Re-referenced at a landing (itself a step, confirmed after 500 ms): position, zone sensors
    // and floor agree again, for the clear hold.
    sc.set({ positionMm: 6000, levelingErrorMm: 0 }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@1500', 'cleared@5500']);
  });

  it('near miss: a car at full speed, a one-sample misread and a floor mismatch while moving raise nothing', () => {
    const sc = new Scenario(rule());
    for (let i = 0; i < 100; i++) sc.set({ positionMm: 6000 + i * 175, speedMps: 1.75, doorZone: false }).run(100);
    sc.glitch({ positionMm: 0 });
    sc.set({ controllerFloor: 5 }).run(10_000);
    expect(sc.events).toEqual([]);
  });

  it('needs only the position; the floor comparison joins when the board has a controller floor', () => {
    expect(rule(['positionMm']).needs).toEqual(['positionMm']);
    const sc = new Scenario(rule(['positionMm']), { positionMm: 6000 });
    sc.set({ controllerFloor: 4 }).run(10_000);
    expect(sc.events).toEqual([]);
  });
});

describe('floor-position-lost: when the evidence counts', () => {
  const rule = () => new FloorPositionLostRule(ruleContext());

  it('compares floors only standing in a door zone: not re-levelling through it, not stopped between floors', () => {
    const relevelling = new Scenario(rule(), { speedMps: 0.2, controllerFloor: 3 });
    relevelling.run(10_000);
    const between = new Scenario(rule(), { positionMm: 7500, levelingErrorMm: 1500, doorZone: false, controllerFloor: 3 });
    between.run(10_000);
    expect([relevelling.events, between.events]).toEqual([[], []]);
  });

  it('a controller floor, or a position, that reads badly is no evidence of a lost position', () => {
    const floor = new Scenario(rule(), { controllerFloor: 4 });
    floor.run(10_000, ['controllerFloor']);
    const position = new Scenario(rule());
    position.run(1_000);
    position.set({ positionMm: 0 }).run(3_000, ['positionMm']); // a dead encoder reads 0, flagged bad
    expect([floor.events, position.events]).toEqual([[], []]);
  });

  it('a floor that reads badly against a good controller floor is no mismatch; a sample without a position raises nothing', () => {
    const sc = new Scenario(rule(), { controllerFloor: 3 });
    sc.run(10_000, ['floor']);
    const { positionMm: _, ...noPosition } = PARKED;
    expect([sc.events, rule().step(signals(noPosition, 0), 0)]).toEqual([[], []]);
  });

  it('a car running at 140 % of its rated speed is overspeeding, not jumping', () => {
    const sc = new Scenario(rule(), { speedMps: 2.45, doorZone: false });
    for (let i = 1; i <= 30; i++) sc.set({ positionMm: 6000 + i * 245 }).run(100);
    expect(sc.events).toEqual([]);
  });

  it('reports where the car was, and one episode whichever evidence comes next', () => {
    const sc = new Scenario(rule());
    sc.set({ controllerFloor: 3 }).run(5_100);
    sc.set({ positionMm: 4800, levelingErrorMm: -1200 }).run(2_000); // and now the position jumps
    sc.set({ positionMm: 6000, levelingErrorMm: 0, controllerFloor: 2 }).run(2_000);
    expect(sc.events.map((e) => [e.phase, e.data])).toEqual([
      ['raised', { kind: 'mismatch', controllerFloor: 3, floor: 2, positionMm: 6000 }],
      ['cleared', { kind: 'mismatch' }],
    ]);
  });

  it('after a jump, standing within 200 mm of a landing is consistent again', () => {
    const sc = new Scenario(rule(), { controllerFloor: 2 });
    sc.run(1_000);
    sc.set({ positionMm: 4800, levelingErrorMm: -1200 }).run(1_000);
    sc.set({ positionMm: 6200, levelingErrorMm: 200 }).run(2_000);
    expect(phases(sc.events)).toEqual(['raised@1500', 'cleared@3500']);
  });
});

describe('PositionJumpDetector', () => {
  it('allows rated × factor × Δt + margin, refuses more', () => {
    const d = new PositionJumpDetector(2.625, 100, 0);
    expect(d.step(0, 0, 0)).toBeUndefined();
    expect(d.step(362.5, 100, 100)).toBeUndefined(); // 262.5 + 100 mm allowed in 100 ms, exactly
    expect(d.step(800, 200, 200)).toEqual({ fromMm: 362.5, toMm: 800, since: 200 });
  });

  it('a jumped-to position moving at the edge of plausible is followed, and confirmed from its first reading', () => {
    const d = new PositionJumpDetector(2.625, 100, 500);
    d.step(0, 0, 0);
    // 3 m away, then 362 mm further each 100 ms: each step reachable from the one before, the
    // fifth no longer from the first (1,810 mm > 2.625 × 500 + 100).
    const out = [3000, 3362, 3724, 4086, 4448, 4810].map((mm, i) => d.step(mm, 100 + i * 100, 100 + i * 100));
    expect(out).toEqual([undefined, undefined, undefined, undefined, undefined, { fromMm: 0, toMm: 4810, since: 100 }]);
  });

  it('readAgain moves the trusted reading later only, and not while a jump is pending', () => {
    const back = new PositionJumpDetector(2.625, 100, 0);
    back.step(0, 100, 100);
    back.readAgain(50); // an older read: the reach still runs from 100
    expect(back.step(400, 200, 200)).toEqual({ fromMm: 0, toMm: 400, since: 200 });

    const pending = new PositionJumpDetector(2.625, 100, 500);
    pending.step(0, 0, 0);
    pending.step(3000, 100, 100); // a misread, pending
    pending.readAgain(150); // the trusted 0 was not read at 150: the misread was
    // Back near 0 at 200: within the trusted reading's reach from 0 (625 mm), so the misread is dropped.
    expect([pending.step(260, 200, 200), pending.pending]).toEqual([undefined, false]);
  });

  it('follows a jumped position that keeps moving plausibly, and confirms it after the hold', () => {
    const d = new PositionJumpDetector(2.625, 100, 300);
    d.step(0, 0, 0);
    expect(d.step(3000, 100, 100)).toBeUndefined();
    expect(d.pending).toBe(true);
    expect(d.step(3100, 200, 200)).toBeUndefined();
    expect(d.step(3200, 400, 400)).toEqual({ fromMm: 0, toMm: 3200, since: 100 });
    expect(d.pending).toBe(false);
  });
});

describe('floor-position-lost in the engine', () => {
  /** The engine with this rule alone, counting the steps it runs. */
  function engine(available = ALL_SIGNALS) {
    const ran = { steps: 0 };
    const e = new DetectionEngine({
      elevatorId: 'E1',
      thresholds: defaultThresholds,
      ratedSpeedMps: RATED_MPS,
      floorLevelsMm: FLOORS_MM,
      available: new Set(available),
      rules: (ctx) => {
        const rule = new FloorPositionLostRule(ctx);
        const step = rule.step.bind(rule);
        rule.step = (s, now) => {
          ran.steps++;
          return step(s, now);
        };
        return [rule];
      },
    });
    return { e, ran };
  }

  it('sleeps while the car stands, and still catches a jump after a minute of standing', () => {
    const { e, ran } = engine(ALL_SIGNALS.filter((s) => s !== 'controllerFloor'));
    const sc = new Scenario(e);
    sc.run(60_000);
    // 600 polls of a parked car: it ran on the first and went to sleep.
    expect(ran.steps).toBeLessThanOrEqual(2);
    // The reach of the trusted position is measured from the last poll that read it, not from
    // the step before the rule went to sleep (a minute at 2.6 m/s would swallow any jump).
    sc.set({ positionMm: 4800, floor: 2, levelingErrorMm: -1200 }).run(3_000);
    expect(phases(sc.events.filter((x) => x.type === 'floor-position-lost'))).toEqual(['raised@60500']);
  });

  it('wakes for a jump of the position alone, and for a levelling reading alone that makes it consistent again', () => {
    const lost = (sc: Scenario<DetectedEvent>) => phases(sc.events.filter((x) => x.type === 'floor-position-lost'));
    // The encoder slips after a minute parked: the position jumps alone, the floor and the
    // levelling sensor keep their readings (consistent: cleared after the clear hold).
    const alone = new Scenario(engine(ALL_SIGNALS.filter((s) => s !== 'controllerFloor')).e);
    alone.run(60_000);
    alone.set({ positionMm: 4800 }).run(3_000);
    expect(lost(alone)).toEqual(['raised@60500', 'cleared@61600']);
    // A board whose levelling error is its own sensor's: a minute after a jump it reads level
    // again, the position staying where it jumped to.
    const level = new Scenario(engine(ALL_SIGNALS.filter((s) => s !== 'controllerFloor')).e);
    level.run(1_000);
    level.set({ positionMm: 4800, levelingErrorMm: -1200 }).run(60_000);
    level.set({ levelingErrorMm: 150 }).run(2_000);
    expect(lost(level)).toEqual(['raised@1500', 'cleared@62000']);
  });

  it('runs on every poll while the car moves', () => {
    const { e, ran } = engine();
    const sc = new Scenario(e);
    for (let i = 0; i < 50; i++) sc.set({ positionMm: 6000 + i * 100, speedMps: 1, doorZone: false }).run(100);
    expect(ran.steps).toBe(50);
  });
});
