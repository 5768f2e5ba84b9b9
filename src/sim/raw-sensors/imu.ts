import { gauss } from '../wear/gauss.js';
import { prng } from '../prng.js';
import { LOCAL_GRAVITY } from './environment.js';

/**
 * What a MEMS accelerometer on the car roof measures along the vertical: the car's acceleration
 * plus gravity (specific force), through its imperfections, in the orders of the MPU-6050 and
 * ADXL345 datasheets: a noise density of a few hundred µg/√Hz, a zero-g offset of tens of mg
 * that drifts with temperature, a sensitivity off by about a percent.
 */
export interface ImuOptions {
  seed: number;
  /** µg/√Hz (MPU-6050: 400). */
  noiseDensityUg: number;
  /** Bandwidth of its low-pass, Hz (MPU-6050 DLPF 4: 21 Hz). */
  bandwidthHz: number;
  /** Zero-g offset at 25 °C, m/s² (0.35 ≈ 36 mg). */
  offsetMps2: number;
  /** Offset drift, m/s² per K (0.005 ≈ 0.5 mg/K). */
  tempcoMps2PerK: number;
  /** Sensitivity error, fraction. */
  scaleError: number;
}

const DEFAULT_IMU: ImuOptions = { seed: 5, noiseDensityUg: 400, bandwidthHz: 21, offsetMps2: 0.35, tempcoMps2PerK: 0.005, scaleError: 0.008 };

export class ImuModel {
  readonly o: ImuOptions;
  private readonly random: () => number;
  private readonly sigma: number;

  constructor(options: Partial<ImuOptions> = {}) {
    this.o = { ...DEFAULT_IMU, ...options };
    this.random = prng(this.o.seed);
    // White noise of density n over an effective noise bandwidth of π/2 × the filter's corner.
    this.sigma = this.o.noiseDensityUg * 1e-6 * 9.80665 * Math.sqrt((this.o.bandwidthHz * Math.PI) / 2);
  }

  /**
   * One sample: the horizontal axes (a slight tilt, and the same noise; nothing here reads them)
   * and the vertical specific force, m/s² (+ up). Written into `out`, which is returned.
   */
  sample(accelMps2: number, tempC: number, out: [number, number, number] = [0, 0, 0]): [number, number, number] {
    const o = this.o;
    const n = this.sigma * gauss(this.random);
    out[0] = 0.05 + n;
    out[1] = -0.03 - n;
    out[2] = (1 + o.scaleError) * (accelMps2 + LOCAL_GRAVITY) + o.offsetMps2 + o.tempcoMps2PerK * (tempC - 25) + this.sigma * gauss(this.random);
    return out;
  }
}
