import { ElevgwError } from '../../../src/core/errors.js';
import type { I2cBus } from '../i2c.js';

/**
 * InvenSense MPU-6050 accelerometer (register map RM-MPU-6000A): ±2 g, the digital low-pass at
 * 21 Hz, 50 samples/s into its 1024-byte FIFO, which the driver empties at every poll — so every
 * sample is used, at its own time, whatever the poll jitter (the Pi's scheduler, a Firmata round
 * trip). 400 µg/√Hz noise density; offset up to ±50 mg on z, drifting with temperature: the
 * fusion estimates it.
 */
export const MPU6050 = {
  SMPLRT_DIV: 0x19,
  CONFIG: 0x1a,
  ACCEL_CONFIG: 0x1c,
  FIFO_EN: 0x23,
  INT_STATUS: 0x3a,
  USER_CTRL: 0x6a,
  PWR_MGMT_1: 0x6b,
  FIFO_COUNT: 0x72,
  FIFO_R_W: 0x74,
  WHO_AM_I: 0x75,
  ID: 0x68,
  /** DLPF_CFG 4: accelerometer bandwidth 21 Hz, gyro output rate 1 kHz. */
  DLPF_21HZ: 4,
  /** 1 kHz / (1 + 19) = 50 Hz. */
  DIV_50HZ: 19,
  SAMPLE_PERIOD_MS: 20,
  /** ±2 g: 16384 LSB per g. */
  LSB_PER_G: 16384,
  FIFO_ACCEL: 0x08,
  USER_FIFO_EN: 0x40,
  USER_FIFO_RESET: 0x04,
  INT_FIFO_OFLOW: 0x10,
  FIFO_BYTES: 1024,
} as const;

/** Bytes per FIFO read: a Firmata board's Wire buffer holds 32, so 5 samples of 6 bytes. */
const FIFO_CHUNK = 30;

export async function setUpMpu6050(bus: I2cBus, address: number): Promise<void> {
  const id = (await bus.read(address, MPU6050.WHO_AM_I, 1))[0];
  // WHO_AM_I reads 0x68 even with AD0 high (address 0x69); MPU-6500/9250 modules sold as such read 0x70/0x71.
  if (id === undefined || ![0x68, 0x70, 0x71].includes(id)) {
    throw new ElevgwError('SENSOR_INVALID', `no MPU-6050 at 0x${address.toString(16)}: WHO_AM_I 0x${(id ?? 0).toString(16)} (expected 0x68)`);
  }
  await bus.write(address, MPU6050.PWR_MGMT_1, [0x01]); // awake, clock from the X gyro's PLL
  await bus.write(address, MPU6050.CONFIG, [MPU6050.DLPF_21HZ]);
  await bus.write(address, MPU6050.SMPLRT_DIV, [MPU6050.DIV_50HZ]);
  await bus.write(address, MPU6050.ACCEL_CONFIG, [0x00]);
  await resetFifo(bus, address);
}

/** Empties the FIFO and starts it again with the accelerometer only (also after an overflow, when it is out of step). */
async function resetFifo(bus: I2cBus, address: number): Promise<void> {
  await bus.write(address, MPU6050.USER_CTRL, [MPU6050.USER_FIFO_RESET]);
  await bus.write(address, MPU6050.USER_CTRL, [MPU6050.USER_FIFO_EN]);
  await bus.write(address, MPU6050.FIFO_EN, [MPU6050.FIFO_ACCEL]);
}

export type Axis = 'x' | 'y' | 'z';
const AXIS_OFFSET: Record<Axis, number> = { x: 0, y: 2, z: 4 };

export interface FifoRead {
  /** Raw counts along the chosen axis, oldest first. */
  counts: number[];
  /** The FIFO had overflowed: samples were lost and it was reset. */
  overflowed: boolean;
}

/** Everything in the FIFO, in whole samples. */
export async function readFifo(bus: I2cBus, address: number, axis: Axis): Promise<FifoRead> {
  const status = (await bus.read(address, MPU6050.INT_STATUS, 1))[0] ?? 0;
  if (status & MPU6050.INT_FIFO_OFLOW) {
    await resetFifo(bus, address);
    return { counts: [], overflowed: true };
  }
  const n = await bus.read(address, MPU6050.FIFO_COUNT, 2);
  const available = ((n[0]! << 8) | n[1]!) & 0x7ff;
  if (available > MPU6050.FIFO_BYTES) {
    await resetFifo(bus, address); // a count no FIFO can hold: garbage on the bus
    return { counts: [], overflowed: true };
  }
  const whole = available - (available % 6);
  const counts: number[] = [];
  for (let done = 0; done < whole; done += FIFO_CHUNK) {
    const bytes = await bus.read(address, MPU6050.FIFO_R_W, Math.min(FIFO_CHUNK, whole - done));
    for (let i = 0; i + 6 <= bytes.length; i += 6) counts.push(int16(bytes[i + AXIS_OFFSET[axis]]!, bytes[i + AXIS_OFFSET[axis] + 1]!));
  }
  return { counts, overflowed: false };
}

function int16(hi: number, lo: number): number {
  return (((hi << 8) | lo) << 16) >> 16;
}
