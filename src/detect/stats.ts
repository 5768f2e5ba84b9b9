import type { Thresholds } from '../config/thresholds.js';
import type { StatsFigures } from '../contract/payloads.js';
import { goodValue, type ElevatorSignals, type SignalName } from '../signals/types.js';
import { Hold } from './hold.js';
import { isDoorClosed, isInZone, isMoving, isStationary } from './rules/conditions.js';
import { and } from './tri.js';
import type { DetectedEvent, EventType } from './types.js';

import type { StatsPeriod } from '../contract/enums.js';

export type { StatsPeriod };

/** One window's figures, with the sample-time span they cover. */
export interface StatsRecord extends StatsFigures {
  period: StatsPeriod;
  fromMono: number;
  toMono: number;
}

export interface StatsOptions {
  thresholds: Thresholds;
  /** Signals the board provides: a figure whose inputs are missing is null. */
  available: ReadonlySet<SignalName>;
  /** Floor labels by index; stops are counted under them (under the index without them). */
  floorLabels?: readonly string[];
}

/** Running sums of one window. */
class Tally {
  observedMs = 0;
  trips = 0;
  runningMs = 0;
  travelMm = 0;
  doorCycles = 0;
  readonly stops = new Map<string, number>();
  stopsOutsideZone = 0;
  readonly faults = new Map<EventType, number>();
  sessions = 0;
  inspectionMs = 0;
  mainsOffMs = 0;
  unavailableMs = 0;
  constructor(public fromMono: number | undefined) {}
}

interface Last {
  now: number;
  moving: boolean;
  inspection: boolean;
  mainsOff: boolean;
  speedMps: number;
}

/**
 * Usage statistics of one elevator, hourly and daily, on sample time. Pure: the runtime feeds it
 * every snapshot (`observe`) and every detected event (`countEvent`), and calls `rollup` at the
 * wall-clock boundaries it keeps. Each interval between two samples counts for the state seen at
 * its start; intervals longer than `stats.maxGapMs` count for nothing.
 */
export class StatsCollector {
  private readonly windows: Record<StatsPeriod, Tally> = { hour: new Tally(undefined), day: new Tally(undefined) };
  private readonly trip: Hold;
  private readonly faultsUp = new Set<EventType>();
  private last: Last | undefined;
  private doorOpened = false;
  private stood = false;
  /** The last good position, and whether the car moved at or since the sample that read it. */
  private fixMm: number | undefined;
  private movedSinceFix = false;

  constructor(private readonly o: StatsOptions) {
    this.trip = new Hold(o.thresholds.stats.tripMinMs, o.thresholds.clearHoldMs);
  }

  /**
   * One snapshot at sample time `now`. Runs at the poll rate: nothing is allocated here — the
   * last state is updated in place and the two windows are written one after the other.
   *
   * `same`: every signal of `s` has the value and quality (or absence) it had in the previous
   * snapshot observed. Unless a trip's hold is under way (time alone would complete it), such a
   * snapshot changes nothing but the time counted: only that is done.
   */
  observe(s: ElevatorSignals, now: number, same = false): void {
    this.attribute(now); // moves last.now on, never back
    const last = this.last;
    if (same && last !== undefined && this.trip.wakeAt === Number.POSITIVE_INFINITY) return;
    const { hour, day } = this.windows;
    hour.fromMono ??= now;
    day.fromMono ??= now;
    const stationaryMps = this.o.thresholds.stationaryMps;
    const movingNow = isMoving(s, stationaryMps);
    const moving = movingNow === true;
    const doorClosed = s.door === undefined ? true : isDoorClosed(s);
    const standing = isStationary(s, stationaryMps);
    // A run already under way when sampling began is no start from standstill.
    if (standing === true) this.stood = true;
    const edge = this.trip.step(now, and(movingNow, doorClosed), standing);
    if (edge?.edge === 'raised' && this.stood) {
      hour.trips++;
      day.trips++;
    }
    if (edge?.edge === 'cleared') this.stop(s);
    this.travel(goodValue(s.positionMm), moving);
    this.countDoor(s);
    const inspection = goodValue(s.inspection) === true;
    const mainsOff = goodValue(s.mainsPower) === false;
    const speedMps = goodValue(s.speedMps) ?? 0;
    if (last === undefined) this.last = { now, moving, inspection, mainsOff, speedMps };
    else {
      last.moving = moving;
      last.inspection = inspection;
      last.mainsOff = mainsOff;
      last.speedMps = speedMps;
    }
  }

  /**
   * Counts a detected event; call it for every event the engine emits, in order. Only raises
   * count: an instant event (an alarm press, the black box's after-part) is no fault.
   */
  countEvent(e: Pick<DetectedEvent, 'type' | 'phase' | 'severity'>): void {
    if (e.phase === 'cleared') this.faultsUp.delete(e.type);
    if (e.phase !== 'raised') return;
    if (e.type === 'maintenance-session') this.add((w) => w.sessions++);
    if (e.severity === 'info') return;
    this.add((w) => w.faults.set(e.type, (w.faults.get(e.type) ?? 0) + 1));
    if (e.severity === 'critical' || e.severity === 'fault') this.faultsUp.add(e.type);
  }

  /** The window's figures up to `now`, leaving it open (cumulative counters read the open hour). */
  peek(period: StatsPeriod, now: number): StatsFigures {
    this.attribute(now);
    return this.figures(this.windows[period]);
  }

  /** The window's figures up to `now`; that window starts again at `now`, the other goes on. */
  rollup(period: StatsPeriod, now: number): StatsRecord {
    this.attribute(now);
    const w = this.windows[period];
    this.windows[period] = new Tally(now);
    return { period, fromMono: w.fromMono ?? now, toMono: now, ...this.figures(w) };
  }

  private figures(w: Tally): StatsFigures {
    const has = (name: SignalName) => this.o.available.has(name);
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const ifHas = <T>(ok: boolean, v: T): T | null => (ok ? v : null);
    const speed = has('speedMps');
    return {
      observedS: s(w.observedMs),
      trips: ifHas(speed, w.trips),
      runningS: ifHas(speed, s(w.runningMs)),
      // From position where the board has it, else from speed × time; a board with a position
      // has a speed too (the normalizer derives it).
      travelM: ifHas(speed, Math.round(w.travelMm / 100) / 10),
      doorCycles: ifHas(has('door'), w.doorCycles),
      stopsByFloor: ifHas(speed && has('floor'), Object.fromEntries(w.stops)),
      stopsOutsideZone: ifHas(speed && has('doorZone'), w.stopsOutsideZone),
      faults: Object.fromEntries(w.faults),
      maintenanceSessions: w.sessions,
      inspectionS: ifHas(has('inspection'), s(w.inspectionMs)),
      mainsOffS: ifHas(has('mainsPower'), s(w.mainsOffMs)),
      unavailableS: s(w.unavailableMs),
      availability: w.observedMs > 0 ? Math.round((1 - w.unavailableMs / w.observedMs) * 10_000) / 10_000 : null,
    };
  }

  /** Counts the time since the last sample for the state seen then; a time before it counts nothing. */
  private attribute(now: number): void {
    const last = this.last;
    if (last === undefined) return;
    const dt = now - last.now;
    if (dt <= 0) return;
    last.now = now;
    if (dt > this.o.thresholds.stats.maxGapMs) return;
    const unavailable = last.mainsOff || this.faultsUp.size > 0;
    const bySpeedMm = !this.o.available.has('positionMm') && last.moving ? Math.abs(last.speedMps) * dt : 0; // m/s × ms = mm
    this.spend(this.windows.hour, last, dt, unavailable, bySpeedMm);
    this.spend(this.windows.day, last, dt, unavailable, bySpeedMm);
  }

  /** `dt` ms of the state `last` saw, into one window. */
  private spend(w: Tally, last: Last, dt: number, unavailable: boolean, bySpeedMm: number): void {
    w.observedMs += dt;
    if (last.moving) w.runningMs += dt;
    if (last.inspection) w.inspectionMs += dt;
    if (last.mainsOff) w.mainsOffMs += dt;
    if (unavailable) w.unavailableMs += dt;
    w.travelMm += bySpeedMm;
  }

  /**
   * Distance between good position reads while the car moved (at either read or between them),
   * so a bad read or two in a trip loses nothing; noise at a standstill is no travel.
   */
  private travel(positionMm: number | undefined, moving: boolean): void {
    if (positionMm === undefined) {
      if (moving) this.movedSinceFix = true;
      return;
    }
    if (this.fixMm !== undefined && (this.movedSinceFix || moving)) {
      const mm = Math.abs(positionMm - this.fixMm);
      this.windows.hour.travelMm += mm;
      this.windows.day.travelMm += mm;
    }
    this.fixMm = positionMm;
    this.movedSinceFix = moving;
  }

  /** A trip ended: count the stop under its floor, or outside the zone. */
  private stop(s: ElevatorSignals): void {
    if (isInZone(s) === false) {
      this.add((w) => w.stopsOutsideZone++);
      return;
    }
    const floor = goodValue(s.floor);
    if (floor === undefined) return;
    const key = this.o.floorLabels?.[floor] ?? String(floor);
    this.add((w) => w.stops.set(key, (w.stops.get(key) ?? 0) + 1));
  }

  /** A door cycle: the door reached open, then closed again. */
  private countDoor(s: ElevatorSignals): void {
    const door = goodValue(s.door);
    if (door === 'open') this.doorOpened = true;
    else if (door === 'closed' && this.doorOpened) {
      this.doorOpened = false;
      this.windows.hour.doorCycles++;
      this.windows.day.doorCycles++;
    }
  }

  private all(): Tally[] {
    return [this.windows.hour, this.windows.day];
  }

  private add(f: (w: Tally) => void): void {
    for (const w of this.all()) f(w);
  }
}
