import { AnchorDrift, type LandingDrift } from './drift.js';
import { B, C, H, L, ShaftKalman, V, Y, type KalmanTuning } from './kalman.js';
import { AccelHealth, BaroHealth, QuietWindow } from './sensor-health.js';
import { heightAt, type ShaftModel } from './shaft.js';
import { classifyEdge, edgeOffsetMm, VaneCounter, type Sensor } from './vanes.js';

const STANDARD_GRAVITY = 9.80665;

export interface FusionOptions {
  shaft: ShaftModel;
  /** The accelerometer's range, m/s² (±2 g: 19.6): a sample at it is clipped, not believed. */
  accelFullScaleMps2: number;
  /** A sensor without a believable sample for this long makes what rests on it read bad, ms. */
  staleAfterMs: number;
  /** The landing the car stands at when fusion starts, if known (a learning run starts at the bottom). */
  startLanding?: number;
  tuning?: Partial<KalmanTuning>;
  /** Standard deviation of the accelerometer's noise that still counts as "quiet", m/s². */
  quietSigma?: number;
  /**
   * A learning run: the levels and edges are what is being measured, so no anchoring to them and
   * no barometer (its nominal gradient would pull the heights); standstills still zero the speed.
   */
  learning?: boolean;
  /** Told of every vane edge with the filter's height at it (the learning run records them). */
  onEdge?: (e: EdgeSeen) => void;
}

export interface EdgeSeen {
  /** The landing of the vane (absolute: counted from the known start). */
  landing: number | undefined;
  sensor: Sensor;
  end: 0 | 1;
  /** The filter's height at the edge, m. */
  heightM: number;
  at: number;
}

export interface FusedSample {
  value: number;
  quality: 'good' | 'bad';
  /** For a good sample, when its inputs were read; for a bad one, when they were last believable (or `now` while merely converging). */
  at: number;
}

export interface FusionStatus {
  /** The landing is known (vanes counted across the shaft, or a known start). */
  identified: boolean;
  landing: number | undefined;
  still: boolean;
  accelHealthy: boolean;
  baroHealthy: boolean;
  anchors: number;
  anchorsRejected: number;
  baroRejected: number;
  samplesRejected: number;
  biasMps2: number;
  /** Landings whose learned anchors no longer fit (re-learn advised when not empty). */
  drift: LandingDrift[];
  relearnAdvised: boolean;
}

/**
 * `offsetWalkPerMetre`: 0.5 m per √m is ≈ 0.9 m (10 Pa) per 3 m floor, the order of what a day's
 * stack effect moves one landing's pressure against its neighbour's. `offsetGradient`: 15 % of the
 * furthest the car has gone from the last vane, the pressure-per-metre a table may be off by over a long stretch —
 * the nominal 11.8 Pa/m against the shaft air's density (±5 % over the year) and a cold night's
 * stack effect (58 Pa over 48 m is 10 %), or learned signatures against a stack effect unlike the
 * learning run's.
 */
const DEFAULT_TUNING: KalmanTuning = { accelSigma: 0.05, biasWalk: 0.002, offsetWalk: 0.005, offsetWalkPerMetre: 0.5, offsetGradient: 0.15, baroLagS: 0.5 };
/** Baro height noise at the floor-change preset (≈ 6 cm RMS) plus signature interpolation, m. */
const BARO_SIGMA_M = 0.12;
/** Where a Hall sensor switches: repeatability plus the timing of the report, m and s. */
const EDGE_SIGMA_M = 0.004;
const EDGE_TIMING_S = 0.006;
/**
 * An identified edge further than this from where the car should be is refused (and counted), m.
 * Fixed, not widened by the filter's σ after a long run: a wider gate took a spurious Hall pulse
 * 1 m short of a vane for its edge and read good 1.1 m off (test/retrofit/fusion.property.test.ts).
 */
const EDGE_GATE_M = 1.0;
/** How far a landing's level in the table may be from its vane, m (a learning run's levels, or the drawings'). */
const LEVEL_SIGMA_M = 0.03;
/**
 * Unidentified, how far a new lowest vane is below the last one is taken from the table only when
 * every placement of the vanes seen in the shaft gives it within this, m: on a shaft of unequal
 * floors (a 4.5 m lobby under 3 m floors) the table does not say it, and the filter's own travel
 * does. Storeys that differ by centimetres (a tower's) stay within it.
 */
const SPACING_TOLERANCE_M = 0.25;
/**
 * The identified edges of this many different vanes in a row refused: the count is off (a missed
 * vane) or the filter is, and the landing is no longer believed. One vane's edges refused is a
 * spurious pulse or a long run's drift, which the next vane settles.
 */
const LOST_AFTER_VANES = 2;
/** Both Hall sensors on: the car is within the door zone, ±150 mm of its vane (σ of a uniform spread, plus margin), m. */
const DOOR_ZONE_SIGMA_M = 0.1;
/** A gap between accelerometer samples longer than this is not bridged by prediction, s. */
const MAX_GAP_S = 2;

/**
 * Vertical acceleration + pressure + door-zone magnets → speed and position (docs/retrofit.md).
 * Inputs arrive in time order (the normalizer sorts each poll's points); an accelerometer sample
 * advances the filter, the others correct it at their own time.
 */
export class ShaftFusion {
  private readonly kf: ShaftKalman;
  private readonly accelHealth: AccelHealth;
  private readonly baroHealth = new BaroHealth();
  private readonly quiet = new QuietWindow(12);
  private readonly counter: VaneCounter;
  private readonly drift: AnchorDrift;
  private lastAccelAt: number | undefined;
  private upper: boolean | undefined;
  private lower: boolean | undefined;
  private doorClosed: boolean | undefined;
  private inZoneSince: number | undefined;
  private quietSince: number | undefined;
  private stillSince: number | undefined;
  private referencedAt: number | undefined;
  /** Pressure at which the signature table reads its own reference (re-based at stops), Pa. */
  private pRef: number | undefined;
  private lastPa: number | undefined;
  private hypothesisMin = 0;
  /** The landing whose vane the offset state L belongs to. */
  private anchoredVane: number | undefined;
  private biasKnown = false;
  /**
   * The identification is refuted: edges of two vanes in a row refused, or the count ran past an
   * end. The position reads bad until an edge fits the count again, or the landing is found anew.
   */
  private lost = false;
  /** Lost, vanes counted afresh from where the identification was refuted: a landing once the car has seen the whole shaft. */
  private recount: VaneCounter | undefined;
  /** Re-identified from the height at a standstill: the position waits for an edge to confirm it. */
  private awaitingEdge = false;
  /** Refused identified edges: how many different vanes in a row, and the last one's index. */
  private refusedVanes = 0;
  private refusedAt: number | undefined;
  private stats = { anchors: 0, anchorsRejected: 0, baroRejected: 0 };

  constructor(private readonly o: FusionOptions) {
    this.kf = new ShaftKalman({ ...DEFAULT_TUNING, ...o.tuning });
    this.accelHealth = new AccelHealth(o.accelFullScaleMps2);
    this.counter = new VaneCounter(o.shaft.landings.length, o.startLanding);
    this.drift = new AnchorDrift(o.shaft.landings.length);
    const start = o.startLanding === undefined ? 0 : o.shaft.landings[o.startLanding]!.levelMm / 1000;
    // Learning, nothing fixes the sensitivity (no known distance): it stays the sensor's, and the run scales it out.
    this.kf.reset(start, o.startLanding === undefined ? 100 : 0.01, 0, 0.6, 0, o.learning ? 0 : 0.03);
  }

  /** Specific force along the car's vertical axis, m/s² (+ up; ≈ +9.81 standing still). */
  accel(f: number, at: number): void {
    if (!Number.isFinite(at) || (this.lastAccelAt !== undefined && !(at > this.lastAccelAt))) return;
    if (!this.accelHealth.sample(f, at).use) return;
    const a = f - STANDARD_GRAVITY;
    this.quiet.push(a);
    const still = this.isStill(at);
    let gap = this.lastAccelAt === undefined ? 0 : (at - this.lastAccelAt) / 1000;
    if (gap > MAX_GAP_S) {
      // Too long without the accelerometer to bridge: the motion in between is unknown.
      this.kf.forget(gap);
      gap = 0;
    }
    // A gap (lost reads) is bridged in short steps, the covariance growing as it should.
    do {
      const dt = Math.min(gap, 0.05);
      this.kf.predict(a, dt, still);
      gap -= dt;
    } while (gap > 1e-9);
    if (still) {
      this.kf.update([0, 1, 0, 0, 0, 0, 0], 0, 1e-4, 50);
      if (this.kf.variance(B) < 0.02 ** 2) this.biasKnown = true;
      this.stillSince ??= at;
      this.reidentify();
      this.reference(at);
    } else this.stillSince = undefined;
    this.lastAccelAt = at;
    if (!this.kf.healthy()) this.restart();
  }

  pressure(pa: number, at: number): void {
    if (!Number.isFinite(at) || !this.baroHealth.sample(pa, at).use) return;
    this.lastPa = pa;
    if (this.o.learning) return;
    if (this.pRef === undefined) {
      this.pRef = pa - this.signatureAt(this.kf.x[H]!);
      this.kf.x[C] = 0;
    }
    const m = heightAt(this.o.shaft, pa - this.pRef);
    const r = this.kf.update([0, 0, 0, 1, 1, 0, 0], m, BARO_SIGMA_M ** 2, 6);
    if (!r.accepted) {
      this.stats.baroRejected++;
      // Refused again and again: the offset itself is off (a weather front while unidentified).
      if (this.stats.baroRejected % 20 === 0) this.kf.x[C] = m - this.kf.x[Y]!;
    }
  }

  /** A Hall sensor's state (reported on every poll; only changes are edges). */
  sensor(which: Sensor, active: boolean, at: number): void {
    if (!Number.isFinite(at)) return;
    const before = which === 'upper' ? this.upper : this.lower;
    if (which === 'upper') this.upper = active;
    else this.lower = active;
    if (this.upper === undefined || this.lower === undefined) return;
    this.counter.start(this.upper, this.lower);
    this.inZoneSince = this.upper && this.lower ? (this.inZoneSince ?? at) : undefined;
    if (before === undefined || before === active) return;
    const edge = classifyEdge(which, active, which === 'upper' ? this.lower : this.upper);
    const wasAbsolute = this.counter.absolute;
    this.counter.edge(edge, active);
    let recounted = this.lost && !wasAbsolute && this.counter.absolute;
    if (this.recount !== undefined) {
      this.recount.edge(edge, active);
      if (this.recount.absolute && this.recount.index !== undefined) {
        this.counter.identify(this.recount.index);
        recounted = true;
      }
    }
    // Counted past an end: the count was wrong, and restarts relative to here.
    if (wasAbsolute && !this.counter.absolute && !this.lost) this.lose();
    // Lost with the count restarted, the filter keeps its own height (no hypothetical frame: the
    // height may be what finds the landing again) until a count has spanned the shaft.
    if (this.lost && !this.counter.absolute) {
      this.o.onEdge?.({ landing: undefined, sensor: which, end: edge.end, heightM: this.kf.x[H]!, at });
      return;
    }
    const dt = this.lastAccelAt === undefined ? 0 : Math.max(0, (at - this.lastAccelAt) / 1000);
    const ls = this.o.shaft.landings;
    // Where the filter has the car, in the frame before a re-base: a new lowest vane is here.
    const beforeRebase = this.kf.x[H]! + this.kf.x[V]! * dt;
    this.rebaseHypothesis(!wasAbsolute && this.counter.absolute && !recounted, () => (ls[0]!.levelMm + edgeOffsetMm(ls[0]!.edges, edge)) / 1000 - beforeRebase);
    const landing = this.vaneLanding();
    const predicted = this.kf.x[H]! + this.kf.x[V]! * dt;
    this.o.onEdge?.({ landing: this.identified() ? landing : undefined, sensor: which, end: edge.end, heightM: predicted, at });
    if (landing === undefined || this.o.learning) return;
    const identified = this.counter.absolute;
    const l = ls[landing]!;
    const z = (l.levelMm + edgeOffsetMm(l.edges, edge)) / 1000;
    // The first edge of a vane places the vane (its offset from the table, state L); the later ones
    // must agree with it, within the edges' accuracy: if they do not, the vane's geometry changed.
    const sameVane = landing === this.anchoredVane;
    if (recounted) {
      // Found again by counting across the shaft: the filter's height is what was refuted, so it
      // starts again from this edge, as after a cold start.
      this.found();
      this.anchoredVane = landing;
      this.kf.newVane(LEVEL_SIGMA_M);
      this.kf.reanchor(z - this.kf.x[V]! * dt, DOOR_ZONE_SIGMA_M ** 2);
    } else if (identified && Math.abs(z - predicted) > EDGE_GATE_M) {
      this.stats.anchorsRejected++;
      if (!this.lost) this.refused();
      return;
    } else if (!sameVane) {
      this.anchoredVane = landing;
      this.kf.newVane(LEVEL_SIGMA_M);
    }
    const inVane = this.kf.x[H]! + this.kf.x[V]! * dt - this.kf.x[L]! - z;
    // Unidentified, the vane's height above the lowest seen is as uncertain as the placements differ.
    const r = EDGE_SIGMA_M ** 2 + (this.kf.x[V]! * EDGE_TIMING_S) ** 2 + (identified ? 0 : (this.spacingSpreadM(landing) / 2) ** 2);
    // The edge is where the vane is: the table's level, moved by the vane's own offset (state L).
    const result = this.kf.update([1, dt, 0, 0, 0, 0, -1], z, r, identified ? 8 : 1e6);
    if (identified && sameVane) this.drift.edge(landing, inVane);
    if (result.accepted) {
      this.stats.anchors++;
      this.kf.anchored();
      // Lost, an edge that fits the count again: the filter had drifted (a long run without vanes), not the count.
      this.found();
      this.refusedVanes = 0;
      this.refusedAt = undefined;
      this.awaitingEdge = false;
    } else {
      this.stats.anchorsRejected++;
      if (identified && !this.lost) this.refused();
    }
  }

  /** An identified edge refused: the edges of a second vane in a row refused mean the count or the filter is wrong. */
  private refused(): void {
    const vane = this.counter.index;
    if (vane === this.refusedAt) return;
    this.refusedAt = vane;
    if (++this.refusedVanes >= LOST_AFTER_VANES) this.lose();
  }

  /**
   * The landing is no longer believed. The count goes on (the filter may be what is off, after a
   * long run without vanes: an edge that fits it again restores it), and so does the filter, on
   * the accelerometer and the barometer.
   */
  private lose(): void {
    this.lost = true;
    this.awaitingEdge = false;
    this.refusedVanes = 0;
    this.refusedAt = undefined;
    this.anchoredVane = undefined;
    this.recount = new VaneCounter(this.o.shaft.landings.length);
    this.recount.start(this.upper === true, this.lower === true);
  }

  private found(): void {
    this.lost = false;
    this.recount = undefined;
  }

  /**
   * Lost, standing still in a door zone: the landing whose level the filter's height is near,
   * if that is unambiguous — within a third of the way to the next landing, its σ small enough
   * that no other landing is plausible. The height then starts again from that level (the car is
   * within the door zone of it), and the position reads bad until an edge has confirmed it. Where
   * the barometer itself may be off (after a long run without vanes) σ is large and the landing is
   * found by counting across the shaft instead.
   */
  private reidentify(): void {
    if (!this.lost || !(this.upper && this.lower)) return;
    const h = this.kf.x[H]! * 1000;
    const sigma = Math.sqrt(this.kf.variance(H)) * 1000;
    const ls = this.o.shaft.landings;
    let k = 0;
    for (let i = 1; i < ls.length; i++) if (Math.abs(ls[i]!.levelMm - h) < Math.abs(ls[k]!.levelMm - h)) k = i;
    const level = ls[k]!.levelMm;
    const gap = Math.min(k > 0 ? level - ls[k - 1]!.levelMm : Infinity, k < ls.length - 1 ? ls[k + 1]!.levelMm - level : Infinity);
    const d = Math.abs(h - level);
    if (!(d <= gap / 3 && d + 3 * sigma <= gap / 2)) return;
    this.found();
    this.awaitingEdge = true;
    this.counter.identify(k);
    this.anchoredVane = undefined;
    this.kf.reanchor(level / 1000, DOOR_ZONE_SIGMA_M ** 2 + LEVEL_SIGMA_M ** 2);
  }

  /** The car door: closed, or not (opening, open, closing); undefined when unknown. */
  door(closed: boolean | undefined): void {
    this.doorClosed = closed;
  }

  speed(now: number): FusedSample {
    const v = this.kf.x[V]!;
    const at = this.lastAccelAt ?? now;
    if (!this.accelHealth.healthy(now, this.o.staleAfterMs)) return { value: v, quality: 'bad', at: this.accelHealth.goodAt ?? now };
    // Until the bias is known (the first standstill) the speed is a guess: unknown, but no sensor is lost.
    if (!this.biasKnown || this.kf.variance(V) > 0.1 ** 2) return { value: v, quality: 'bad', at: now };
    return { value: v, quality: 'good', at };
  }

  /** Height above the bottom landing, mm; good once the landing is identified. */
  position(now: number): FusedSample {
    const mm = this.kf.x[H]! * 1000;
    const speed = this.speed(now);
    if (speed.quality === 'bad') return { ...speed, value: mm };
    if (!this.baroHealth.healthy(now, Math.max(2000, this.o.staleAfterMs / 2))) return { value: mm, quality: 'bad', at: this.baroHealth.goodAt ?? now };
    // The last identified edge refused: the count or the height is in doubt until an edge fits again.
    const doubt = this.awaitingEdge || this.refusedVanes > 0;
    if (!this.identified() || doubt || this.kf.variance(H) > 0.3 ** 2) return { value: mm, quality: 'bad', at: now };
    return { value: mm, quality: 'good', at: speed.at };
  }

  /**
   * The car's position relative to the nearest landing's vane, mm (+ above): the levelling error,
   * from the magnet edges, exact to the edges even where the landing's level in the table is not.
   */
  levelingError(now: number): FusedSample {
    const p = this.position(now);
    const ls = this.o.shaft.landings;
    let best = 0;
    for (let i = 1; i < ls.length; i++) if (Math.abs(ls[i]!.levelMm - p.value) < Math.abs(ls[best]!.levelMm - p.value)) best = i;
    const vane = best === this.anchoredVane ? this.kf.x[L]! * 1000 : 0;
    return { ...p, value: p.value - ls[best]!.levelMm - vane };
  }

  status(now: number): FusionStatus {
    const drift = this.drift.advice();
    return {
      identified: this.identified(),
      landing: this.currentLanding(),
      still: this.stillSince !== undefined,
      accelHealthy: this.accelHealth.healthy(now, this.o.staleAfterMs),
      baroHealthy: this.baroHealth.healthy(now, this.o.staleAfterMs),
      anchors: this.stats.anchors,
      anchorsRejected: this.stats.anchorsRejected,
      baroRejected: this.stats.baroRejected + this.baroHealth.rejected,
      samplesRejected: this.accelHealth.rejected,
      biasMps2: this.kf.x[B]!,
      drift,
      relearnAdvised: drift.length > 0,
    };
  }

  /** The filter's height, m, and whether it has proven the car still (a learning run reads it at stops). */
  height(): { heightM: number; still: boolean; sinceMs: number | undefined } {
    return { heightM: this.kf.x[H]!, still: this.stillSince !== undefined, sinceMs: this.stillSince };
  }

  /** The landing of the vane the car is at, once known. */
  landing(): number | undefined {
    return this.currentLanding();
  }

  /** Per-landing anchor drift, for `diag learn --check`. */
  anchorDrift(): LandingDrift[] {
    return this.drift.all();
  }

  /**
   * Proven standstill: a quiet accelerometer and a speed estimate near zero, plus a reason the
   * car cannot be cruising — its door is open, it has stood in a door zone for a second, or it
   * has been quiet for two.
   */
  private isStill(at: number): boolean {
    const sigma = this.o.quietSigma ?? 0.08;
    // Around the bias as far as it is known: at a cold start it is not, and standing still is how it becomes known.
    if (!this.quiet.quiet(this.kf.x[B]!, sigma, 0.1 + 3 * Math.sqrt(this.kf.variance(B)))) {
      this.quietSince = undefined;
      return false;
    }
    this.quietSince ??= at;
    const gate = 0.1 + 3 * Math.sqrt(this.kf.variance(V));
    if (Math.abs(this.kf.x[V]!) > gate) return false;
    if (this.doorClosed === false) return true;
    if (this.inZoneSince !== undefined && at - this.inZoneSince >= 1000 && at - this.quietSince >= 500) return true;
    return at - this.quietSince >= 2000;
  }

  /**
   * Standing at an identified landing for 2 s: the pressure there becomes the signature table's
   * reference, so the table is read in the right segment whatever the weather did, and the
   * offset found is this landing's signature error (drift).
   */
  private reference(at: number): void {
    const landing = this.currentLanding();
    if (landing === undefined || this.lastPa === undefined || this.pRef === undefined || !(this.upper && this.lower)) return;
    if (this.stillSince === undefined || at - this.stillSince < 2000) return;
    if (this.referencedAt !== undefined && this.referencedAt >= this.stillSince) return;
    this.referencedAt = at;
    const offset = this.kf.x[C]!;
    const before = heightAt(this.o.shaft, this.lastPa - this.pRef);
    this.pRef = this.lastPa - this.signatureAt(this.kf.x[H]!);
    const after = heightAt(this.o.shaft, this.lastPa - this.pRef);
    this.kf.x[C] = this.kf.x[C]! + (after - before);
    this.drift.stop(landing, offset);
  }

  /** The signature's pressure (relative to the bottom landing) at a height, Pa: the inverse of heightAt near the landings. */
  private signatureAt(heightM: number): number {
    const ls = this.o.shaft.landings;
    let i = 0;
    while (i < ls.length - 2 && heightM * 1000 > ls[i + 1]!.levelMm) i++;
    const a = ls[i]!;
    const b = ls[i + 1]!;
    const t = (heightM * 1000 - a.levelMm) / (b.levelMm - a.levelMm);
    return a.pressurePa + t * (b.pressurePa - a.pressurePa);
  }

  private identified(): boolean {
    return this.counter.absolute && !this.lost;
  }

  private currentLanding(): number | undefined {
    return this.lost ? undefined : this.counter.landing();
  }

  /** The landing of the vane the car is at: absolute once identified, else with the lowest vane seen as the bottom. */
  private vaneLanding(): number | undefined {
    const i = this.counter.index;
    if (i === undefined) return undefined;
    const landing = this.counter.absolute ? i : i - this.counter.min;
    return landing >= 0 && landing < this.o.shaft.landings.length ? landing : undefined;
  }

  /**
   * Unidentified, the filter works in a hypothetical frame: the lowest vane seen so far (relative
   * index `hypothesisMin`) taken for the bottom landing. A lower vane, or the identification itself
   * (the count spanning the shaft), says which landing that vane really is: the frame moves up by
   * the levels in between, and the filter's height with it. On a shaft of unequal floors a lower
   * vane alone cannot say that: the frame then moves by the filter's own travel to it. `identifiedNow`: the count just became
   * absolute by spanning the shaft from the hypothetical frame (not by a recount while lost, whose
   * filter kept its own height and is re-anchored instead).
   */
  private rebaseHypothesis(identifiedNow: boolean, measuredShiftM: () => number): void {
    if (this.counter.absolute) {
      if (identifiedNow) this.shiftFrame(this.hypothesisMin - this.counter.rebased);
      this.hypothesisMin = 0;
      return;
    }
    if (this.counter.min === this.hypothesisMin || this.counter.index === undefined) return;
    const steps = this.hypothesisMin - this.counter.min;
    this.hypothesisMin = this.counter.min;
    // The table says how far the old lowest vane is above the new one only if every placement agrees;
    // otherwise the new vane is where the filter has the car, and the frame moves by that.
    if (this.spacingSpreadM(steps) <= SPACING_TOLERANCE_M) this.shiftFrame(steps);
    else this.moveFrame(measuredShiftM());
  }

  /**
   * Unidentified: how much the height of the vane `k` landings above the lowest seen, above that
   * one, differs between the places in the shaft the vanes seen so far may be, m (0 on even floors).
   */
  private spacingSpreadM(k: number): number {
    if (k === 0) return 0;
    const ls = this.o.shaft.landings;
    const span = this.counter.max - this.counter.min;
    let low = Infinity;
    let high = -Infinity;
    for (let j = 0; j + span < ls.length; j++) {
      const d = ls[j + k]!.levelMm - ls[j]!.levelMm;
      low = Math.min(low, d);
      high = Math.max(high, d);
    }
    return (high - low) / 1000;
  }

  /**
   * The vane that was the frame's bottom landing is landing `landing`: every height moves up by its
   * level. Always a landing: the count's span (max − min) never exceeds the shaft's.
   */
  private shiftFrame(landing: number): void {
    const ls = this.o.shaft.landings;
    this.moveFrame((ls[landing]!.levelMm - ls[0]!.levelMm) / 1000);
  }

  /** Every height of the frame moves up by `dh`, m. */
  private moveFrame(dh: number): void {
    this.kf.shift(dh);
    this.anchoredVane = undefined;
    // The barometer's reference was taken in the old frame, against its signature there: taken
    // again at the next reading, not carried as an offset the drift check would read as the
    // landing's signature error.
    this.pRef = undefined;
  }

  private restart(): void {
    const landing = this.currentLanding();
    const h = landing === undefined ? 0 : this.o.shaft.landings[landing]!.levelMm / 1000;
    this.kf.reset(h, landing === undefined ? 100 : 1, 0, 0.6);
    this.biasKnown = false;
    this.pRef = undefined;
    this.quiet.reset();
  }
}
