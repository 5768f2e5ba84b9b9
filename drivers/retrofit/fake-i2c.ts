import { ElevgwError } from '../../src/core/errors.js';
import type { I2cBus, I2cDevice } from './i2c.js';

/**
 * An I²C bus in memory with devices by address: the Pi's bus in tests and in the simulator.
 * `failRate` makes transactions fail now and then (a NACK, an EREMOTEIO), from a seeded sequence
 * so a run repeats; `unplug()` makes every transaction fail until `plug()`.
 */
export class FakeI2cBus implements I2cBus {
  readonly description = 'fake i2c';
  transactions = 0;
  failures = 0;
  private gone = false;
  private seed: number;

  constructor(
    private readonly devices: Map<number, I2cDevice>,
    private readonly failRate = 0,
    seed = 1,
  ) {
    this.seed = seed >>> 0 || 1;
  }

  attach(address: number, device: I2cDevice): void {
    this.devices.set(address, device);
  }

  unplug(): void {
    this.gone = true;
  }

  plug(): void {
    this.gone = false;
  }

  async close(): Promise<void> {
    // Nothing to release: the devices stay attached for the next open.
  }

  async read(address: number, register: number, length: number): Promise<Uint8Array> {
    return this.device(address, 'read').read(register, length);
  }

  async write(address: number, register: number, bytes: readonly number[]): Promise<void> {
    this.device(address, 'write').write(register, bytes);
  }

  private device(address: number, op: string): I2cDevice {
    this.transactions++;
    const d = this.devices.get(address);
    if (this.gone || d === undefined || this.chance() < this.failRate) {
      this.failures++;
      throw new ElevgwError('I2C_IO', `i2c ${op} at 0x${address.toString(16)}: no acknowledge (EREMOTEIO)`);
    }
    return d;
  }

  /** xorshift32: repeatable failures. */
  private chance(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 4294967296;
  }
}
