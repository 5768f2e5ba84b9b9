import type { Degradation } from './scenario.js';

/** Days since a degradation's onset (0 before it). */
function since(d: { onsetDay: number }, day: number): number {
  return Math.max(0, day - d.onsetDay);
}

/**
 * The effects of a scenario's degradations on day `day` (a fraction: wear grows within a day
 * too). Each model is one line of arithmetic; what a part's wear looks like from the shaft —
 * which signal moves, how fast, and what fault it ends in — is written next to its kind in
 * scenario.ts and in docs/early-warning.md.
 */
export class Wear {
  constructor(private readonly degradations: readonly Degradation[]) {}

  /** Factor on a door time at a landing (1 = as new). */
  doorFactor(landing: number, motion: 'closing' | 'opening', day: number): number {
    let f = 1;
    for (const d of this.degradations) if (d.kind === 'door-operator' && d.landing === landing && d.motion === motion) f *= Math.exp(d.growthPerDay * since(d, day));
    return f;
  }

  /**
   * Chance that a door attempt stalls and reverses: none until the stroke takes `stallS`, then
   * rising steeply — a worn operator that barely makes it fails more and more often.
   */
  stallChance(landing: number, motion: 'closing' | 'opening', strokeS: number, day: number): number {
    let p = 0;
    for (const d of this.degradations) {
      if (d.kind !== 'door-operator' || d.landing !== landing || d.motion !== motion || day < d.onsetDay) continue;
      p = Math.max(p, Math.min(0.9, (strokeS - d.stallS) / 1.5));
    }
    return p;
  }

  /** Where the car stops relative to the landing, mm, from wear: ropes (low, more with load) and brake (past the landing). */
  stopOffsetMm(direction: 1 | -1, pax: number, day: number): number {
    let mm = 0;
    for (const d of this.degradations) {
      const x = since(d, day);
      if (d.kind === 'rope-stretch') mm -= d.mmPerDay * x + d.loadMmPerPaxPerDay * x * pax;
      else if (d.kind === 'brake-wear') mm += direction * d.mmPerDay * x * (1 + d.growthPerDay * x);
    }
    return mm;
  }

  /** Factor on the drive's top speed. */
  speedFactor(day: number): number {
    let f = 1;
    for (const d of this.degradations) if (d.kind === 'speed-drift') f += d.perDay * since(d, day);
    return f;
  }

  /** Chance that a closing reverses for nothing (a dirty light curtain). */
  edgeReversal(day: number): number {
    return this.grown('door-edge', day);
  }

  /** Chance of a contact interruption per stop (safety) or per run (lock). */
  chatter(circuit: 'safety' | 'lock', day: number): number {
    let p = 0;
    for (const d of this.degradations)
      if (d.kind === 'contact-chatter' && d.circuit === circuit && day >= d.onsetDay) p = Math.max(p, Math.min(0.6, d.p0 * Math.exp(d.growthPerDay * since(d, day))));
    return p;
  }

  /** Link drop-outs per day caused by wear (on top of the scenario's healthy rate). */
  dropsPerDay(day: number): number {
    let n = 0;
    for (const d of this.degradations) if (d.kind === 'signal-link' && day >= d.onsetDay) n += d.perDay0 * Math.exp(d.growthPerDay * since(d, day));
    return n;
  }

  /** How far the link wear has gone, 0 (none) … 1: long drop-outs become likely. */
  linkWear(day: number): number {
    let w = 0;
    for (const d of this.degradations) if (d.kind === 'signal-link' && day >= d.onsetDay) w = Math.max(w, Math.min(1, (d.perDay0 * Math.exp(d.growthPerDay * since(d, day))) / 40));
    return w;
  }

  private grown(kind: 'door-edge', day: number): number {
    let p = 0;
    for (const d of this.degradations) if (d.kind === kind && day >= d.onsetDay) p = Math.max(p, Math.min(0.8, d.p0 * Math.exp(d.growthPerDay * since(d, day))));
    return p;
  }
}
