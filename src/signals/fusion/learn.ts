import type { FusedInput } from './fused-signals.js';
import { type EdgeSeen, ShaftFusion } from './fusion.js';
import { type LearnedShaft, nominalEdges, shaftModel } from './shaft.js';

/**
 * The learning run (`elevgw diag learn`): the technician starts the car at the bottom landing and
 * sends it to every landing and back down, stopping a few seconds at each with the door open. At
 * each stop it records the pressure (the landing's signature) and, from the Hall sensors' edges
 * on the way in and out, where the vane switches each sensor relative to where the car stood.
 * The vanes are counted from the bottom, so landings may be visited in any order.
 *
 * Levels: hop by hop from the accelerometer, each hop integrated from standstill to standstill —
 * about ±13 mm per floor from the sensor's noise, so ±30 mm mid-shaft once the run is closed at
 * the bottom — and scaled by the sensor's sensitivity error (up to ±3 %), which the configured
 * bottom-to-top travel calibrates out. A configured level the measurement confirms (within
 * `LEVEL_TOLERANCE_MM`) is kept; one further off (a guessed lobby height, a typo) is replaced.
 * Pressures: the weather moves them during the run; the bottom landing read at start and end gives
 * the drift, removed linearly.
 */
interface LearnedLanding {
  /** The level to use: the configured one when the measurement confirms it, else the measured one. */
  levelMm: number;
  measuredMm: number;
  configuredMm: number;
  pressurePa: number;
  upperMm: [number, number];
  lowerMm: [number, number];
  /** Stops recorded here. */
  stops: number;
  /** Edges measured here (the rest are the nominal span from a measured one). */
  edges: number;
}

export interface LearnResult {
  landings: LearnedLanding[];
  /** For the site config: `elevators[].shaft`. */
  shaft: LearnedShaft;
  /** Weather drift seen between the first and last stop at the bottom, Pa per minute. */
  driftPaPerMin: number;
  /** The accelerometer's apparent travel against the configured one (its sensitivity error). */
  travelRatio: number;
}

interface Stop {
  landing: number;
  /** Height from the hops integrated so far (the bottom stop at start is 0), m. */
  heightM: number;
  at: number;
  pressure: { sum: number; n: number };
}

/** An edge with where it was relative to the stop before it (departure) or after it (arrival). */
interface EdgeAt {
  landing: number;
  key: string;
  offsetM: number;
}

const STOP_MIN_MS = 2000;
/** Three standard deviations of a measured level mid-shaft: beyond it, the configured level is wrong. */
const LEVEL_TOLERANCE_MM = 80;
/** A stop counts once the barometer has converted this many times during it (≈ 1.4 s at 7.3 Hz). */
const MIN_PRESSURES = 10;
const G0 = 9.80665;

export class ShaftLearner {
  private readonly fusion: ShaftFusion;
  private readonly stops: Stop[] = [];
  private readonly edges: EdgeAt[] = [];
  private current: Stop | undefined;
  private zone = { upper: false, lower: false };
  /** The motion since the car last stood: its accelerometer samples and the vane edges in it. */
  private segment: { from: Stop | undefined; bias: number; samples: { at: number; a: number }[]; edges: EdgeSeen[] } | undefined;
  private heightM = 0;

  constructor(
    private readonly configuredLevelsMm: readonly number[],
    private readonly o: { accelFullScaleMps2: number; vanes: { zoneMm: number; spreadMm: number } },
  ) {
    this.fusion = new ShaftFusion({
      shaft: shaftModel(configuredLevelsMm, undefined, o.vanes),
      accelFullScaleMps2: o.accelFullScaleMps2,
      staleAfterMs: 3000,
      startLanding: 0,
      learning: true,
      onEdge: (e) => this.segment?.edges.push(e),
    });
  }

  /** One poll's fused inputs (as the normalizer hands them), in time order. */
  feed(batch: readonly FusedInput[]): void {
    const sorted = [...batch].sort((a, b) => a.at - b.at);
    for (const i of sorted) {
      if (i.signal === 'accelVerticalMps2') this.accel(Number(i.value), i.at);
      else if (i.signal === 'pressurePa') {
        this.fusion.pressure(Number(i.value), i.at);
        if (this.current) {
          this.current.pressure.sum += Number(i.value);
          this.current.pressure.n++;
        }
      } else if (i.signal === 'doorZoneUpper' || i.signal === 'doorZoneLower') {
        const which = i.signal === 'doorZoneUpper' ? 'upper' : 'lower';
        this.zone[which] = Boolean(i.value);
        this.fusion.sensor(which, Boolean(i.value), i.at);
      } else if (i.signal === 'doorClosed') this.fusion.door(Boolean(i.value));
    }
  }

  /** Landings with a recorded stop, and whether the run may end (every landing, and back at the bottom). */
  progress(): { visited: number[]; at: number | undefined; complete: boolean } {
    const recorded = this.stops.filter((s) => s.pressure.n >= MIN_PRESSURES);
    const visited = [...new Set(recorded.map((s) => s.landing))].sort((a, b) => a - b);
    const n = this.configuredLevelsMm.length;
    const last = recorded.at(-1);
    return { visited, at: this.current?.landing, complete: visited.length === n && last !== undefined && last.landing === 0 && recorded.length > n };
  }

  /** The learned shaft, or why not yet. */
  result(): LearnResult | { missing: string } {
    const n = this.configuredLevelsMm.length;
    const done = this.stops.filter((s) => s.pressure.n >= MIN_PRESSURES);
    const missing = this.configuredLevelsMm.map((_, i) => i).filter((i) => !done.some((s) => s.landing === i));
    if (missing.length > 0) return { missing: `no stop recorded at landing(s) ${missing.map((i) => i + 1).join(', ')}` };
    const bottom = done.filter((s) => s.landing === 0);
    const first = bottom[0]!;
    const last = bottom.at(-1)!;
    const span = last.at - first.at;
    // Back at the bottom, what the integration and the weather moved is known: taken out linearly in time.
    const heightDrift = span > 0 ? (last.heightM - first.heightM) / span : 0;
    const mean = (s: Stop) => s.pressure.sum / s.pressure.n;
    const paDrift = span > 0 ? (mean(last) - mean(first)) / span : 0;
    const height = (s: Stop) => s.heightM - first.heightM - heightDrift * (s.at - first.at);
    const raw = Array.from({ length: n }, (_, i) => avg(done.filter((s) => s.landing === i).map(height)));
    const travel = (this.configuredLevelsMm.at(-1)! - this.configuredLevelsMm[0]!) / 1000;
    const ratio = raw[n - 1]! / travel;
    const measured = raw.map((h) => Math.round(this.configuredLevelsMm[0]! + (h / ratio) * 1000));
    const pressures = Array.from({ length: n }, (_, i) => avg(done.filter((s) => s.landing === i).map((s) => mean(s) - paDrift * (s.at - first.at))));
    const landings = measured.map((measuredMm, i) => {
      const e = this.edgesAt(i, ratio);
      const configuredMm = this.configuredLevelsMm[i]!;
      const levelMm = Math.abs(measuredMm - configuredMm) > LEVEL_TOLERANCE_MM ? measuredMm : configuredMm;
      return {
        levelMm,
        measuredMm,
        configuredMm,
        pressurePa: round1(pressures[i]! - pressures[0]!),
        upperMm: e.upper,
        lowerMm: e.lower,
        stops: done.filter((s) => s.landing === i).length,
        edges: e.measured,
      };
    });
    return {
      landings,
      shaft: { landings: landings.map((l) => ({ pressurePa: l.pressurePa, upperMm: l.upperMm, lowerMm: l.lowerMm })) },
      driftPaPerMin: round1(paDrift * 60_000),
      travelRatio: Math.round(ratio * 10_000) / 10_000,
    };
  }

  private accel(f: number, at: number): void {
    this.fusion.accel(f, at);
    const h = this.fusion.height();
    if (!h.still) {
      if (!this.segment) this.segment = { from: this.current, bias: this.fusion.status(at).biasMps2, samples: [], edges: [] };
      this.segment.samples.push({ at, a: f - G0 - this.segment.bias });
      this.current = undefined;
      return;
    }
    const inZone = this.zone.upper && this.zone.lower;
    const landing = this.fusion.landing();
    if (this.current || !inZone || landing === undefined || h.sinceMs === undefined || at - h.sinceMs < STOP_MIN_MS) return;
    if (this.segment) this.closeHop(this.segment, landing, h.sinceMs);
    this.segment = undefined;
    this.current = { landing, heightM: this.heightM, at, pressure: { sum: 0, n: 0 } };
    this.stops.push(this.current);
  }

  /**
   * A hop from standstill to standstill: integrated twice with the speed forced back to zero at
   * its end (a linear correction, which takes out what is left of the bias), its vane edges placed
   * on the way — relative to the stop they left or the one they reached.
   */
  private closeHop(seg: NonNullable<ShaftLearner['segment']>, landing: number, stillAt: number): void {
    const samples = seg.samples.filter((s) => s.at <= stillAt);
    if (samples.length < 2) return;
    const t0 = samples[0]!.at - (samples[1]!.at - samples[0]!.at);
    const t1 = samples.at(-1)!.at;
    let v = 0;
    let prev = t0;
    const vs: number[] = [];
    for (const s of samples) {
      v += s.a * ((s.at - prev) / 1000);
      prev = s.at;
      vs.push(v);
    }
    const vEnd = v;
    let d = 0;
    prev = t0;
    let lastV = 0;
    const track: { at: number; d: number }[] = [{ at: t0, d: 0 }];
    samples.forEach((s, k) => {
      const dt = (s.at - prev) / 1000;
      const corrected = vs[k]! - (vEnd * (s.at - t0)) / (t1 - t0);
      d += ((lastV + corrected) / 2) * dt;
      lastV = corrected;
      prev = s.at;
      track.push({ at: s.at, d });
    });
    const hop = d;
    for (const e of seg.edges) {
      // An edge once the car stands is a sensor dropping out, not a vane passing: not an edge's place.
      if (e.landing === undefined || e.at > stillAt) continue;
      const de = at(track, e.at);
      const key = `${e.sensor}${e.end}`;
      if (e.landing === seg.from?.landing) this.edges.push({ landing: e.landing, key, offsetM: de });
      else if (e.landing === landing) this.edges.push({ landing, key, offsetM: de - hop });
    }
    this.heightM += hop;
  }

  /** Where each sensor switched at a landing, relative to where the car stood. */
  private edgesAt(landing: number, ratio: number): { upper: [number, number]; lower: [number, number]; measured: number } {
    const nominal = nominalEdges(this.o.vanes.zoneMm, this.o.vanes.spreadMm);
    const pick = (key: string): number | undefined => {
      const v = this.edges.filter((e) => e.landing === landing && e.key === key && Math.abs(e.offsetM) < 0.5).map((e) => (e.offsetM / ratio) * 1000);
      return v.length > 0 ? avg(v) : undefined;
    };
    let measured = 0;
    const span = (sensor: 'upper' | 'lower'): [number, number] => {
      const nom = nominal[sensor];
      const lo = pick(`${sensor}0`);
      const hi = pick(`${sensor}1`);
      measured += (lo === undefined ? 0 : 1) + (hi === undefined ? 0 : 1);
      // An end never crossed (above the top landing, below the bottom) keeps the nominal span from the other.
      const from = lo ?? (hi === undefined ? nom[0] : hi - (nom[1] - nom[0]));
      const to = hi ?? from + (nom[1] - nom[0]);
      return [Math.round(from), Math.round(to)];
    };
    return { upper: span('upper'), lower: span('lower'), measured };
  }
}

/** The integrated distance at a time, between the samples around it. */
function at(track: readonly { at: number; d: number }[], t: number): number {
  for (let i = 1; i < track.length; i++) {
    const b = track[i]!;
    if (b.at >= t) {
      const a = track[i - 1]!;
      return a.d + ((b.d - a.d) * (t - a.at)) / (b.at - a.at || 1);
    }
  }
  return track.at(-1)!.d;
}

function avg(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
