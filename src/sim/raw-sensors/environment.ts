import { prng } from '../prng.js';

/**
 * The air around the simulated car over a day: the weather moving the pressure by several hPa,
 * the shaft warming and cooling, and the stack effect — the shaft's air column against the
 * outdoor one, which offsets each landing's pressure differently by tens of Pa on a cold day,
 * as much as a floor's worth. Deterministic for a seed.
 */
export interface EnvironmentOptions {
  seed: number;
  /** Pressure at the bottom landing at time 0, Pa. */
  basePa: number;
  /** Weather trend, Pa per day (a front: −500 is 5 hPa falling over the day). */
  trendPaPerDay: number;
  /** Semidiurnal atmospheric tide amplitude, Pa. */
  tidePa: number;
  /** Shaft (and sensor) temperature: mean and daily swing amplitude, °C. */
  shaftMeanC: number;
  shaftSwingC: number;
  /** Outdoor temperature: mean and daily swing, °C (drives the stack effect). */
  outdoorMeanC: number;
  outdoorSwingC: number;
  /** Stack effect per kelvin of shaft − outdoor difference at the shaft's ends, Pa/K. */
  stackPaPerK: number;
  /** Where in the day simulated time 0 falls, ms after midnight (a run can start in the afternoon). */
  startOfDayMs: number;
}

const DAY_MS = 86_400_000;

const DEFAULT_ENVIRONMENT: EnvironmentOptions = {
  seed: 11,
  basePa: 101_200,
  trendPaPerDay: -500,
  tidePa: 90,
  shaftMeanC: 18,
  shaftSwingC: 4,
  outdoorMeanC: 2,
  outdoorSwingC: 6,
  stackPaPerK: 1.6,
  startOfDayMs: 0,
};

/** Specific gas constant of dry air, J/(kg·K), and gravity at Wuhan, m/s². */
const R_AIR = 287.05;
export const LOCAL_GRAVITY = 9.7936;

export class Environment {
  readonly o: EnvironmentOptions;
  private readonly landingShape: number[];

  constructor(
    private readonly levelsMm: readonly number[],
    options: Partial<EnvironmentOptions> = {},
  ) {
    this.o = { ...DEFAULT_ENVIRONMENT, ...options };
    const random = prng(this.o.seed);
    const top = levelsMm.at(-1)! || 1;
    // Linear in height about a neutral plane at mid-shaft, plus each landing's own leak (lobby doors, vents).
    this.landingShape = levelsMm.map((l) => (l / top - 0.5) * 2 + (random() - 0.5) * 0.6);
  }

  /** Coldest at dawn, warmest mid-afternoon. */
  shaftC(tMs: number): number {
    return this.o.shaftMeanC + this.o.shaftSwingC * Math.sin((2 * Math.PI * (tMs + this.o.startOfDayMs)) / DAY_MS - Math.PI / 2);
  }

  outdoorC(tMs: number): number {
    return this.o.outdoorMeanC + this.o.outdoorSwingC * Math.sin((2 * Math.PI * (tMs + this.o.startOfDayMs)) / DAY_MS - Math.PI / 2);
  }

  /** Pressure at the bottom landing from the weather alone, Pa: a front's trend and the semidiurnal tide. */
  weatherPa(tMs: number): number {
    const t = tMs + this.o.startOfDayMs;
    return this.o.basePa + (this.o.trendPaPerDay * t) / DAY_MS + this.o.tidePa * Math.sin((4 * Math.PI * t) / DAY_MS);
  }

  /** The stack effect's offset at a height, Pa: each landing's, interpolated between them. */
  stackPa(heightMm: number, tMs: number): number {
    const k = this.o.stackPaPerK * (this.shaftC(tMs) - this.outdoorC(tMs));
    return k * interpolate(this.levelsMm, this.landingShape, heightMm);
  }

  /** Pressure in the shaft at the car's height: hydrostatic with the shaft air's density, plus the stack offset. */
  pressurePa(heightMm: number, tMs: number): number {
    const p0 = this.weatherPa(tMs);
    const rho = p0 / (R_AIR * (this.shaftC(tMs) + 273.15));
    return p0 - rho * LOCAL_GRAVITY * (heightMm / 1000) + this.stackPa(heightMm, tMs);
  }
}

function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]!) {
      const t = (x - xs[i - 1]!) / (xs[i]! - xs[i - 1]!);
      return ys[i - 1]! + t * (ys[i]! - ys[i - 1]!);
    }
  }
  return ys.at(-1)!;
}
