import { describe, expect, it } from 'vitest';
import { AnchorDrift } from '../../../src/signals/fusion/drift.js';

/**
 * Whether the learned shaft still fits: per landing, an exponential average (α = 0.2) of the
 * barometric offset found at each stop and of how far a vane's later edges land from its first.
 * `advice()` is what the platform shows as "re-learn advised": a landing whose barometer drifted
 * more than 1 m, or whose vane edges disagree by more than 8 mm, each over at least 5 samples.
 */

function stops(d: AnchorDrift, landing: number, offsets: readonly number[]): void {
  for (const o of offsets) d.stop(landing, o);
}

function edges(d: AnchorDrift, landing: number, innovations: readonly number[]): void {
  for (const e of innovations) d.edge(landing, e);
}

describe('anchor drift: what is recorded', () => {
  it('a fresh shaft: every landing at zero drift, no stops, no edges, no advice', () => {
    const d = new AnchorDrift(3);
    expect(d.all()).toEqual([
      { landing: 0, baroM: 0, edgeMm: 0, stops: 0, edges: 0 },
      { landing: 1, baroM: 0, edgeMm: 0, stops: 0, edges: 0 },
      { landing: 2, baroM: 0, edgeMm: 0, stops: 0, edges: 0 },
    ]);
    expect(d.advice()).toEqual([]);
  });

  it("a landing's first stop is taken as it is, later ones move the average a fifth of the way", () => {
    const d = new AnchorDrift(2);
    d.stop(1, 2);
    expect(d.all()[1]).toEqual({ landing: 1, baroM: 2, edgeMm: 0, stops: 1, edges: 0 });
    d.stop(1, 1); // 2 + 0.2 · (1 − 2) = 1.8
    expect(d.all()[1]!.baroM).toBe(1.8);
    d.stop(1, -1); // 1.8 + 0.2 · (−1 − 1.8) = 1.24
    expect(d.all()[1]).toEqual({ landing: 1, baroM: 1.24, edgeMm: 0, stops: 3, edges: 0 });
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 0, edgeMm: 0, stops: 0, edges: 0 }); // the other landing untouched
  });

  it("a vane's first edge is taken as it is (in mm, either side), later ones move the average a fifth of the way", () => {
    const d = new AnchorDrift(2);
    d.edge(0, -0.01); // 10 mm below where the first edge put it
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 0, edgeMm: 10, stops: 0, edges: 1 });
    d.edge(0, 0.005); // 10 + 0.2 · (5 − 10) = 9
    expect(d.all()[0]!.edgeMm).toBe(9);
    d.edge(0, 0); // 9 + 0.2 · (0 − 9) = 7.2
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 0, edgeMm: 7.2, stops: 0, edges: 3 });
  });

  it('reports the barometric drift to the millimetre and the edge drift to a tenth of a millimetre', () => {
    const d = new AnchorDrift(1);
    d.stop(0, 0.12345);
    d.edge(0, 0.01234); // 12.34 mm
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 0.123, edgeMm: 12.3, stops: 1, edges: 1 });
    const e = new AnchorDrift(1);
    e.stop(0, -0.1236);
    e.edge(0, 0.01236);
    expect(e.all()[0]).toEqual({ landing: 0, baroM: -0.124, edgeMm: 12.4, stops: 1, edges: 1 });
  });

  it('ignores a landing the shaft does not have, and offsets or edges that are no number', () => {
    const d = new AnchorDrift(2);
    d.stop(2, 5);
    d.stop(-1, 5);
    d.edge(2, 0.05);
    d.edge(-1, 0.05);
    d.stop(0, Number.NaN);
    d.stop(0, Number.POSITIVE_INFINITY);
    d.edge(0, Number.NaN);
    d.edge(0, Number.NEGATIVE_INFINITY);
    expect(d.all()).toEqual([
      { landing: 0, baroM: 0, edgeMm: 0, stops: 0, edges: 0 },
      { landing: 1, baroM: 0, edgeMm: 0, stops: 0, edges: 0 },
    ]);
    // Nothing counted: the first real stop and edge are still taken as they are.
    d.stop(0, 3);
    d.edge(0, 0.02);
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 3, edgeMm: 20, stops: 1, edges: 1 });
  });

  it('all() is a snapshot: changing it does not change what is recorded', () => {
    const d = new AnchorDrift(1);
    d.stop(0, 2);
    d.all()[0]!.baroM = 0;
    expect(d.all()[0]!.baroM).toBe(2);
  });
});

describe('anchor drift: re-learn advice', () => {
  it("advises a new learning run once a landing's barometric offset drifts past 1 m over at least 5 stops", () => {
    const d = new AnchorDrift(3);
    stops(d, 1, [1.5, 1.5, 1.5, 1.5]);
    expect(d.advice()).toEqual([]); // 4 stops: too few to say
    d.stop(1, 1.5);
    expect(d.advice()).toEqual([{ landing: 1, baroM: 1.5, edgeMm: 0, stops: 5, edges: 0 }]);
  });

  it('a barometric drift of exactly 1 m is still within the limit; 1.001 m is past it, upwards or downwards', () => {
    const at = new AnchorDrift(1);
    stops(at, 0, [1, 1, 1, 1, 1]);
    expect(at.advice()).toEqual([]);
    const past = new AnchorDrift(1);
    stops(past, 0, [1.001, 1.001, 1.001, 1.001, 1.001]);
    expect(past.advice().map((l) => l.landing)).toEqual([0]);
    const below = new AnchorDrift(1);
    stops(below, 0, [-1.001, -1.001, -1.001, -1.001, -1.001]);
    expect(below.advice()).toEqual([{ landing: 0, baroM: -1.001, edgeMm: 0, stops: 5, edges: 0 }]);
    const belowAt = new AnchorDrift(1);
    stops(belowAt, 0, [-1, -1, -1, -1, -1]);
    expect(belowAt.advice()).toEqual([]);
  });

  it('the limit is judged on the reported (rounded) drift: 1.0004 m reads 1.000 m, no advice', () => {
    const d = new AnchorDrift(1);
    stops(d, 0, [1.0004, 1.0004, 1.0004, 1.0004, 1.0004]);
    expect(d.all()[0]!.baroM).toBe(1);
    expect(d.advice()).toEqual([]);
  });

  it('a landing whose signature shifts by 2 m is advised on the 4th stop after the shift, not the 3rd', () => {
    const d = new AnchorDrift(1);
    stops(d, 0, [0, 0, 0, 0, 0]);
    // 0 → 0.4 → 0.72 → 0.976 → 1.1808: the average follows a fifth of the way each stop.
    stops(d, 0, [2, 2, 2]);
    expect(d.all()[0]!.baroM).toBe(0.976);
    expect(d.advice()).toEqual([]);
    d.stop(0, 2);
    expect(d.advice()).toEqual([{ landing: 0, baroM: 1.181, edgeMm: 0, stops: 9, edges: 0 }]);
  });

  it('one stop far off does not trigger advice by itself once the landing has a history', () => {
    const d = new AnchorDrift(1);
    stops(d, 0, [0, 0, 0, 0]);
    d.stop(0, 4.9); // 0 + 0.2 · 4.9 = 0.98
    expect(d.all()[0]).toEqual({ landing: 0, baroM: 0.98, edgeMm: 0, stops: 5, edges: 0 });
    expect(d.advice()).toEqual([]);
  });

  it("advises a new learning run once a vane's edges disagree by more than 8 mm over at least 5 edges", () => {
    const d = new AnchorDrift(2);
    edges(d, 0, [0.0081, -0.0081, 0.0081, -0.0081]);
    expect(d.advice()).toEqual([]); // 4 edges: too few to say
    d.edge(0, 0.0081);
    expect(d.advice()).toEqual([{ landing: 0, baroM: 0, edgeMm: 8.1, stops: 0, edges: 5 }]);
  });

  it('edges 8 mm off are still within the limit; 8.1 mm is past it', () => {
    const at = new AnchorDrift(1);
    edges(at, 0, [0.008, -0.008, 0.008, -0.008, 0.008]);
    expect(at.all()[0]!.edgeMm).toBe(8);
    expect(at.advice()).toEqual([]);
    const past = new AnchorDrift(1);
    edges(past, 0, [-0.0081, -0.0081, -0.0081, -0.0081, -0.0081]);
    expect(past.advice().map((l) => l.edgeMm)).toEqual([8.1]);
  });

  it('either drift alone is enough, and each needs its own 5 samples (stops do not count as edges, nor edges as stops)', () => {
    const d = new AnchorDrift(4);
    // Landing 0: 5 edges within limits, one stop far off — too few stops.
    edges(d, 0, [0, 0, 0, 0, 0]);
    d.stop(0, 5);
    // Landing 1: 5 stops within limits, one edge far off — too few edges.
    stops(d, 1, [0, 0, 0, 0, 0]);
    d.edge(1, 0.05);
    // Landing 2: the barometer drifted, the vane fits.
    stops(d, 2, [1.2, 1.2, 1.2, 1.2, 1.2]);
    edges(d, 2, [0.001, 0.001, 0.001, 0.001, 0.001]);
    // Landing 3: the vane slipped, the barometer fits.
    stops(d, 3, [0.1, 0.1, 0.1, 0.1, 0.1]);
    edges(d, 3, [0.02, 0.02, 0.02, 0.02, 0.02]);
    expect(d.advice()).toEqual([
      { landing: 2, baroM: 1.2, edgeMm: 1, stops: 5, edges: 5 },
      { landing: 3, baroM: 0.1, edgeMm: 20, stops: 5, edges: 5 },
    ]);
  });
});
