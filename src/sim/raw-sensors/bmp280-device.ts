import type { I2cDevice } from '../../../drivers/retrofit/i2c.js';
import { BMP280, type Bmp280Calibration, pressureTerms } from '../../../drivers/retrofit/sensors/bmp280.js';
import { gauss } from '../wear/gauss.js';
import { prng } from '../prng.js';

/** The calibration of the datasheet's worked example (section 8.2): a plausible chip. */
export const EXAMPLE_CALIBRATION: Bmp280Calibration = {
  T1: 27504,
  T2: 26435,
  T3: -1000,
  P1: 36477,
  P2: -10685,
  P3: 3024,
  P4: 2855,
  P5: 140,
  P6: -7,
  P7: 15500,
  P8: -14600,
  P9: 6000,
};

const STANDBY_MS = [0.5, 62.5, 125, 250, 500, 1000, 2000, 4000];
const OVERSAMPLING = [0, 1, 2, 4, 8, 16, 16, 16];
const IIR = [1, 2, 4, 8, 16, 16, 16, 16];

/**
 * A BMP280 register by register: chip id, calibration, ctrl_meas and config as the driver writes
 * them, and the data registers updated at each conversion of normal mode, through the chip's own
 * IIR filter and with its noise (≈ 3.8 Pa per conversion at ×1, shrinking with √oversampling) and
 * its temperature drift (≈ 1.5 Pa/K, datasheet: ±1.5 Pa/K "temperature coefficient of offset").
 * `freeze` stops the conversions: the registers keep their last value (a hung sensor).
 */
export class Bmp280Device implements I2cDevice {
  private readonly regs = new Uint8Array(256);
  private filtered: number | undefined;
  private readonly random: () => number;
  /** A fault: no more conversions. */
  freeze = false;
  /** Temperature coefficient of the pressure offset, Pa/K from 25 °C. */
  tempcoPaPerK = 1.5;

  constructor(
    readonly calibration: Bmp280Calibration = EXAMPLE_CALIBRATION,
    seed = 3,
  ) {
    this.random = prng(seed);
    this.regs[BMP280.CHIP_ID] = 0x58;
    const c = calibration;
    const words = [c.T1, c.T2, c.T3, c.P1, c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9];
    words.forEach((w, i) => {
      this.regs[BMP280.CALIB + 2 * i] = w & 0xff;
      this.regs[BMP280.CALIB + 2 * i + 1] = (w >> 8) & 0xff;
    });
    this.store(BMP280.DATA, BMP280.SKIPPED);
    this.store(BMP280.DATA + 3, BMP280.SKIPPED);
  }

  /** Conversion period in normal mode, ms; undefined in sleep (or forced) mode. */
  periodMs(): number | undefined {
    const ctrl = this.regs[BMP280.CTRL_MEAS]!;
    if ((ctrl & 3) !== 3) return undefined;
    const osT = OVERSAMPLING[(ctrl >> 5) & 7]!;
    const osP = OVERSAMPLING[(ctrl >> 2) & 7]!;
    const measureMs = 1.25 + 2.3 * osT + (osP > 0 ? 2.3 * osP + 0.575 : 0);
    return measureMs + STANDBY_MS[(this.regs[BMP280.CONFIG]! >> 5) & 7]!;
  }

  /** One conversion of the pressure at the sensor (Pa) at its temperature (°C). */
  convert(truePa: number, tempC: number): void {
    if (this.freeze || this.periodMs() === undefined) return;
    const osP = OVERSAMPLING[(this.regs[BMP280.CTRL_MEAS]! >> 2) & 7]!;
    const measured = truePa + this.tempcoPaPerK * (tempC - 25) + (3.8 / Math.sqrt(osP || 1)) * gauss(this.random);
    const k = IIR[(this.regs[BMP280.CONFIG]! >> 2) & 7]!;
    this.filtered = this.filtered === undefined || k === 1 ? measured : (this.filtered * (k - 1) + measured) / k;
    const tFine = tempC * 5120;
    this.store(BMP280.DATA, Math.round(adcPressure(this.calibration, tFine, this.filtered)));
    this.store(BMP280.DATA + 3, Math.round(adcTemperature(this.calibration, tFine)));
  }

  read(register: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.regs[(register + i) & 0xff]!;
    return out;
  }

  write(register: number, bytes: readonly number[]): void {
    bytes.forEach((b, i) => {
      const r = (register + i) & 0xff;
      if (r === BMP280.RESET && b === 0xb6) {
        this.regs[BMP280.CTRL_MEAS] = 0;
        this.regs[BMP280.CONFIG] = 0;
        this.filtered = undefined;
      } else if (r === BMP280.CTRL_MEAS || r === BMP280.CONFIG) this.regs[r] = b & 0xff;
    });
  }

  private store(register: number, adc20: number): void {
    const v = Math.max(0, Math.min(0xfffff, adc20));
    this.regs[register] = (v >> 12) & 0xff;
    this.regs[register + 1] = (v >> 4) & 0xff;
    this.regs[register + 2] = (v & 0xf) << 4;
  }
}

/** The raw temperature that compensates to `tFine` (the compensation's quadratic, solved). */
function adcTemperature(c: Bmp280Calibration, tFine: number): number {
  // t_fine = 8u·T2 + u²·T3 with u = adc/131072 − T1/8192.
  const u = (2 * tFine) / (8 * c.T2 + Math.sqrt(64 * c.T2 * c.T2 + 4 * c.T3 * tFine));
  return (u + c.T1 / 8192) * 131072;
}

/** The raw pressure that compensates to `pa` at `tFine`. */
function adcPressure(c: Bmp280Calibration, tFine: number, pa: number): number {
  const { k1, k2 } = pressureTerms(c, tFine);
  // pa = p + (P9·p²/2³¹ + P8·p/2¹⁵ + P7)/16, solved for p.
  const a = c.P9 / 2 ** 35;
  const b = 1 + c.P8 / 2 ** 19;
  const rhs = pa - c.P7 / 16;
  const p = (2 * rhs) / (b + Math.sqrt(b * b + 4 * a * rhs));
  return 1048576 - k2 / 4096 - (p * k1) / 6250;
}
