import type { Direction, DoorState } from '../../signals/types.js';
import type { HealthSink, Landing } from './sink.js';

export interface StopWatchOptions {
  stationaryMps: number;
  ratedSpeedMps: number;
  /** A movement counts as a trip once it lasted this long (the statistics' tripMinMs). */
  tripMinMs: number;
  /** Levelling is measured once the car has stood in the zone with its door open this long (the leveling-error rule's settleMs). */
  settleMs: number;
  nearMissFactor: number;
}

/** What the watch needs of one sample; undefined = unread or unknown. */
export interface RunSample {
  speedMps: number | undefined;
  positionMm: number | undefined;
  door: DoorState | undefined;
  doorZone: boolean | undefined;
  levelingErrorMm: number | undefined;
  landing: Landing;
  inspection: boolean;
}

/** A trip reaching this fraction of rated speed for `CRUISE_MS` had a cruise: its peak and time say something of the drive. */
const CRUISE_FRACTION = 0.9;
const CRUISE_MS = 1000;
/** The acceleration is the slope of speed between these fractions of rated speed. */
const RAMP_LOW = 0.1;
const RAMP_HIGH = 0.9;

interface Trip {
  departedAt: number;
  fromMm: number | undefined;
  direction: Exclude<Direction, 'none'>;
  peak: number;
  cruiseMs: number;
  ramp?: { t0: number; v0: number; t1: number; v1: number; done: boolean };
}

/**
 * Trips and stops, from speed, position, door and zone:
 * - per trip: peak speed against rated (trips with a cruise), the time lost to acceleration and
 *   braking (trip time − distance / rated speed, trips with a cruise), the acceleration (slope of
 *   speed between 10 % and 90 % of rated), overspeed near-misses, trips and running time;
 * - per stop: the levelling error once settled (per landing and arrival direction), re-levelling
 *   moves (movement with the door open, in the zone).
 * Trip and stop times come from the samples themselves, so they are as exact as the sampling.
 */
export class StopWatch {
  private trip: Trip | undefined;
  /** Standing: position at the last standing sample, for a trip's distance. */
  private standMm: number | undefined;
  private lastMoving: { at: number; speed: number } | undefined;
  /** Waiting to measure this stop's levelling: arrival direction, and since when it stands open in the zone. */
  private pendingLevel: { direction: 'up' | 'down'; since: number | undefined } | undefined;
  private relevelling = false;
  private relevels = 0;
  private stopped = false;
  private last: number | undefined;
  /** The last step left nothing waiting on time: a later step on the same sample changes nothing (`resting`). */
  private rest = false;

  constructor(
    private readonly sink: HealthSink,
    private readonly o: StopWatchOptions,
    /** Told when the car departs from a stop with its door closed (the door watch closes its stop). */
    private readonly onDeparture: () => void,
  ) {}

  step(r: RunSample, now: number): void {
    const dt = this.last === undefined ? 0 : now - this.last;
    this.last = now;
    this.rest = true;
    if (r.speedMps === undefined) return;
    const speed = Math.abs(r.speedMps);
    const moving = speed >= this.o.stationaryMps;
    if (moving) this.sink.tally('runningMs', dt);
    if (r.inspection) {
      this.trip = this.pendingLevel = undefined; // inspection runs are the technician's, not the drive's
      this.rest = !moving;
      return;
    }
    // Standing is at rest unless a stop's levelling waits out its settling time; a trip that just
    // ended is not yet (its stop begins on the next step).
    const ended = this.trip !== undefined && !moving;
    if (this.trip) this.running(this.trip, r, speed, moving, now, dt);
    else if (moving) this.startOrRelevel(r, now);
    else this.standing(r, now);
    this.lastMoving = moving ? { at: now, speed } : undefined;
    this.rest = !moving && !ended && this.pendingLevel?.since === undefined;
  }

  /**
   * The last step left nothing that time alone moves on: the car stands (or its speed is unread)
   * and no stop's levelling is settling. Another step on a sample with the same values at a later
   * time would then change nothing but the time of the last step: `skip` does only that.
   */
  get resting(): boolean {
    return this.rest;
  }

  /** A step on a sample that reads as the last one did, while `resting`. */
  skip(now: number): void {
    this.last = now;
  }

  private startOrRelevel(r: RunSample, now: number): void {
    if (r.door === 'closed' || r.door === undefined) {
      // Counted against the stops the door watch exposes at this departure (a block of stops is both rates' block).
      if (this.stopped) this.sink.count('relevels', null, this.relevels);
      this.stopped = false;
      this.relevels = 0;
      this.relevelling = false;
      this.pendingLevel = undefined;
      this.onDeparture();
      const speed = Math.abs(r.speedMps ?? 0);
      this.trip = { departedAt: now, fromMm: this.standMm, direction: (r.speedMps ?? 0) > 0 ? 'up' : 'down', peak: speed, cruiseMs: 0 };
      this.ramp(this.trip, speed, now); // the departure's sample may already be in the ramp's band
      return;
    }
    if (r.doorZone === true && !this.relevelling) this.relevels++;
    this.relevelling = true;
    if (this.pendingLevel) this.pendingLevel.since = undefined;
  }

  private running(t: Trip, r: RunSample, speed: number, moving: boolean, now: number, dt: number): void {
    const rated = this.o.ratedSpeedMps;
    if (moving) {
      t.peak = Math.max(t.peak, speed);
      const prev = this.lastMoving;
      if (prev && prev.speed >= CRUISE_FRACTION * rated && speed >= CRUISE_FRACTION * rated) t.cruiseMs += dt;
      this.ramp(t, speed, now);
      return;
    }
    this.trip = undefined;
    this.stopped = true;
    this.standMm = r.positionMm;
    if (now - t.departedAt < this.o.tripMinMs) return;
    this.sink.tally('trip');
    this.sink.expose('trips', 1);
    const place = { floor: null, direction: t.direction };
    if (t.peak > this.o.nearMissFactor * rated) this.sink.tally('nearMiss');
    if (t.ramp && t.ramp.t1 > t.ramp.t0) this.sink.level('accelMps2', place, ((t.ramp.v1 - t.ramp.v0) / (t.ramp.t1 - t.ramp.t0)) * 1000);
    if (t.cruiseMs >= CRUISE_MS) {
      this.sink.level('peakSpeedRatio', place, t.peak / rated);
      if (t.fromMm !== undefined && r.positionMm !== undefined) {
        const ideal = Math.abs(r.positionMm - t.fromMm) / 1000 / rated;
        this.sink.level('tripExcessS', place, (now - t.departedAt) / 1000 - ideal);
      }
    }
    this.pendingLevel = { direction: t.direction, since: undefined };
  }

  /** The first samples inside the ramp band and the last one while speed still rises. */
  private ramp(t: Trip, speed: number, now: number): void {
    const rated = this.o.ratedSpeedMps;
    if (t.ramp?.done) return;
    const inBand = speed >= RAMP_LOW * rated && speed <= RAMP_HIGH * rated;
    if (!t.ramp) {
      if (inBand) t.ramp = { t0: now, v0: speed, t1: now, v1: speed, done: false };
      return;
    }
    if (inBand && speed > t.ramp.v1) {
      t.ramp.t1 = now;
      t.ramp.v1 = speed;
    } else t.ramp.done = true;
  }

  private standing(r: RunSample, now: number): void {
    this.relevelling = false;
    if (r.positionMm !== undefined) this.standMm = r.positionMm;
    const p = this.pendingLevel;
    if (!p) return;
    if (r.door !== 'open' || r.doorZone !== true || r.landing === null) {
      p.since = undefined;
      return;
    }
    p.since ??= now;
    if (now - p.since < this.o.settleMs || r.levelingErrorMm === undefined) return;
    this.sink.level('levelingMm', { floor: r.landing, direction: p.direction }, r.levelingErrorMm);
    this.pendingLevel = undefined;
  }
}
