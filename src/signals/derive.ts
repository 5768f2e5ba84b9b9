import type { DoorState, Direction } from './types.js';

/** Index of the landing nearest to `positionMm` (floor levels ascending). */
export function nearestFloor(levelsMm: readonly number[], positionMm: number): number {
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < levelsMm.length; i++) {
    const d = Math.abs(positionMm - levelsMm[i]!);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}

/** Position minus the nearest landing level, mm (+ = car above the landing). */
export function levelingError(levelsMm: readonly number[], positionMm: number): number {
  return positionMm - levelsMm[nearestFloor(levelsMm, positionMm)]!;
}

export function directionOf(speedMps: number, stationaryMps: number): Direction {
  if (speedMps > stationaryMps) return 'up';
  if (speedMps < -stationaryMps) return 'down';
  return 'none';
}

/**
 * Door state from the two end contacts. Between them the door is moving; which way
 * follows from the last end position it left.
 */
export function doorState(closed: boolean | undefined, open: boolean | undefined, previous: DoorState): DoorState {
  if (closed === true && open === true) return 'unknown'; // both contacts made: wiring fault
  if (closed === true) return 'closed';
  if (open === true) return 'open';
  if (closed === undefined) return 'unknown';
  if (open === undefined) return 'open'; // only a closed contact: "not closed" is all we know
  if (previous === 'closed' || previous === 'opening') return 'opening';
  if (previous === 'open' || previous === 'closing') return 'closing';
  return 'unknown';
}

/**
 * Speed from successive positions when the board has no speed register: a first-order
 * low-pass over the finite difference, enough to see direction and overspeed trends.
 *
 * A polled position was sampled somewhere between its request (`askedAt`) and its answer (`at`);
 * each reading counts at the middle of that window. Timed by the answers alone, one slow answer
 * followed by a quick one squeezes the car's travel into too short a time (a false overspeed);
 * over the widest time the car could have had (from the last request to this answer, as the
 * position jump detector counts), every speed would read low and a real overspeed be missed.
 * A pushed reading's window is its `at`.
 * The last reading is kept in fields, not an object per reading (it runs every poll).
 */
export class SpeedEstimator {
  private read = false;
  private lastMm = 0;
  /** The last reading's answer time: a reading handed again (the snapshot after `update`) adds nothing. */
  private lastAt = 0;
  /** The last reading's sample time, the middle of its window. */
  private lastMid = 0;
  private speed = 0;
  constructor(private readonly tauMs = 200) {}

  update(positionMm: number, at: number, askedAt = at): number {
    const mid = (Math.min(askedAt, at) + at) / 2;
    const dt = mid - this.lastMid;
    if (this.read && at > this.lastAt && dt > 0) {
      const raw = (positionMm - this.lastMm) / dt; // mm/ms = m/s
      const alpha = dt / (this.tauMs + dt);
      this.speed += alpha * (raw - this.speed);
    }
    this.read = true;
    this.lastMm = positionMm;
    this.lastAt = at;
    this.lastMid = mid;
    return this.speed;
  }
}
