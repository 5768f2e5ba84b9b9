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
 */
export class SpeedEstimator {
  private last?: { positionMm: number; at: number };
  private speed = 0;
  constructor(private readonly tauMs = 200) {}

  update(positionMm: number, at: number): number {
    if (this.last && at > this.last.at) {
      const dt = at - this.last.at;
      const raw = (positionMm - this.last.positionMm) / dt; // mm/ms = m/s
      const alpha = dt / (this.tauMs + dt);
      this.speed += alpha * (raw - this.speed);
    }
    this.last = { positionMm, at };
    return this.speed;
  }
}
