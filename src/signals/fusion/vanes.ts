import type { ZoneEdges } from './shaft.js';

/**
 * The car's two Hall sensors and the landings' vanes. The upper sensor sits higher on the car, so
 * it meets a vane first on the way up and leaves it last on the way down; around each landing
 * the pattern is, from below: nothing · upper · both (the door zone) · lower · nothing.
 *
 * Which end of which sensor's span an edge is follows from the *other* sensor's state alone, so
 * an edge is placed exactly, without knowing the speed:
 *
 * | edge of    | other sensor | where (relative to the level) |
 * |------------|--------------|-------------------------------|
 * | upper      | lower off    | upper[0], the vane's low end   |
 * | upper      | lower on     | upper[1]                       |
 * | lower      | upper on     | lower[0]                       |
 * | lower      | upper off    | lower[1], the vane's high end  |
 */
export type Sensor = 'upper' | 'lower';

export interface VaneEdge {
  sensor: Sensor;
  /** 0: the low end of that sensor's span, 1: the high end. */
  end: 0 | 1;
  /** The car moves up through this edge (a rising upper at its low end, …). */
  up: boolean;
}

export function classifyEdge(sensor: Sensor, active: boolean, otherActive: boolean): VaneEdge {
  const end: 0 | 1 = sensor === 'upper' ? (otherActive ? 1 : 0) : otherActive ? 0 : 1;
  // Becoming active at a low end, or inactive at a high end, is moving up.
  const up = active ? end === 0 : end === 1;
  return { sensor, end, up };
}

/** Where an edge lies relative to its landing's level, mm. */
export function edgeOffsetMm(edges: ZoneEdges, e: VaneEdge): number {
  return (e.sensor === 'upper' ? edges.upper : edges.lower)[e.end];
}

/** The vane's outermost edges: the car enters or leaves a vane through them. */
function outermost(e: VaneEdge): 'low' | 'high' | undefined {
  if (e.sensor === 'upper' && e.end === 0) return 'low';
  if (e.sensor === 'lower' && e.end === 1) return 'high';
  return undefined;
}

/**
 * Counts vanes, which needs no metres: each vane the car enters is the one it left again (it
 * came back through the same end) or the next one up or down. From the lowest and highest vane
 * counted it knows the landing once the car has seen the whole shaft — a sound identification
 * after a cold start, when the weather offset makes the barometer's absolute reading useless.
 */
export class VaneCounter {
  /** The vane the car is at or last left: a landing once `absolute`, else relative to the first seen. */
  index: number | undefined;
  absolute = false;
  min = 0;
  max = 0;
  /**
   * When the count became absolute by spanning the shaft: the relative index that became landing 0
   * (what was subtracted from every relative index). The fusion moves its hypothetical frame by it.
   */
  rebased = 0;
  private left: 'low' | 'high' | undefined;
  private inside = false;
  private started = false;

  /** `known`: the landing the car stands at when counting starts (a learning run starts at the bottom). */
  constructor(
    private readonly landings: number,
    private readonly known?: number,
  ) {}

  /** The landing of the current vane once known. */
  landing(): number | undefined {
    return this.absolute ? this.index : undefined;
  }

  /** The sensors when first read: a car standing at a vane starts counting from it. */
  start(upper: boolean, lower: boolean): void {
    if (this.started) return;
    this.started = true;
    this.inside = upper || lower;
    if (this.known !== undefined) this.set(this.known, true);
    else if (this.inside) this.set(0, false);
  }

  /** One edge (after `start`); returns the vane's index when the car just entered one. */
  edge(e: VaneEdge, active: boolean): number | undefined {
    const side = outermost(e);
    if (side === undefined) return undefined;
    if (!active) {
      this.inside = false;
      this.left = side;
      return undefined;
    }
    if (this.inside) return undefined;
    this.inside = true;
    if (this.index === undefined) this.set(0, false);
    // Through the low end from below: the next vane up, unless the car left the last one downwards.
    else if (side === 'low' && this.left === 'high') this.set(this.index + 1, this.absolute);
    else if (side === 'high' && this.left === 'low') this.set(this.index - 1, this.absolute);
    return this.index;
  }

  private set(index: number, absolute: boolean): void {
    if (absolute && (index < 0 || index >= this.landings)) {
      // Counted past an end: a miscount. Start over, relative to here.
      this.index = 0;
      this.absolute = false;
      this.min = this.max = 0;
      return;
    }
    if (absolute && !this.absolute) this.min = this.max = index; // a known landing starts the span afresh
    this.index = index;
    this.absolute = absolute;
    this.min = Math.min(this.min, index);
    this.max = Math.max(this.max, index);
    // Once the span covers the shaft, relative indices become landings.
    if (!this.absolute && this.max - this.min === this.landings - 1) {
      this.rebased = this.min;
      this.index = index - this.min;
      this.max -= this.min;
      this.min = 0;
      this.absolute = true;
    }
  }

  /** The fusion placed the car at a landing by other evidence (a learning run's known start, the height at a standstill). */
  identify(landing: number): void {
    this.set(landing, true);
  }
}
