import { describe, expect, it } from 'vitest';
import { FloorPositionLostRule } from '../../src/detect/rules/floor-position-lost.js';
import { PositionJumpDetector } from '../../src/detect/rules/position-jump.js';
import type { Transition } from '../../src/detect/types.js';
import type { ElevatorSignals } from '../../src/signals/types.js';
import { ALL_SIGNALS, PARKED, phases, ruleContext, signals } from './scenario.js';

/**
 * A polled position was sampled between its request (`askedAt`) and its answer (`at`). A car
 * cruising at its rated speed whose one reading came back late must not look as if it jumped; a
 * position that steps further than any car could, even over the widest window, still does.
 */

const rule = () =>
  new FloorPositionLostRule(
    ruleContext(
      {},
      ALL_SIGNALS.filter((s) => s !== 'controllerFloor'),
    ),
  );

/** Cruising up at exactly rated speed (1.75 mm per ms) from 3000 mm. */
const cruising = (t: number) => 3000 + 1.75 * t;

/** The car's signals with its position read `mm`, asked for at `askedAt`, answered at `at`. */
function reading(mm: number, at: number, askedAt = at): ElevatorSignals {
  const s = signals({ ...PARKED, positionMm: mm, speedMps: 1.75, direction: 'up', doorZone: false, levelingErrorMm: 1000 }, at);
  s.positionMm = { ...s.positionMm!, askedAt };
  return s;
}

describe('floor-position-lost with a late answer', () => {
  it('one reading asked for at 1100, answered at 1250 (slot 1200 skipped), then polls on time: no jump', () => {
    const r = rule();
    const out: Transition[] = [];
    for (let t = 0; t <= 1000; t += 100) out.push(...r.step(reading(cruising(t), t), t));
    // The slave sampled at 1100; its answer came 150 ms later.
    out.push(...r.step(reading(cruising(1100), 1250, 1100), 1250));
    // The next poll, 100 ms on: the car travelled 437.5 mm since the sample; from the answer's
    // time it would have had 100 ms only (reach 362.5 mm).
    for (let t = 1350; t <= 3000; t += 100) out.push(...r.step(reading(cruising(t), t), t));
    expect(phases(out)).toEqual([]);
  });

  it('control: a true jump (a floor and a half in one poll) between late answers is raised 500 ms on', () => {
    const r = rule();
    const out: Transition[] = [];
    // Every answer 150 ms late, asked for every 250 ms.
    const late = (t: number, offsetMm = 0) => r.step(reading(cruising(t) + offsetMm, t + 150, t), t + 150);
    for (let t = 0; t <= 1000; t += 250) out.push(...late(t));
    for (let t = 1250; t <= 3000; t += 250) out.push(...late(t, -4500));
    expect(phases(out)).toEqual(['raised@1900']);
    // From the last reading before the jump to the reading that confirmed it (asked for at 1750).
    expect(out[0]!.data).toMatchObject({ kind: 'jump', fromMm: cruising(1000), toMm: Math.round(cruising(1750) - 4500) });
  });
});

describe('PositionJumpDetector reach', () => {
  const detector = () => new PositionJumpDetector(1.75 * 1.5, 100, 500);

  it('measures from the reference reading’s request to the new reading’s answer', () => {
    const d = detector();
    d.step(0, 300, 300, 100); // sampled somewhere in 100…300
    // By 400 the car can have had 300 ms: 2.625 × 300 + 100 = 887.5 mm.
    expect(d.step(880, 400, 400)).toBeUndefined();
    expect(d.pending).toBe(false);
  });

  it('a reading with no request time (a pushed one) counts from its own time, as before', () => {
    const d = detector();
    d.step(0, 300, 300);
    // 100 ms: 362.5 mm at most.
    d.step(880, 400, 400);
    expect(d.pending).toBe(true);
  });

  it('a step further than the widest window allows is still a jump', () => {
    const d = detector();
    d.step(0, 300, 300, 100);
    expect(d.step(900, 400, 400)).toBeUndefined();
    expect(d.pending).toBe(true);
    expect(d.step(905, 900, 900)).toEqual({ fromMm: 0, toMm: 905, since: 400 });
  });
});
