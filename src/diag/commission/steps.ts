import type { CommissioningStep } from '../../contract/commissioning.js';
import { bool, type FloorRow, type LiveFrame } from '../live/frame.js';
import type { SessionRecorder, Stop } from './recorder.js';
import type { StepTexts } from './step-texts.js';

/** The alarm button must be held this long, the mains cut this long (site seconds). */
const ALARM_HOLD_S = 3;
const MAINS_OFF_S = 5;

/**
 * One step of the checklist, watching the frames until what it asks for has happened. Pure: it
 * is given each frame with its site time and the stop the recorder confirmed on it, so the tests
 * drive it without a gateway. A reading of `?` is no evidence either way and is passed over.
 */
export interface StepWatcher {
  readonly id: CommissioningStep;
  /** The signals it reads: a board without one cannot be checked this way. */
  readonly needs: readonly string[];
  observe(f: LiveFrame, tMs: number, stop: Stop | undefined): void;
  passed(): boolean;
  /** What it has seen so far (the status line, the report). */
  saw(): string;
  /** Why it has not passed yet (the timeout message). */
  why(): string;
  /** Site time its timeout counts from: the step's start, or its last progress (the floors step). */
  readonly progressAtMs: number;
}

export interface StepContext {
  floors: readonly FloorRow[];
  recorder: SessionRecorder;
  t: StepTexts;
  startMs: number;
}

/** Consecutive distinct values, e.g. `closed → opening → open`, the latest few. */
class Sequence {
  private readonly seen: string[] = [];
  add(v: string): void {
    if (this.seen.at(-1) !== v) this.seen.push(v);
  }
  toString(): string {
    return (this.seen.length > 6 ? ['…', ...this.seen.slice(-5)] : this.seen).join(' → ');
  }
}

/** A boolean signal going on, then off again (inspection). */
function onThenOff(id: CommissioningStep, signal: string, c: StepContext, words: { seen: (seq: string) => string; neverOn: string; neverOff: string }): StepWatcher {
  const seq = new Sequence();
  let phase = 0;
  return {
    id,
    needs: [signal],
    progressAtMs: c.startMs,
    observe(f) {
      const v = bool(f, signal);
      if (v === undefined) return;
      seq.add(v ? c.t.switchedOn() : c.t.switchedOff());
      if (phase === 0 && v) phase = 1;
      else if (phase === 1 && !v) phase = 2;
    },
    passed: () => phase === 2,
    saw: () => words.seen(seq.toString()),
    why: () => (phase === 0 ? words.neverOn : words.neverOff),
  };
}

/**
 * Seconds to one decimal, rounded down: the technician is told to hold for `needS` and watches
 * this figure, so it must never read the target before the target is met (4.96 s rounded to
 * "5.0" had them restore the mains, and the step then said "off 5.0 s at most (5 s needed)").
 */
function tenthsDown(ms: number): string {
  return (Math.floor(ms / 100) / 10).toFixed(1);
}

/** A boolean signal in one state for at least `needS` (the alarm held; the mains off), and, if `back`, out of it again. */
function held(
  id: CommissioningStep,
  signal: string,
  active: boolean,
  needS: number,
  back: boolean,
  c: StepContext,
  words: { saw: (s: string, backAgain: boolean) => string; never: string; short: (s: string) => string; notBack: string },
): StepWatcher {
  let since: number | undefined;
  let longestMs = 0;
  let done = false;
  let enough = false;
  return {
    id,
    needs: [signal],
    progressAtMs: c.startMs,
    observe(f, tMs) {
      const v = bool(f, signal);
      if (v === undefined || done) return;
      if (v === active) {
        since ??= tMs;
        longestMs = Math.max(longestMs, tMs - since);
        if (longestMs >= needS * 1000) enough = true;
        if (enough && !back) done = true;
      } else {
        if (enough) done = true;
        since = undefined;
      }
    },
    passed: () => done,
    saw: () => (since === undefined && longestMs === 0 ? c.t.nothingYet() : words.saw(tenthsDown(longestMs), done && back)),
    why: () => (since === undefined && longestMs === 0 ? words.never : enough ? words.notBack : words.short(tenthsDown(longestMs))),
  };
}

/** A stop at one landing (the top or the bottom); a car already standing there when the step begins has made it. */
function stopAt(id: CommissioningStep, index: number, c: StepContext): StepWatcher {
  let hit: Stop | undefined;
  const seen: string[] = [];
  const label = c.floors[index]?.label ?? String(index);
  return {
    id,
    needs: ['positionMm', 'speedMps', 'doorZone'],
    progressAtMs: c.startMs,
    observe(_f, _t, stop) {
      if (hit) return;
      if (stop) seen.push(c.floors[stop.floor]?.label ?? String(stop.floor));
      const standing = stop ?? c.recorder.current();
      if (standing?.floor === index) hit = standing;
    },
    passed: () => hit !== undefined,
    saw: () => (hit ? c.t.stoppedAt({ floor: label, levelMm: hit.levelMm }) : seen.length ? c.t.stops({ list: seen.slice(-8).join(', ') }) : c.t.nothingYet()),
    why: () => c.t.neverStoppedAt({ floor: label }),
  };
}

/** A stop at every landing; stops made in earlier steps count, and each new landing restarts the timeout. */
function everyFloor(c: StepContext): StepWatcher {
  const labels = c.floors.map((f, i) => f.label || String(i));
  const visited = () => c.recorder.floorsVisited();
  const missing = () => labels.filter((_, i) => !visited().has(i));
  const w = {
    id: 'floors' as const,
    needs: ['positionMm', 'speedMps', 'doorZone'],
    progressAtMs: c.startMs,
    observe(_f: LiveFrame, tMs: number, stop: Stop | undefined) {
      if (stop && c.recorder.stops.filter((s) => s.floor === stop.floor).length === 1) w.progressAtMs = tMs;
    },
    passed: () => missing().length === 0,
    saw: () =>
      missing().length === 0 ? c.t.allFloors({ n: labels.length }) : c.t.floorsSeen({ seen: labels.filter((_, i) => visited().has(i)).join(', '), missing: missing().join(', ') }),
    why: () => c.t.noStopAt({ missing: missing().join(', ') }),
  };
  return w;
}

/**
 * The doors: not open (closed, or already moving — a door that is opening was closed), then fully
 * open, then fully closed again.
 */
function doorCycle(c: StepContext): StepWatcher {
  const seq = new Sequence();
  let phase = 0;
  return {
    id: 'doors',
    needs: ['door'],
    progressAtMs: c.startMs,
    observe(f) {
      const door = f.signals.door;
      if (typeof door !== 'string') return;
      seq.add(c.t.doorState({ state: door }));
      if (phase === 0 && door !== 'open' && door !== 'unknown') phase = 1;
      else if (phase === 1 && door === 'open') phase = 2;
      else if (phase === 2 && door === 'closed') phase = 3;
    },
    passed: () => phase === 3,
    saw: () => c.t.door({ seq: seq.toString() }),
    why: () => [c.t.doorsNeverClosed(), c.t.doorsNeverOpened(), c.t.doorsNeverReclosed()][phase] ?? '',
  };
}

/** The watcher of one step, starting at site time `startMs`. */
export function watcherFor(step: CommissioningStep, c: StepContext): StepWatcher {
  const t = c.t;
  switch (step) {
    case 'doors':
      return doorCycle(c);
    case 'top':
      return stopAt('top', c.floors.length - 1, c);
    case 'bottom':
      return stopAt('bottom', 0, c);
    case 'floors':
      return everyFloor(c);
    case 'inspection':
      return onThenOff('inspection', 'inspection', c, { seen: (seq) => t.inspectionSeen({ seq }), neverOn: t.inspectionNeverOn(), neverOff: t.inspectionNeverOff() });
    case 'alarm':
      return held('alarm', 'alarmButton', true, ALARM_HOLD_S, false, c, {
        saw: (s) => t.held({ s }),
        never: t.alarmNeverPressed(),
        short: (s) => t.alarmTooShort({ s, need: ALARM_HOLD_S }),
        notBack: '',
      });
    case 'mains':
      return held('mains', 'mainsPower', false, MAINS_OFF_S, true, c, {
        saw: (s, back) => t.mainsOff({ s, back }),
        never: t.mainsNeverCut(),
        short: (s) => t.mainsTooShort({ s, need: MAINS_OFF_S }),
        notBack: t.mainsNeverBack(),
      });
  }
}
