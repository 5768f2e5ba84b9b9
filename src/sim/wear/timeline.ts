import type { SimDoor } from '../state.js';
import { profileAt, type RunProfile } from './profile.js';

/**
 * The wear lift's life as a timeline of pieces, each valid from `t0` (inclusive) to `t1`
 * (exclusive) and evaluated in closed form at any instant inside it. A piece's ends are the
 * instants something changes, which is where the sampler puts its samples.
 */
export type Piece =
  /** Standing at a landing (or between floors in inspection), doors closed. */
  | { k: 'stand'; t0: number; t1: number; posMm: number; pax: number; insp: boolean }
  /** A door phase: its opening fraction goes linearly from f0 to f1 (0 = closed, 1 = open). */
  | { k: 'door'; t0: number; t1: number; posMm: number; pax: number; phase: Exclude<SimDoor, 'closed'>; f0: number; f1: number }
  /** Part of a run: the profile from `s0` seconds after departure. */
  | { k: 'run'; t0: number; t1: number; fromMm: number; dir: 1 | -1; prof: RunProfile; s0: number; pax: number; insp: boolean };

/** Where the car and its door are at `t` inside `p`. */
export function evaluate(p: Piece, t: number): { posMm: number; speedMps: number; door: SimDoor; pax: number; insp: boolean } {
  switch (p.k) {
    case 'stand':
      return { posMm: p.posMm, speedMps: 0, door: 'closed', pax: p.pax, insp: p.insp };
    case 'door':
      return { posMm: p.posMm, speedMps: 0, door: p.phase, pax: p.pax, insp: false };
    case 'run': {
      const at = profileAt(p.prof, p.s0 + (t - p.t0) / 1000);
      return { posMm: p.fromMm + p.dir * at.distanceM * 1000, speedMps: p.dir * at.speedMps, door: 'closed', pax: p.pax, insp: p.insp };
    }
  }
}

/**
 * Time intervals [from, to) in the order they were added (glitches, drop-outs), with a cursor
 * that only moves forward: queries come in sample order.
 */
export class Intervals {
  private list: [number, number][] = [];
  private head = 0;

  add(from: number, to: number): void {
    this.list.push([from, to]);
  }

  /** The interval containing `t`, if any; forgets those that ended before it. */
  at(t: number): [number, number] | undefined {
    this.skip(t);
    for (let i = this.head; i < this.list.length; i++) {
      const iv = this.list[i]!;
      if (iv[0] > t) return undefined;
      if (t < iv[1]) return iv;
    }
    return undefined;
  }

  /** The first start or end after `t`. */
  nextAfter(t: number): number {
    this.skip(t);
    let best = Number.POSITIVE_INFINITY;
    for (let i = this.head; i < this.list.length; i++) {
      const [a, b] = this.list[i]!;
      if (a > t) return Math.min(best, a);
      if (b > t) best = Math.min(best, b);
    }
    return best;
  }

  /** The last interval added (to keep new ones from overlapping it). */
  last(): [number, number] | undefined {
    return this.list.at(-1);
  }

  private skip(t: number): void {
    while (this.head < this.list.length && this.list[this.head]![1] <= t && this.list[this.head]![0] <= t) this.head++;
    if (this.head > 512) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }
}
