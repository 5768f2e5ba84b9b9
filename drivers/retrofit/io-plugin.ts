import type { Timers } from '../../src/core/clock.js';
import { ElevgwError } from '../../src/core/errors.js';
import type { Level } from '../gpio/lines.js';
import type { ContactSource, I2cBus, RetrofitLink } from './i2c.js';

/**
 * What the box needs of a johnny-five IO plugin: firmata-io's Board implements it, and
 * johnny-five's Board passes each of these calls through to its `io` (lib/board.js). Firmata's
 * I²C is sysex I2C_REQUEST (write, read once) and I2C_REPLY, answered by StandardFirmata through
 * the Arduino's Wire library (32-byte buffer).
 */
export interface IoPlugin {
  readonly MODES: { INPUT: number; PULLUP?: number };
  pinMode(pin: number, mode: number): unknown;
  digitalRead(pin: number, callback: (value: number) => void): unknown;
  i2cConfig(options: { delay: number }): unknown;
  i2cWrite(address: number, register: number, bytes: number[]): unknown;
  i2cReadOnce(address: number, register: number, length: number, callback: (data: number[]) => void): unknown;
}

export interface IoPluginLinkOptions {
  description: string;
  /** A read StandardFirmata never answers (a sensor that NACKs: it only prints an error string) times out; physical time. */
  io: Timers;
  readTimeoutMs?: number;
  onLost(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

/** The box's I²C bus and contacts over an IO plugin. */
export function ioPluginLink(board: IoPlugin, o: IoPluginLinkOptions): RetrofitLink {
  board.i2cConfig({ delay: 0 });
  const timeoutMs = o.readTimeoutMs ?? 200;
  const bus: I2cBus = {
    description: o.description,
    read: (address, register, length) =>
      new Promise((resolve, reject) => {
        let done = false;
        const t = o.io.after(timeoutMs, () => {
          if (done) return;
          done = true;
          reject(new ElevgwError('I2C_IO', `i2c read at 0x${address.toString(16)} register 0x${register.toString(16)}: no I2C_REPLY within ${timeoutMs} ms`));
        });
        board.i2cReadOnce(address, register, length, (data) => {
          if (done) return;
          done = true;
          t.cancel();
          resolve(Uint8Array.from(data.slice(0, length)));
        });
      }),
    write: async (address, register, bytes) => {
      board.i2cWrite(address, register, [...bytes]);
    },
  };
  return {
    description: o.description,
    bus,
    async watch(source: ContactSource, onLevel: (level: Level) => void) {
      if (!('pin' in source)) throw new ElevgwError('BOARD_INVALID', `a Firmata box reads contacts on pins, not ${JSON.stringify(source)}`);
      board.pinMode(source.pin, source.pullup ? (board.MODES.PULLUP ?? 11) : board.MODES.INPUT);
      board.digitalRead(source.pin, (v) => onLevel(v ? 1 : 0));
    },
    onLost: o.onLost,
    close: o.close,
  };
}
