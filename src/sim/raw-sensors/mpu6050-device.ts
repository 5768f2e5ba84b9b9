import type { I2cDevice } from '../../../drivers/retrofit/i2c.js';
import { MPU6050 } from '../../../drivers/retrofit/sensors/mpu6050.js';

/**
 * An MPU-6050 register by register: WHO_AM_I, the configuration the driver writes, and a FIFO
 * the simulator fills at the configured sample rate while it is enabled — 1024 bytes, an
 * overflow flag, reads of FIFO_R_W popping bytes. `freeze` makes it repeat one sample (a stuck
 * chip or bus); a sample beyond ±2 g is clipped to full scale, as the chip does.
 */
export class Mpu6050Device implements I2cDevice {
  private readonly regs = new Uint8Array(128);
  /** The FIFO as a ring: `count` bytes from `head`. */
  private readonly fifo = new Uint8Array(MPU6050.FIFO_BYTES);
  private head = 0;
  private count = 0;
  private readonly sample: Uint8Array = new Uint8Array(6);
  private frozen: Uint8Array | undefined;
  /** A fault: the chip repeats its last sample. */
  freeze = false;
  /** A fault: the vertical axis reads full scale. */
  saturate = false;

  constructor() {
    this.regs[MPU6050.WHO_AM_I] = MPU6050.ID;
    this.regs[MPU6050.PWR_MGMT_1] = 0x40; // asleep after power-up
  }

  /** Sample period as configured, ms; undefined while asleep or the FIFO is off. */
  periodMs(): number | undefined {
    if (this.regs[MPU6050.PWR_MGMT_1]! & 0x40) return undefined;
    if (!(this.regs[MPU6050.USER_CTRL]! & MPU6050.USER_FIFO_EN) || !(this.regs[MPU6050.FIFO_EN]! & MPU6050.FIFO_ACCEL)) return undefined;
    const dlpf = this.regs[MPU6050.CONFIG]! & 7;
    const base = dlpf === 0 || dlpf === 7 ? 8000 : 1000;
    return 1000 / (base / (1 + this.regs[MPU6050.SMPLRT_DIV]!));
  }

  /** One sample (m/s² per axis) into the FIFO. */
  push(axes: readonly [number, number, number]): void {
    const lsbPerMps2 = (MPU6050.LSB_PER_G >> ((this.regs[MPU6050.ACCEL_CONFIG]! >> 3) & 3)) / 9.80665;
    let bytes: Uint8Array = this.sample;
    for (let i = 0; i < 3; i++) {
      const v = clamp16((i === 2 && this.saturate ? 40 : axes[i]!) * lsbPerMps2) & 0xffff;
      bytes[2 * i] = v >> 8;
      bytes[2 * i + 1] = v & 0xff;
    }
    if (this.freeze) bytes = this.frozen ??= bytes.slice();
    else this.frozen = undefined;
    if (this.count + 6 > MPU6050.FIFO_BYTES) {
      this.regs[MPU6050.INT_STATUS] = this.regs[MPU6050.INT_STATUS]! | MPU6050.INT_FIFO_OFLOW;
      this.head = (this.head + 6) % MPU6050.FIFO_BYTES; // the oldest sample is overwritten
      this.count -= 6;
    }
    for (let i = 0; i < 6; i++) this.fifo[(this.head + this.count + i) % MPU6050.FIFO_BYTES] = bytes[i]!;
    this.count += 6;
  }

  read(register: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (register === MPU6050.FIFO_R_W) {
      for (let i = 0; i < length && this.count > 0; i++) {
        out[i] = this.fifo[this.head]!;
        this.head = (this.head + 1) % MPU6050.FIFO_BYTES;
        this.count--;
      }
      return out;
    }
    for (let i = 0; i < length; i++) {
      const r = register + i;
      if (r === MPU6050.FIFO_COUNT) out[i] = (this.count >> 8) & 0xff;
      else if (r === MPU6050.FIFO_COUNT + 1) out[i] = this.count & 0xff;
      else out[i] = this.regs[r & 0x7f]!;
    }
    if (register <= MPU6050.INT_STATUS && register + length > MPU6050.INT_STATUS) this.regs[MPU6050.INT_STATUS] = 0; // cleared on read
    return out;
  }

  write(register: number, bytes: readonly number[]): void {
    bytes.forEach((b, i) => {
      const r = (register + i) & 0x7f;
      if (r === MPU6050.USER_CTRL && b & MPU6050.USER_FIFO_RESET) {
        this.count = 0;
        this.head = 0;
        this.regs[r] = b & ~MPU6050.USER_FIFO_RESET;
        return;
      }
      if (r !== MPU6050.WHO_AM_I) this.regs[r] = b & 0xff;
    });
  }
}

function clamp16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}
