import type { Level } from '../gpio/lines.js';

/**
 * The byte boundary of the retrofit sensor box: register reads and writes on an I²C bus, and the
 * box's contacts (door, Hall sensors, PIR …). Behind it: the Pi's own I²C bus and GPIO header
 * (`i2c-bus`, `onoff`), or a Firmata board driven through johnny-five; in tests and the
 * simulator, `FakeI2cBus` and the mock Firmata board.
 *
 * The writes here go to the *sensors* (a BMP280's oversampling and IIR filter, an accelerometer's
 * range and FIFO), never to the elevator controller, which the box has no wire to: monitoring only
 * is about the controller.
 */
export interface I2cBus {
  readonly description: string;
  /** `length` bytes from `register` on; rejects with a coded error (I2C_IO) when the device does not answer. */
  read(address: number, register: number, length: number): Promise<Uint8Array>;
  write(address: number, register: number, bytes: readonly number[]): Promise<void>;
}

/** A contact of the box: a Firmata digital pin, or a GPIO line of the Pi. */
export type ContactSource = { pin: number; pullup: boolean } | { line: number; activeLow: boolean };

export interface RetrofitLink {
  readonly description: string;
  readonly bus: I2cBus;
  /** Watches a contact: `onLevel` once with its level, then on every change (the electrical level). */
  watch(source: ContactSource, onLevel: (level: Level) => void): Promise<void>;
  /** The transport went away (USB unplugged, bus device gone). */
  onLost(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

/** Opens the box (throws a coded error the link supervisor counts). */
/** Connects to the box; `stopping` aborts a wait for its handshake (the driver stopped meanwhile). */
export type RetrofitConnector = (stopping?: AbortSignal) => Promise<RetrofitLink>;

/** One chip on a bus, register by register (what the simulator's sensors implement). */
export interface I2cDevice {
  /** Reads from `register` on: successive registers, or the same FIFO port again. */
  read(register: number, length: number): Uint8Array;
  write(register: number, bytes: readonly number[]): void;
}
