import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { GpioInputLine, GpioLinesLoader } from '../gpio/lines.js';
import type { I2cBus, RetrofitConnector } from './i2c.js';

/** A variable, so TypeScript does not resolve the optional package at build time. */
const I2C_BUS = 'i2c-bus';

/** What elevgw uses of i2c-bus 5's promisified bus (SMBus block transfers, ≤ 32 bytes). */
interface PromisifiedBus {
  readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  writeI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

/** An I²C bus the box can close. */
export interface ClosableI2cBus extends I2cBus {
  close(): Promise<void>;
}

/** The Pi's /dev/i2c-N through i2c-bus, an optional native package loaded only here. */
export async function openI2cBus(busNumber: number, importI2c: () => Promise<unknown> = () => import(I2C_BUS)): Promise<ClosableI2cBus> {
  let mod: unknown;
  try {
    mod = await importI2c();
  } catch (e) {
    throw new ElevgwError(
      'DRIVER_OPEN_FAILED',
      `retrofit-i2c boards need the optional package "i2c-bus" (npm install i2c-bus), which is not installed or not built: ${errorMessage(e)}`,
    );
  }
  const m = ((mod as { default?: unknown }).default ?? mod) as { openPromisified?: (bus: number) => Promise<PromisifiedBus> };
  if (typeof m.openPromisified !== 'function') throw new ElevgwError('DRIVER_OPEN_FAILED', 'the installed "i2c-bus" has no openPromisified (expected i2c-bus 5)');
  let bus: PromisifiedBus;
  try {
    bus = await m.openPromisified(busNumber);
  } catch (e) {
    // ENOENT: I²C not enabled (dtparam=i2c_arm=on); EACCES: the elevgw user is not in group i2c.
    throw new ElevgwError('I2C_IO', `cannot open /dev/i2c-${busNumber}: ${errorMessage(e)}`);
  }
  const fail = (op: string, address: number, e: unknown) => new ElevgwError('I2C_IO', `i2c ${op} at 0x${address.toString(16)} on /dev/i2c-${busNumber}: ${errorMessage(e)}`);
  return {
    description: `/dev/i2c-${busNumber}`,
    async read(address, register, length) {
      try {
        const r = await bus.readI2cBlock(address, register, length, Buffer.alloc(length));
        if (r.bytesRead !== length) throw new Error(`${r.bytesRead} of ${length} bytes`);
        return new Uint8Array(r.buffer.subarray(0, length));
      } catch (e) {
        throw fail('read', address, e);
      }
    },
    async write(address, register, bytes) {
      try {
        await bus.writeI2cBlock(address, register, bytes.length, Buffer.from(bytes));
      } catch (e) {
        throw fail('write', address, e);
      }
    },
    close: () => bus.close(),
  };
}

export interface PiRetrofitOptions {
  /** Opens the I²C bus (`openI2cBus(1)` in production, a FakeI2cBus in tests). */
  bus: () => Promise<ClosableI2cBus>;
  /** The box's contacts on the GPIO header (onoff, or FakeGpioLines). */
  lines: GpioLinesLoader;
}

/** The box on the Pi itself: sensors on its I²C bus, contacts on its GPIO header. */
export function piRetrofitConnector(o: PiRetrofitOptions): RetrofitConnector {
  return async () => {
    const lines = await o.lines();
    const bus = await o.bus();
    const held: GpioInputLine[] = [];
    const lost: ((reason: string) => void)[] = [];
    let gone = false;
    return {
      description: `${bus.description} + ${lines.description}`,
      bus,
      async watch(source, onLevel) {
        if (!('line' in source)) throw new ElevgwError('BOARD_INVALID', `a Pi box reads contacts on GPIO lines, not ${JSON.stringify(source)}`);
        const line = await lines.input(source.line);
        held.push(line);
        line.watch((err, level) => {
          if (err) {
            if (!gone) for (const cb of lost) cb(`GPIO${source.line}: ${errorMessage(err)}`);
            gone = true;
            return;
          }
          onLevel(level);
        });
        onLevel(await line.read());
      },
      onLost: (cb) => lost.push(cb),
      async close() {
        gone = true;
        for (const l of held.splice(0)) l.release();
        await bus.close().catch(() => undefined);
      },
    };
  };
}
