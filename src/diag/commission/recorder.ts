import { bool, type LiveFrame, num } from '../live/frame.js';
import { nearestIndex } from '../live/shaft.js';

/** A stop at a landing: the car standing in its door zone; `levelMm` is the median position while it stood. */
export interface Stop {
  floor: number;
  levelMm: number;
  /** Site seconds since the session began, when the stop was confirmed. */
  atS: number;
}

/** Standing this long (site time) in a door zone makes a stop; the car has settled by then. */
const STOP_CONFIRM_MS = 500;
/** At most this many points of the position trace are kept (the plot needs far fewer). */
const MAX_TRACE = 20_000;

/**
 * Everything the checks after the steps need, from every frame of the session: the car's
 * position over time (the report's plot), its stops at landings with the level measured at each,
 * the highest speed, and which values each signal took (a signal that never changed is listed).
 * Times are site time (runtime.timeScale × real time), seconds since the session began.
 */
export class SessionRecorder {
  readonly trace: [number, number][] = [];
  readonly stops: Stop[] = [];
  /** The distinct good values each signal took (up to a few; two is all the check needs). */
  readonly values = new Map<string, Set<string>>();
  maxSpeedMps = 0;
  private standing: { sinceMs: number; positions: number[]; stop?: Stop } | undefined;

  constructor(
    private readonly floors: readonly { label: string; levelMm: number }[],
    private readonly stationaryMps: number,
  ) {}

  /** Records one frame read at site time `tMs`; returns a stop confirmed by it, if any. */
  observe(f: LiveFrame, tMs: number): Stop | undefined {
    if (f.staleSince !== undefined) {
      this.standing = undefined;
      return undefined;
    }
    for (const [name, v] of Object.entries(f.signals)) {
      const seen = this.values.get(name) ?? new Set<string>();
      this.values.set(name, seen); // a signal never read good is one that never changed
      if (v !== null && seen.size < 4) seen.add(JSON.stringify(v));
    }
    const pos = num(f, 'positionMm');
    const speed = num(f, 'speedMps');
    if (speed !== undefined) this.maxSpeedMps = Math.max(this.maxSpeedMps, Math.abs(speed));
    if (pos !== undefined && this.trace.length < MAX_TRACE) {
      const last = this.trace.at(-1);
      if (!last || Math.abs(last[1] - pos) >= 5 || tMs / 1000 - last[0] >= 1) this.trace.push([Math.round(tMs) / 1000, Math.round(pos)]);
    }
    const standsInZone = pos !== undefined && speed !== undefined && Math.abs(speed) < this.stationaryMps && bool(f, 'doorZone') === true;
    if (!standsInZone) {
      this.standing = undefined;
      return undefined;
    }
    this.standing ??= { sinceMs: tMs, positions: [] };
    const s = this.standing;
    s.positions.push(pos);
    if (s.stop) {
      s.stop.levelMm = median(s.positions);
      return undefined;
    }
    if (tMs - s.sinceMs < STOP_CONFIRM_MS) return undefined;
    s.stop = { floor: nearestIndex(this.floors, pos), levelMm: median(s.positions), atS: Math.round(tMs) / 1000 };
    this.stops.push(s.stop);
    return s.stop;
  }

  /** The stop the car is standing at now, once confirmed. */
  current(): Stop | undefined {
    return this.standing?.stop;
  }

  /** The floors the car has stopped at so far. */
  floorsVisited(): Set<number> {
    return new Set(this.stops.map((s) => s.floor));
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.round(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
}
