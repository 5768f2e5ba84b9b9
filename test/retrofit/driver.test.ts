import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeGpioLines } from '../../drivers/gpio/fake-lines.js';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import { FakeI2cBus } from '../../drivers/retrofit/fake-i2c.js';
import type { I2cBus, I2cDevice } from '../../drivers/retrofit/i2c.js';
import { johnnyFiveConnector } from '../../drivers/retrofit/johnny-five.js';
import { openI2cBus, piRetrofitConnector } from '../../drivers/retrofit/pi-i2c.js';
import { BMP280, compensate, parseCalibration } from '../../drivers/retrofit/sensors/bmp280.js';
import { MPU6050, readFifo, setUpMpu6050 } from '../../drivers/retrofit/sensors/mpu6050.js';
import { FakeClock } from '../../src/core/clock.js';
import { isElevgwError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';
import { Bmp280Device, EXAMPLE_CALIBRATION } from '../../src/sim/raw-sensors/bmp280-device.js';
import { Mpu6050Device } from '../../src/sim/raw-sensors/mpu6050-device.js';
import { retrofitBoard } from './rig.js';

const calibrationBytes = () => new Bmp280Device().read(BMP280.CALIB, 24);

describe('BMP280: raw pressure, the floor-change preset', () => {
  it("compensates the datasheet's worked example (adc_T 519888, adc_P 415148 → 25.08 °C, 100653 Pa)", () => {
    const c = parseCalibration(calibrationBytes());
    expect(c).toEqual(EXAMPLE_CALIBRATION);
    const d = Uint8Array.from([415148 >> 12, (415148 >> 4) & 0xff, (415148 & 0xf) << 4, 519888 >> 12, (519888 >> 4) & 0xff, (519888 & 0xf) << 4]);
    const r = compensate(c, d)!;
    expect(r.temperatureC).toBeCloseTo(25.08, 2);
    expect(r.pressurePa).toBeCloseTo(100653.3, 0);
  });

  it('refuses calibration that is short or blank, naming the reason', () => {
    expect(() => parseCalibration(calibrationBytes().subarray(0, 23))).toThrow(
      expect.objectContaining({ code: 'SENSOR_INVALID', message: 'BMP280 calibration: 23 bytes, expected 24' }),
    );
    // dig_T1 at bytes 0–1, dig_P1 at 6–7: erased (0x0000) or absent (0xFFFF) either way.
    for (const [at, fill] of [
      [0, 0x00],
      [6, 0x00],
      [0, 0xff],
      [6, 0xff],
    ] as const) {
      const b = Uint8Array.from(calibrationBytes());
      b[at] = fill;
      b[at + 1] = fill;
      expect(() => parseCalibration(b), `bytes ${at}–${at + 1} = ${fill}`).toThrow(/BMP280 calibration reads blank/);
    }
  });

  it('reads no value from short data, a skipped channel, or a temperature no lift shaft has', () => {
    const c = parseCalibration(calibrationBytes());
    const data = (adcP: number, adcT: number) => Uint8Array.from([adcP >> 12, (adcP >> 4) & 0xff, (adcP & 0xf) << 4, adcT >> 12, (adcT >> 4) & 0xff, (adcT & 0xf) << 4]);
    expect(compensate(c, data(415148, 519888).subarray(0, 5))).toBeUndefined();
    expect(compensate(c, data(BMP280.SKIPPED, 519888))).toBeUndefined();
    expect(compensate(c, data(415148, BMP280.SKIPPED))).toBeUndefined();
    // adc_T for about -46, -44, 89 and 91 °C with the datasheet's calibration.
    const t = (adcT: number) => compensate(c, data(415148, adcT))?.temperatureC;
    expect(t(294848)).toBeUndefined();
    expect(t(301136)).toBeCloseTo(-44, 1);
    expect(t(725424)).toBeCloseTo(89, 1);
    expect(t(731904)).toBeUndefined();
  });

  it('reads what the simulated chip converts, through its IIR filter, to its noise', () => {
    const chip = new Bmp280Device();
    chip.write(BMP280.CONFIG, [BMP280.PRESET_CONFIG]);
    chip.write(BMP280.CTRL_MEAS, [BMP280.PRESET_CTRL_MEAS]);
    expect(chip.periodMs()).toBeCloseTo(BMP280.PRESET_PERIOD_MS, 0);
    const c = parseCalibration(chip.read(BMP280.CALIB, 24));
    const readings: number[] = [];
    for (let i = 0; i < 200; i++) {
      chip.convert(95_000, 25);
      readings.push(compensate(c, chip.read(BMP280.DATA, 6))!.pressurePa);
    }
    const settled = readings.slice(20);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    const sd = Math.sqrt(settled.reduce((a, b) => a + (b - mean) ** 2, 0) / settled.length);
    expect(mean).toBeCloseTo(95_000, 0);
    // 6.4 cm RMS at the preset: ≈ 0.75 Pa.
    expect(sd).toBeGreaterThan(0.4);
    expect(sd).toBeLessThan(1.1);
  });

  it('refuses a blank calibration, and a skipped conversion reads as no reading', () => {
    expect(() => parseCalibration(new Uint8Array(24))).toThrow(/calibration reads blank/);
    const skipped = Uint8Array.from([0x80, 0, 0, 0x80, 0, 0]);
    expect(compensate(EXAMPLE_CALIBRATION, skipped)).toBeUndefined();
  });

  it('never turns I²C garbage into NaN: a reading is finite or none', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 0, maxLength: 8 }), (cal, data) => {
        let c: ReturnType<typeof parseCalibration>;
        try {
          c = parseCalibration(cal);
        } catch (e) {
          expect(isElevgwError(e, 'SENSOR_INVALID')).toBe(true);
          return;
        }
        const r = compensate(c, data);
        if (r) expect([r.pressurePa, r.temperatureC].every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('MPU-6050 FIFO', () => {
  const bus = (device: I2cDevice) => new FakeI2cBus(new Map([[0x68, device]]));

  it('empties the FIFO in whole samples, in Wire-sized reads, along the chosen axis', async () => {
    const chip = new Mpu6050Device();
    chip.write(MPU6050.PWR_MGMT_1, [1]);
    for (let i = 0; i < 7; i++) chip.push([1, 2, 9.80665 * (i / 8)]);
    const r = await readFifo(bus(chip), 0x68, 'z');
    expect(r.counts).toEqual([0, 2048, 4096, 6144, 8192, 10240, 12288]);
  });

  it('a FIFO that overflowed is reset, not read out of step', async () => {
    const chip = new Mpu6050Device();
    for (let i = 0; i < 200; i++) chip.push([0, 0, 9.8]);
    const r = await readFifo(bus(chip), 0x68, 'z');
    expect(r).toEqual({ counts: [], overflowed: true });
  });

  /** A chip that answers INT_STATUS 0 and the given FIFO count, and a FIFO of numbered samples; it records every access. */
  function counted(count: number) {
    const reads: [number, number][] = [];
    const writes: [number, readonly number[]][] = [];
    let sample = 0;
    const device: I2cDevice = {
      read: (reg, n) => {
        reads.push([reg, n]);
        if (reg === MPU6050.FIFO_COUNT) return Uint8Array.of(count >> 8, count & 0xff);
        if (reg === MPU6050.FIFO_R_W) return Uint8Array.from({ length: n }, (_, i) => (i % 6 === 5 ? sample++ : 0));
        return Uint8Array.of(0);
      },
      write: (reg, bytes) => {
        writes.push([reg, bytes]);
      },
    };
    return { device, reads, writes };
  }
  const resetWrites = [
    [MPU6050.USER_CTRL, [MPU6050.USER_FIFO_RESET]],
    [MPU6050.USER_CTRL, [MPU6050.USER_FIFO_EN]],
    [MPU6050.FIFO_EN, [MPU6050.FIFO_ACCEL]],
  ];

  it('a FIFO count no FIFO can hold is garbage on the bus: the FIFO is reset and nothing is read', async () => {
    const over = counted(MPU6050.FIFO_BYTES + 1);
    expect(await readFifo(bus(over.device), 0x68, 'z')).toEqual({ counts: [], overflowed: true });
    expect(over.writes).toEqual(resetWrites);
    expect(over.reads.filter(([reg]) => reg === MPU6050.FIFO_R_W)).toEqual([]);
    const full = counted(MPU6050.FIFO_BYTES);
    const r = await readFifo(bus(full.device), 0x68, 'z');
    expect([r.overflowed, r.counts.length, full.writes]).toEqual([false, 170, []]); // 1024 bytes: 170 whole samples
  });

  it('reads whole samples only, in reads of at most 30 bytes; a partial sample waits for the next read', async () => {
    const c = counted(6 * 11 + 4);
    const r = await readFifo(bus(c.device), 0x68, 'z');
    expect(r).toEqual({ counts: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], overflowed: false });
    expect(c.reads.filter(([reg]) => reg === MPU6050.FIFO_R_W).map(([, n]) => n)).toEqual([30, 30, 6]);
  });

  it('set-up refuses a chip that is not an MPU-6050 (or a 6500/9250), naming what it read', async () => {
    const chip = (id: number | undefined): I2cDevice => ({ read: () => (id === undefined ? new Uint8Array(0) : Uint8Array.of(id)), write: () => undefined });
    await expect(setUpMpu6050(bus(chip(0x00)), 0x68)).rejects.toThrow(
      expect.objectContaining({ code: 'SENSOR_INVALID', message: 'no MPU-6050 at 0x68: WHO_AM_I 0x0 (expected 0x68)' }),
    );
    await expect(setUpMpu6050(bus(chip(undefined)), 0x68)).rejects.toThrow(/WHO_AM_I 0x0/);
    for (const id of [0x68, 0x70, 0x71]) await expect(setUpMpu6050(bus(chip(id)), 0x68)).resolves.toBeUndefined();
  });

  it('garbage from the bus gives counts in range or an empty read, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 64 }), async (junk) => {
        const device: I2cDevice = { read: (reg, n) => junk.slice(reg % 32, (reg % 32) + n), write: () => undefined };
        const r = await readFifo(bus(device), 0x68, 'z');
        for (const c of r.counts) expect(Number.isInteger(c) && c >= -32768 && c <= 32767).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RetrofitDriver', () => {
  function rig() {
    const board = retrofitBoard('retrofit-pi-i2c-sensorbox');
    const baro = new Bmp280Device();
    const accel = new Mpu6050Device();
    const bus = new FakeI2cBus(
      new Map<number, I2cDevice>([
        [0x76, baro],
        [0x68, accel],
      ]),
    );
    const lines = new FakeGpioLines(Object.fromEntries(board.points.flatMap((p) => ('line' in p.source ? [[p.source.line, 1]] : []))));
    const clock = new FakeClock(0);
    const driver = new RetrofitDriver({ board, connect: piRetrofitConnector({ bus: async () => bus, lines: async () => lines }), clock, logger: silentLogger });
    return { board, baro, accel, bus, lines, clock, driver };
  }

  it("sets the barometer to the datasheet's floor-change preset and the accelerometer to ±2 g, 21 Hz, 50 Hz into its FIFO", async () => {
    const r = rig();
    await r.driver.open();
    expect(r.baro.read(BMP280.CTRL_MEAS, 2)).toEqual(Uint8Array.from([0x2f, 0x48])); // ×1 T, ×4 P, normal; 125 ms, IIR 4
    expect(r.accel.periodMs()).toBe(20);
    expect([...r.accel.read(MPU6050.CONFIG, 1), ...r.accel.read(MPU6050.ACCEL_CONFIG, 1)]).toEqual([4, 0]);
  });

  it('gives every FIFO sample at its own time, a new barometer conversion once, and each contact edge when it happened', async () => {
    const r = rig();
    await r.driver.open();
    for (let i = 0; i < 5; i++) r.accel.push([0, 0, 9.80665 + i * 0.01]);
    r.baro.convert(101_000, 20);
    r.clock.advance(37);
    r.lines.set(27, 0); // the upper Hall sensor (active low) meets a vane
    r.clock.advance(63);
    const points = await r.driver.poll('sensors');
    const accel = points.filter((p) => p.point === 'accel');
    expect(accel.map((p) => p.at)).toEqual([0, 20, 40, 60, 80].map((t) => t + 20 - 10)); // the read's time, spaced by the period, less half a period
    expect(accel.at(-1)!.value).toBeCloseTo(9.84665, 3);
    expect(points.filter((p) => p.point === 'pressure')).toHaveLength(1);
    expect(points.filter((p) => p.point === 'zoneUpper')).toEqual([
      { point: 'zoneUpper', value: true, at: 37, quality: 'good' },
      { point: 'zoneUpper', value: true, at: 100, quality: 'good' },
    ]);
    r.clock.advance(100);
    expect((await r.driver.poll('sensors')).filter((p) => p.point === 'pressure')).toEqual([]); // no new conversion
  });

  it('a sensor that stops answering reads bad (health degraded, I2C_IO); the box gone reads lost', async () => {
    const r = rig();
    await r.driver.open();
    r.bus.attach(0x76, {
      read: () => {
        throw new Error('nack');
      },
      write: () => undefined,
    });
    r.clock.advance(100);
    const points = await r.driver.poll('sensors');
    expect(points.filter((p) => p.point === 'pressure').map((p) => p.quality)).toEqual(['bad']);
    expect(r.driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'I2C_IO' });
  });

  it('garbage on the bus never reaches the signals as NaN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 256, maxLength: 256 }), async (junk) => {
        const board = retrofitBoard('retrofit-pi-i2c-sensorbox');
        const good = new Bmp280Device();
        const mpu = new Mpu6050Device();
        let garbage = false;
        const wrap = (d: I2cDevice): I2cDevice => ({ read: (reg, n) => (garbage ? junk.slice(reg & 0x7f, (reg & 0x7f) + n) : d.read(reg, n)), write: (reg, b) => d.write(reg, b) });
        const bus: I2cBus & { close(): Promise<void> } = Object.assign(
          new FakeI2cBus(
            new Map([
              [0x76, wrap(good)],
              [0x68, wrap(mpu)],
            ]),
          ),
          {},
        );
        const clock = new FakeClock(0);
        const driver = new RetrofitDriver({
          board,
          connect: piRetrofitConnector({ bus: async () => bus as never, lines: async () => new FakeGpioLines() }),
          clock,
          logger: silentLogger,
        });
        const n = new SignalNormalizer(board, { floorLevelsMm: [0, 3000, 6000], stationaryMps: 0.05, staleAfterMs: 3000 });
        await driver.open();
        garbage = true;
        for (let i = 0; i < 5; i++) {
          clock.advance(100);
          const pts = await driver.poll('sensors');
          for (const p of pts) expect(typeof p.value === 'boolean' || Number.isFinite(p.value)).toBe(true);
          n.update(pts);
          const s = n.snapshot(clock.now());
          for (const v of Object.values(s)) if (typeof v?.value === 'number') expect(Number.isFinite(v.value)).toBe(true);
        }
        await driver.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('optional packages', () => {
  it('a retrofit-firmata box without johnny-five says which package to install', async () => {
    const connect = johnnyFiveConnector({
      path: '/dev/ttyUSB0',
      baudRate: 57600,
      importFirmata: async () => ({ Firmata: class {} }),
      importJohnnyFive: async () => {
        throw new Error("Cannot find package 'johnny-five'");
      },
    });
    await expect(connect()).rejects.toMatchObject({ code: 'DRIVER_OPEN_FAILED', message: expect.stringMatching(/optional package "johnny-five" \(npm install johnny-five\)/) });
  });

  it('the Pi bus maps a NACK from i2c-bus to I2C_IO, and a missing i2c-bus to DRIVER_OPEN_FAILED', async () => {
    const stand = {
      openPromisified: async () => ({
        readI2cBlock: async () => {
          throw Object.assign(new Error('EREMOTEIO: remote I/O error'), { code: 'EREMOTEIO' });
        },
        writeI2cBlock: async () => ({ bytesWritten: 1 }),
        close: async () => undefined,
      }),
    };
    const bus = await openI2cBus(1, async () => stand);
    await expect(bus.read(0x76, 0xd0, 1)).rejects.toMatchObject({ code: 'I2C_IO', message: expect.stringMatching(/0x76 on \/dev\/i2c-1: EREMOTEIO/) });
    await expect(
      openI2cBus(1, async () => {
        throw new Error('not found');
      }),
    ).rejects.toMatchObject({ code: 'DRIVER_OPEN_FAILED' });
  });
});
