/**
 * Whether the learned anchors still fit the shaft: per landing, how far the barometer's offset
 * moves between consecutive stops (a signature that no longer matches today's stack effect) and
 * how far a vane's later edges land from where its first edge of the pass puts them (a magnet
 * strip that slipped, a bent sensor bracket). A vane moved as a whole cannot be told from a car
 * that stops off level there: the levelling-error rule reports that one.
 * Exponential averages over stops; `advice()` says when a new learning run is worth it.
 */
export interface LandingDrift {
  landing: number;
  /** Barometric signature error against the other landings, m (≈ 11.8 Pa per m). */
  baroM: number;
  /** Mean disagreement of a vane's edges with each other, mm (a few mm when it still fits). */
  edgeMm: number;
  stops: number;
  edges: number;
}

const ALPHA = 0.2;
/** Beyond a third of a floor the barometer would misplace the car between vanes. */
const BARO_DRIFT_LIMIT_M = 1.0;
/** A vane off by more than a levelling tolerance shifts every levelling measurement. */
const EDGE_DRIFT_LIMIT_MM = 8;
/** Stops (or edges) at a landing before its drift is judged. */
export const MIN_SAMPLES = 5;

export class AnchorDrift {
  private readonly landings: LandingDrift[];

  constructor(count: number) {
    this.landings = Array.from({ length: count }, (_, landing) => ({ landing, baroM: 0, edgeMm: 0, stops: 0, edges: 0 }));
  }

  /** The barometric offset found at a stop, relative to the previous stop's (where it was reset). */
  stop(landing: number, offsetM: number): void {
    const l = this.landings[landing];
    if (!l || !Number.isFinite(offsetM)) return;
    l.baroM = l.stops === 0 ? offsetM : l.baroM + ALPHA * (offsetM - l.baroM);
    l.stops++;
  }

  /** A magnet edge against the vane as its earlier edges of the same pass placed it, m. */
  edge(landing: number, innovationM: number): void {
    const l = this.landings[landing];
    if (!l || !Number.isFinite(innovationM)) return;
    const mm = Math.abs(innovationM) * 1000;
    l.edgeMm = l.edges === 0 ? mm : l.edgeMm + ALPHA * (mm - l.edgeMm);
    l.edges++;
  }

  all(): LandingDrift[] {
    return this.landings.map((l) => ({ ...l, baroM: round(l.baroM, 3), edgeMm: round(l.edgeMm, 1) }));
  }

  /** The landings whose anchors drifted beyond the limits (empty: the learned shaft still fits). */
  advice(): LandingDrift[] {
    return this.all().filter((l) => (l.stops >= MIN_SAMPLES && Math.abs(l.baroM) > BARO_DRIFT_LIMIT_M) || (l.edges >= MIN_SAMPLES && l.edgeMm > EDGE_DRIFT_LIMIT_MM));
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
