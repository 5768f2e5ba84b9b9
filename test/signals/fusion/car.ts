import type { FusedInput } from '../../../src/signals/fusion/fused-signals.js';
import { type EdgeSeen, type FusionOptions, ShaftFusion } from '../../../src/signals/fusion/fusion.js';
import { nominalEdges, shaftModel, type ZoneEdges } from '../../../src/signals/fusion/shaft.js';

/**
 * A synthetic car for the fusion's tests: a shaft of landings at `LEVELS` (0, 3, 6 m) unless a
 * car is given its own, no simulator.
 */

export const G0 = 9.80665;
export const FULL_SCALE = 2 * G0;
const LEVELS = [0, 3000, 6000];
export const P0 = 100_000;
const PA_PER_M = 11.8;
const STEP_MS = 10;

/** A fusion over `levels`, told it starts at the bottom landing unless `o` says otherwise. */
export function fusion(o: Partial<FusionOptions> = {}, levels: readonly number[] = LEVELS): ShaftFusion {
  return new ShaftFusion({ shaft: shaftModel([...levels]), accelFullScaleMps2: FULL_SCALE, staleAfterMs: 3000, startLanding: 0, ...o });
}

/** Accelerometer samples of a car at rest every 10 ms from `from` to `to` (inclusive), ± `noise` alternating. */
export function rest(f: ShaftFusion, from: number, to: number, noise = 0.01): void {
  for (let t = from; t <= to; t += STEP_MS) f.accel(G0 + ((t / STEP_MS) % 2 === 0 ? noise : -noise), t);
}

export interface CarOptions {
  /** The shaft's landing levels, mm (default `LEVELS`). */
  levels?: readonly number[];
  /** Not told where it starts: the fusion must identify the landing by counting vanes. */
  coldStart?: boolean;
  startMm?: number;
  biasMps2?: number;
  /** The accelerometer's sensitivity error: it reads the car's acceleration (1 + scale) times (0.03: 3 % high). */
  scale?: number;
  /** Where each landing's vane really is, relative to the table's level, mm. */
  vaneShiftMm?: readonly number[];
  /** Where each landing's vane really switches each sensor, mm from its vane (default: nominal). */
  vaneEdges?: readonly (ZoneEdges | undefined)[];
  /** The shaft's real pressure at a height above the bottom landing, relative to it, Pa (default −11.8 Pa/m). */
  pressurePa?: (hM: number) => number;
  /** At power-up the box reports the lower Hall sensor before the upper one. */
  lowerFirst?: boolean;
  /** Also handed every input the fusion gets, as the normalizer would (a learning run's learner). */
  tap?: (input: FusedInput) => void;
}

/**
 * A synthetic car and sensor box: exact kinematics in 1 ms sub-steps, an accelerometer sample
 * every 10 ms (the force over the step, ±0.01 m/s² alternating so it never repeats), a barometer
 * every 140 ms (11.8 Pa/m, lagged 0.5 s as the filter models it, ±0.3 Pa alternating) and the two
 * Hall sensors switching at the nominal spans around each vane, reported at the ms they switch.
 */
export class Car {
  t = 0;
  hMm: number;
  v = 0;
  upper = false;
  lower = false;
  /** Feed the accelerometer / barometer (false: the sensor says nothing). */
  accelOn = true;
  baroOn = true;
  /** The weather: added to every pressure reading from now on, Pa (+ is a rising barometer, the car reading lower). */
  weatherPa = 0;
  /** The landings whose vane the Hall sensors do not see (one missed pass). */
  blind = new Set<number>();
  readonly edges: EdgeSeen[] = [];
  readonly f: ShaftFusion;
  readonly levels: readonly number[];
  private baroM: number;
  private n = 0;
  private nBaro = 0;

  constructor(
    o: Partial<FusionOptions> = {},
    readonly car: CarOptions = {},
  ) {
    this.levels = car.levels ?? LEVELS;
    const start = car.coldStart ? { startLanding: undefined } : {};
    this.f = fusion({ onEdge: (e) => this.edges.push(e), ...start, ...o }, this.levels);
    this.hMm = car.startMm ?? 0;
    this.baroM = this.hMm / 1000;
    this.zone();
    for (const which of car.lowerFirst ? (['lower', 'upper'] as const) : (['upper', 'lower'] as const)) this.report(which, 0);
    this.sample(0);
  }

  private zone(): void {
    const at = (which: 'upper' | 'lower') =>
      this.levels.some((l, i) => {
        const c = l + (this.car.vaneShiftMm?.[i] ?? 0);
        const span = (this.car.vaneEdges?.[i] ?? nominalEdges())[which];
        return !this.blind.has(i) && this.hMm >= c + span[0] && this.hMm <= c + span[1];
      });
    this.upper = at('upper');
    this.lower = at('lower');
  }

  private report(which: 'upper' | 'lower', at: number): void {
    const active = which === 'upper' ? this.upper : this.lower;
    this.f.sensor(which, active, at);
    this.car.tap?.({ signal: which === 'upper' ? 'doorZoneUpper' : 'doorZoneLower', value: active, at });
  }

  private sample(a: number): void {
    const noise = this.n++ % 2 === 0 ? 0.01 : -0.01;
    if (this.accelOn) {
      const f = G0 + a * (1 + (this.car.scale ?? 0)) + (this.car.biasMps2 ?? 0) + noise;
      this.f.accel(f, this.t);
      this.car.tap?.({ signal: 'accelVerticalMps2', value: f, at: this.t });
    }
    if (this.baroOn && this.t % 140 === 0) {
      const pa = P0 + this.weatherPa + (this.car.pressurePa?.(this.baroM) ?? -PA_PER_M * this.baroM) + (this.nBaro++ % 2 === 0 ? 0.3 : -0.3);
      this.f.pressure(pa, this.t);
      this.car.tap?.({ signal: 'pressurePa', value: pa, at: this.t });
    }
  }

  /** 10 ms at acceleration `a` (m/s², + up). */
  step(a: number): void {
    for (let k = 1; k <= STEP_MS; k++) {
      const dt = 0.001;
      this.hMm += (this.v * dt + 0.5 * a * dt * dt) * 1000;
      this.v += a * dt;
      this.baroM += (1 - Math.exp(-dt / 0.5)) * (this.hMm / 1000 - this.baroM);
      const [u, l] = [this.upper, this.lower];
      this.zone();
      if (u !== this.upper) this.report('upper', this.t + k);
      if (l !== this.lower) this.report('lower', this.t + k);
    }
    this.t += STEP_MS;
    this.sample(a);
  }

  stand(ms: number): void {
    for (let i = 0; i < ms / STEP_MS; i++) this.step(0);
  }

  /** A trapezoidal trip to `toMm` (at least 1 m, in 10 mm steps): 1 s at 1 m/s², the cruise at 1 m/s, 1 s braking. `during` runs after each cruise step. */
  trip(toMm: number, during?: (elapsedMs: number) => void): void {
    const d = Math.round(toMm - this.hMm);
    const s = Math.sign(d);
    for (let i = 0; i < 100; i++) this.step(s);
    for (let i = 0; i < (Math.abs(d) - 1000) / STEP_MS; i++) {
      this.step(0);
      during?.((i + 1) * STEP_MS);
    }
    for (let i = 0; i < 100; i++) this.step(-s);
  }
}
