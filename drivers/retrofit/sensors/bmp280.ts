import { ElevgwError } from '../../../src/core/errors.js';
import type { I2cBus } from '../i2c.js';

/**
 * Bosch BMP280 barometer (datasheet BST-BMP280-DS001): registers, the "elevator / floor change
 * detection" preset and the floating-point compensation of section 8.1.
 *
 * Raw pressure, not altitude: johnny-five's BMP280 driver rounds altitude to whole metres and
 * never sets the IIR filter, which leaves ≈ 1.3 Pa of noise per conversion — a floor is ≈ 35 Pa.
 * The preset (normal mode, pressure ×4 and temperature ×1 oversampling, IIR coefficient 4,
 * 125 ms standby: 7.3 Hz, 6.4 cm RMS) is written to the sensor's own registers at every open.
 */
export const BMP280 = {
  CHIP_ID: 0xd0,
  RESET: 0xe0,
  STATUS: 0xf3,
  CTRL_MEAS: 0xf4,
  CONFIG: 0xf5,
  DATA: 0xf7,
  CALIB: 0x88,
  /** What CHIP_ID reads on a BMP280 (0x60 would be a BME280, which has the same pressure part). */
  IDS: [0x58, 0x60] as readonly number[],
  /** osrs_t ×1 (001), osrs_p ×4 (011), normal mode (11). */
  PRESET_CTRL_MEAS: (0b001 << 5) | (0b011 << 2) | 0b11,
  /** t_sb 125 ms (010), IIR coefficient 4 (010), no 3-wire SPI. */
  PRESET_CONFIG: (0b010 << 5) | (0b010 << 2),
  /** 1 / (13.3 ms measurement + 125 ms standby). */
  PRESET_PERIOD_MS: 138.3,
  IIR_COEFFICIENT: 4,
  /** A channel skipped or not yet measured reads 0x80000. */
  SKIPPED: 0x80000,
} as const;

export interface Bmp280Calibration {
  T1: number;
  T2: number;
  T3: number;
  P1: number;
  P2: number;
  P3: number;
  P4: number;
  P5: number;
  P6: number;
  P7: number;
  P8: number;
  P9: number;
}

/** The 24 calibration bytes from 0x88: dig_T1 (u16), dig_T2, dig_T3, dig_P1 (u16), dig_P2 … dig_P9, little-endian. */
export function parseCalibration(b: Uint8Array): Bmp280Calibration {
  if (b.length < 24) throw new ElevgwError('SENSOR_INVALID', `BMP280 calibration: ${b.length} bytes, expected 24`);
  const u16 = (i: number) => b[i]! | (b[i + 1]! << 8);
  const s16 = (i: number) => (u16(i) << 16) >> 16;
  const c = { T1: u16(0), T2: s16(2), T3: s16(4), P1: u16(6), P2: s16(8), P3: s16(10), P4: s16(12), P5: s16(14), P6: s16(16), P7: s16(18), P8: s16(20), P9: s16(22) };
  // Erased or absent (all 0x00 or 0xFF): compensation would divide by zero or give nonsense.
  if (c.T1 === 0 || c.P1 === 0 || c.T1 === 0xffff || c.P1 === 0xffff)
    throw new ElevgwError('SENSOR_INVALID', 'BMP280 calibration reads blank: not a BMP280, or it is not answering');
  return c;
}

export interface Bmp280Reading {
  /** Compensated pressure, Pa. */
  pressurePa: number;
  temperatureC: number;
  /** The raw 20-bit pressure value, for spotting a converter that stopped. */
  rawPressure: number;
}

/** The six data bytes from 0xF7 (press msb, lsb, xlsb, temp msb, lsb, xlsb) → a reading; undefined when a channel was skipped or the numbers are impossible. */
export function compensate(c: Bmp280Calibration, d: Uint8Array): Bmp280Reading | undefined {
  if (d.length < 6) return undefined;
  const adcP = (d[0]! << 12) | (d[1]! << 4) | (d[2]! >> 4);
  const adcT = (d[3]! << 12) | (d[4]! << 4) | (d[5]! >> 4);
  if (adcP === BMP280.SKIPPED || adcT === BMP280.SKIPPED) return undefined;
  const tFine = temperatureFine(c, adcT);
  const pressurePa = pressureFrom(c, tFine, adcP);
  const temperatureC = tFine / 5120;
  if (!Number.isFinite(pressurePa) || !Number.isFinite(temperatureC) || temperatureC < -45 || temperatureC > 90) return undefined;
  return { pressurePa, temperatureC, rawPressure: adcP };
}

function temperatureFine(c: Bmp280Calibration, adcT: number): number {
  const v1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const v2 = (adcT / 131072 - c.T1 / 8192) ** 2 * c.T3;
  return v1 + v2;
}

/** The pressure terms that depend on temperature only: p = (1048576 − adcP − k2/4096) × 6250 / k1, then the quadratic correction. */
export function pressureTerms(c: Bmp280Calibration, tFine: number): { k1: number; k2: number } {
  let v1 = tFine / 2 - 64000;
  let v2 = (v1 * v1 * c.P6) / 32768;
  v2 = v2 + v1 * c.P5 * 2;
  v2 = v2 / 4 + c.P4 * 65536;
  v1 = ((c.P3 * v1 * v1) / 524288 + c.P2 * v1) / 524288;
  v1 = (1 + v1 / 32768) * c.P1;
  return { k1: v1, k2: v2 };
}

function pressureFrom(c: Bmp280Calibration, tFine: number, adcP: number): number {
  const { k1, k2 } = pressureTerms(c, tFine);
  if (k1 === 0) return NaN;
  const p = ((1048576 - adcP - k2 / 4096) * 6250) / k1;
  return p + ((c.P9 * p * p) / 2147483648 + (p * c.P8) / 32768 + c.P7) / 16;
}

/** Checks the chip, writes the floor-change preset, reads the calibration. */
export async function setUpBmp280(bus: I2cBus, address: number): Promise<Bmp280Calibration> {
  const id = (await bus.read(address, BMP280.CHIP_ID, 1))[0];
  if (id === undefined || !BMP280.IDS.includes(id)) {
    throw new ElevgwError('SENSOR_INVALID', `no BMP280 at 0x${address.toString(16)}: chip id 0x${(id ?? 0).toString(16)} (expected 0x58)`);
  }
  // CONFIG is written only while in sleep mode to take effect reliably (datasheet 5.4.6): sleep, config, then measure.
  await bus.write(address, BMP280.CTRL_MEAS, [0]);
  await bus.write(address, BMP280.CONFIG, [BMP280.PRESET_CONFIG]);
  await bus.write(address, BMP280.CTRL_MEAS, [BMP280.PRESET_CTRL_MEAS]);
  return parseCalibration(await bus.read(address, BMP280.CALIB, 24));
}
