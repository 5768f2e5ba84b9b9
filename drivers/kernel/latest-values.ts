import type { MonoMs, RawPoint } from '../types.js';

/**
 * The latest value of each point of a push source (framed serial, Firmata, GPIO edges),
 * with the time it arrived. A poll reads them with their age: older than the point's
 * stale limit (or never received) reads 'bad'.
 */
export class LatestValues {
  private readonly values = new Map<string, { value: number | boolean; at: MonoMs }>();

  set(point: string, value: number | boolean, at: MonoMs): void {
    this.values.set(point, { value, at });
  }

  /** The source went away: every value is unknown until it reports again. */
  clear(): void {
    this.values.clear();
  }

  /**
   * `staleAfterMs(point)` undefined: the value holds until the source goes away (edge-driven inputs,
   * e.g. Firmata digital pins, which report on change only) and is stamped with `now`, so a contact
   * that has not changed for a while is not taken for a stale one downstream.
   */
  read(points: readonly string[], now: MonoMs, staleAfterMs: (point: string) => number | undefined): RawPoint[] {
    return points.map((point) => {
      const v = this.values.get(point);
      if (!v) return { point, value: 0, at: now, quality: 'bad' };
      const limit = staleAfterMs(point);
      const stale = limit !== undefined && now - v.at > limit;
      return { point, value: v.value, at: limit === undefined ? now : v.at, quality: stale ? 'bad' : 'good' };
    });
  }
}
