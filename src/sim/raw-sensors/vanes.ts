import { gauss } from '../wear/gauss.js';
import { prng } from '../prng.js';

/**
 * The door-zone vanes (or magnet strips) at each landing and the car's two Hall sensors: the
 * upper one active from `zone + spread` below a vane's centre to `zone` above it, the lower one
 * from `zone` below to `zone + spread` above — the geometry of the simulator's leveling sensors
 * (src/sim/elevator.ts). Each vane sits a few mm off its landing (as mounted); each switching
 * point moves by the sensor's repeatability at every pass (jitter). Edges come with the exact
 * time the car crossed them inside a step, so a driver sees them as an interrupt would.
 */
export interface VaneOptions {
  seed: number;
  zoneMm: number;
  spreadMm: number;
  /** Standard deviation of a switching point from pass to pass, mm. */
  jitterMm: number;
  /** Largest mounting offset of a vane from its landing, mm. */
  mountingMm: number;
}

const DEFAULT_VANES: VaneOptions = { seed: 9, zoneMm: 150, spreadMm: 30, jitterMm: 1, mountingMm: 4 };

export interface HallEdge {
  atMs: number;
  upper: boolean;
  lower: boolean;
}

const NONE: readonly HallEdge[] = [];
const SENSORS = ['upper', 'lower'] as const;

interface Span {
  lo: number;
  hi: number;
}

export class VaneSensors {
  readonly o: VaneOptions;
  /** Where each vane's centre is, mm. */
  readonly centresMm: number[];
  private readonly spans: { upper: Span[]; lower: Span[] };
  private readonly random: () => number;
  upper = false;
  lower = false;
  private lastMm: number | undefined;
  private lastMs = 0;

  constructor(levelsMm: readonly number[], options: Partial<VaneOptions> = {}) {
    this.o = { ...DEFAULT_VANES, ...options };
    this.random = prng(this.o.seed);
    this.centresMm = levelsMm.map((l) => l + (this.random() * 2 - 1) * this.o.mountingMm);
    const { zoneMm: z, spreadMm: s } = this.o;
    this.spans = {
      upper: this.centresMm.map((c) => ({ lo: c - z - s, hi: c + z })),
      lower: this.centresMm.map((c) => ({ lo: c - z, hi: c + z + s })),
    };
  }

  /** The car at `posMm` at time `atMs`; returns the edges crossed since the last call, in order. */
  move(posMm: number, atMs: number): readonly HallEdge[] {
    const from = this.lastMm;
    this.lastMm = posMm;
    const t0 = this.lastMs;
    this.lastMs = atMs;
    if (from === undefined) {
      this.upper = inside(this.spans.upper, posMm);
      this.lower = inside(this.spans.lower, posMm);
      return NONE;
    }
    if (from === posMm) return NONE;
    let crossings: { atMs: number; sensor: 'upper' | 'lower'; active: boolean }[] | undefined;
    for (const sensor of SENSORS) {
      const now = inside(this.spans[sensor], posMm);
      if (now === this[sensor]) continue;
      crossings ??= [];
      const boundary = nearestBoundary(this.spans[sensor], from, posMm) + this.o.jitterMm * gauss(this.random);
      const f = Math.min(1, Math.max(0, (boundary - from) / (posMm - from)));
      crossings.push({ atMs: t0 + f * (atMs - t0), sensor, active: now });
    }
    if (crossings === undefined) return NONE;
    crossings.sort((a, b) => a.atMs - b.atMs);
    return crossings.map((c) => {
      this[c.sensor] = c.active;
      return { atMs: c.atMs, upper: this.upper, lower: this.lower };
    });
  }
}

function inside(spans: readonly Span[], mm: number): boolean {
  return spans.some((s) => mm >= s.lo && mm <= s.hi);
}

/** The span boundary between two positions (the one crossed). */
function nearestBoundary(spans: readonly Span[], from: number, to: number): number {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  let best = to;
  let bestDist = Infinity;
  for (const s of spans) {
    for (const b of [s.lo, s.hi]) {
      if (b < lo || b > hi) continue;
      const d = Math.abs(b - from);
      if (d < bestDist) {
        bestDist = d;
        best = b;
      }
    }
  }
  return best;
}
