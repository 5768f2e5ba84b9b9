import { describe, expect, it } from 'vitest';
import { checkFloors, checkRules, checkSignals, checkSpeed, checkTexts } from '../../src/diag/commission/checks.js';
import { SessionRecorder } from '../../src/diag/commission/recorder.js';
import { overall } from '../../src/diag/commission/report.js';
import { stepTexts } from '../../src/diag/commission/step-texts.js';
import { watcherFor } from '../../src/diag/commission/steps.js';
import type { CommissioningStep } from '../../src/contract/commissioning.js';
import type { LiveFrame } from '../../src/diag/live/frame.js';

const floors = [
  { label: 'B1', levelMm: 0 },
  { label: '1', levelMm: 3000 },
  { label: '2', levelMm: 6400 }, // wrong in the table: the landing is at 6000
  { label: '3', levelMm: 9000 },
];

function frame(signals: LiveFrame['signals']): LiveFrame {
  return { source: 'service', at: 0, elevator: { id: 'E1', board: 'b', floors, ratedSpeedMps: 1 }, signals, driver: null, outbox: null, faults: [] };
}

const idleAt = (mm: number) => ({ positionMm: mm, speedMps: 0, doorZone: true, door: 'closed', inspection: false, alarmButton: false, mainsPower: true });

/** Feeds frames every 100 ms of site time to a recorder and a step's watcher, as the session does. */
function walk(step: CommissioningStep, frames: LiveFrame['signals'][], rec = new SessionRecorder(floors, 0.05), start = 0) {
  const w = watcherFor(step, { floors, recorder: rec, t: stepTexts('en'), startMs: start });
  frames.forEach((s, i) => {
    const t = start + i * 100;
    const f = frame(s);
    w.observe(f, t, rec.observe(f, t));
  });
  return { w, rec };
}

const repeat = (s: LiveFrame['signals'], n: number) => Array.from({ length: n }, () => s);

describe('commission: each step passes only on what it asks for', () => {
  it('doors: closed, fully open, closed again — not an opening that falls back', () => {
    const at = idleAt(0);
    const half = walk('doors', [at, { ...at, door: 'opening' }, { ...at, door: 'closing' }, at]);
    expect(half.w.passed()).toBe(false);
    expect(half.w.why()).toBe('the doors never opened fully');
    const full = walk('doors', [at, { ...at, door: 'opening' }, { ...at, door: 'open' }, { ...at, door: 'closing' }, at]);
    expect(full.w.passed()).toBe(true);
    expect(full.w.saw()).toBe('door closed → opening → open → closing → closed');
    // Watching began as the doors were already opening: they were closed before.
    expect(walk('doors', [{ ...at, door: 'opening' }, { ...at, door: 'open' }, at]).w.passed()).toBe(true);
    const stuck = walk('doors', repeat({ ...at, door: 'open' }, 5));
    expect([stuck.w.passed(), stuck.w.why()]).toEqual([false, 'the doors stayed open: they never closed']);
  });

  it('top landing: a stop in its door zone, confirmed after the car stood 500 ms; a ? reading is no evidence', () => {
    const up = { ...idleAt(7000), speedMps: 1, doorZone: false };
    const r = walk('top', [up, { ...idleAt(9000), positionMm: null }, ...repeat(idleAt(9003), 4)]);
    expect(r.w.passed()).toBe(false); // 400 ms standing: not yet a stop
    const ok = walk('top', [up, ...repeat(idleAt(9003), 7)]);
    expect(ok.w.passed()).toBe(true);
    expect(ok.w.saw()).toBe('stopped at 3, level 9003 mm');
    const elsewhere = walk('top', repeat(idleAt(3000), 8));
    expect(elsewhere.w.passed()).toBe(false);
    expect([elsewhere.w.saw(), elsewhere.w.why()]).toEqual(['stops: 1', 'the car never stopped in the door zone of 3']);
  });

  it('a car already standing at the landing when the step begins has made the stop', () => {
    const rec = new SessionRecorder(floors, 0.05);
    walk('doors', repeat(idleAt(0), 8), rec);
    expect(walk('bottom', [idleAt(0)], rec, 800).w.passed()).toBe(true);
  });

  it('every floor: earlier stops count, the rest are named, each new landing restarts the timeout', () => {
    const rec = new SessionRecorder(floors, 0.05);
    const moving = { ...idleAt(1500), speedMps: 1, doorZone: false };
    const { w } = walk('floors', [...repeat(idleAt(0), 7), moving, ...repeat(idleAt(6005), 7), moving], rec);
    expect(w.passed()).toBe(false);
    expect(w.saw()).toBe('stopped at B1, 2; still to stop at 1, 3');
    expect(w.progressAtMs).toBe(1300); // the stop at 2 was confirmed 500 ms after the car stood there at 800 ms
    expect(w.why()).toBe('no stop at 1, 3');
  });

  it('alarm: held 3 s of site time, a release in between starts again', () => {
    const on = { ...idleAt(0), alarmButton: true };
    const short = walk('alarm', [...repeat(on, 25), idleAt(0), ...repeat(on, 25)]);
    expect(short.w.passed()).toBe(false);
    expect(short.w.why()).toBe('the alarm button was held 2.4 s at most (3 s needed)');
    expect(walk('alarm', repeat(on, 31)).w.passed()).toBe(true);
    expect(walk('alarm', repeat(idleAt(0), 40)).w.why()).toBe('the alarm button was never pressed');
  });

  it('mains: off for 5 s, then back; off without coming back is not a pass', () => {
    const off = { ...idleAt(0), mainsPower: false };
    const stillOff = walk('mains', [idleAt(0), ...repeat(off, 60)]);
    expect([stillOff.w.passed(), stillOff.w.why()]).toEqual([false, 'the mains never came back']);
    const done = walk('mains', [idleAt(0), ...repeat(off, 60), idleAt(0)]);
    expect([done.w.passed(), done.w.saw()]).toEqual([true, 'mains off 5.9 s, back on']);
  });

  it('mains: the figure the technician waits for is never shown before it is met, and restoring then passes', () => {
    // Frames a site second apart (a gateway at timeScale 10), the first one 50 ms late: off 4.95 s.
    const w = watcherFor('mains', { floors, recorder: new SessionRecorder(floors, 0.05), t: stepTexts('en'), startMs: 0 });
    const off = frame({ ...idleAt(0), mainsPower: false });
    for (const t of [1050, 2000, 3000, 4000, 5000, 6000]) w.observe(off, t, undefined);
    expect(w.saw()).toBe('mains off 4.9 s');
    expect(w.why()).toBe('the mains were off 4.9 s at most (5 s needed)');
    w.observe(off, 6050, undefined);
    expect(w.saw()).toBe('mains off 5.0 s');
    w.observe(frame(idleAt(0)), 7000, undefined);
    expect([w.passed(), w.saw()]).toEqual([true, 'mains off 5.0 s, back on']);
  });

  it('inspection: on, then off', () => {
    const on = { ...idleAt(0), inspection: true };
    expect(walk('inspection', [idleAt(0), on]).w.why()).toBe('inspection was switched on but never off again');
    expect(walk('inspection', [idleAt(0), on, idleAt(0)]).w.passed()).toBe(true);
  });
});

describe('commission: the checks after the steps', () => {
  const t = checkTexts('en');

  function session() {
    const rec = new SessionRecorder(floors, 0.05);
    const moving = (mm: number, v: number) => ({ ...idleAt(mm), speedMps: v, doorZone: false, door: 'closed' });
    let tMs = 0;
    const feed = (s: LiveFrame['signals'], n: number) => {
      for (let i = 0; i < n; i++) {
        tMs += 100;
        rec.observe(frame(s), tMs);
      }
    };
    feed({ ...idleAt(0), door: 'open' }, 8);
    feed(moving(1500, 0.98), 3);
    feed({ ...idleAt(2995), mainsPower: false }, 8);
    feed(moving(4500, 1.0), 3);
    feed(idleAt(6010), 8); // the landing the table puts at 6400
    feed(moving(7500, -0.5), 3);
    feed(idleAt(9004), 8);
    return rec;
  }

  it('catches a wrong landing level, names it, and offers the measured one', () => {
    const c = checkFloors(floors, session(), t);
    expect(c.result).toBe('fail');
    expect(c.fixes).toEqual([{ index: 2, label: '2', fromMm: 6400, toMm: 6010 }]);
    expect(c.detail).toBe('2: configured 6400 mm, measured 6010 mm (-390 mm); 3 landing(s) within ±20 mm');
    expect(c.floors.map((f) => f.measuredMm)).toEqual([0, 2995, 6010, 9004]);
  });

  it('within ±20 mm everywhere passes; a landing never stopped at is a warning', () => {
    const good = floors.map((f, i) => (i === 2 ? { ...f, levelMm: 6000 } : f));
    expect(checkFloors(good, session(), t).result).toBe('pass');
    const rec = new SessionRecorder(floors, 0.05);
    for (let i = 0; i < 8; i++) rec.observe(frame(idleAt(0)), i * 100);
    expect(checkFloors(good, rec, t)).toMatchObject({ result: 'warn', detail: expect.stringMatching(/^not measured \(no stop\): 1, 2, 3;/) });
  });

  it('rated speed: 92–105 % of the configured speed', () => {
    expect(checkSpeed(1, session(), t)).toMatchObject({ result: 'pass', seenMps: 1 });
    expect(checkSpeed(1.75, session(), t)).toMatchObject({ result: 'fail', detail: '1.00 m/s seen, 57 % of the configured 1.75 m/s (92–105 % expected)' });
  });

  it('lists the signals that never changed, as a warning', () => {
    const c = checkSignals(session(), t);
    expect(c.neverChanged).toEqual(['inspection', 'alarmButton']);
    expect(c.result).toBe('warn');
  });

  it('rules: every rule armed, or the ones that are not with what they lack', () => {
    expect(checkRules([{ type: 'trapped', armed: true, missing: [] }], t).result).toBe('pass');
    expect(checkRules([{ type: 'trapped', armed: false, missing: ['occupied'] }], t)).toEqual({ check: 'rules', result: 'fail', detail: 'not armed: trapped (occupied)' });
  });

  it('passes overall when every step passed or was skipped with a reason and no check failed', () => {
    const step = (result: 'pass' | 'skipped' | 'timeout') => ({ step: 'doors' as const, result, saw: '', startS: 0, durationS: 1 });
    const warn = { check: 'signals' as const, result: 'warn' as const, detail: '' };
    expect(overall([step('pass'), step('skipped')], [warn])).toBe('pass');
    expect(overall([step('pass'), step('timeout')], [warn])).toBe('fail');
    expect(overall([step('pass')], [{ ...warn, result: 'fail' }])).toBe('fail');
  });
});
