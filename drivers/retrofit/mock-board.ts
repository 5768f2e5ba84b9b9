import { EventEmitter } from 'node:events';
import type { I2cDevice } from './i2c.js';
import type { IoPlugin } from './io-plugin.js';

/**
 * A Firmata board in memory, shaped like firmata-io's Board (an IO plugin), so johnny-five can
 * run on it unchanged: digital pins the simulator moves (`setDigital`), I²C devices at addresses
 * answering I2C_REQUEST at once, `unplug()` for a board that goes away. It is ready from the start.
 */
export class MockIoBoard extends EventEmitter implements IoPlugin {
  readonly name = 'Mock';
  readonly isReady = true;
  readonly MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, PULLUP: 11 };
  /** An Uno's 20 pins, digital in and out, A0–A5 analog too. */
  readonly pins = Array.from({ length: 20 }, (_, i) => ({ supportedModes: i >= 14 ? [0, 1, 2, 11] : [0, 1, 11], value: 0, report: 1, analogChannel: i >= 14 ? i - 14 : 127 }));
  readonly analogPins = [14, 15, 16, 17, 18, 19];
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly modes = new Map<number, number>();
  readonly writes: { address: number; register: number; bytes: number[] }[] = [];
  i2cDelay?: number;
  closed = false;
  private readonly levels = new Map<number, 0 | 1>();
  private readonly watchers = new Map<number, ((v: number) => void)[]>();
  private gone = false;

  constructor(readonly devices = new Map<number, I2cDevice>()) {
    super();
  }

  pinMode(pin: number, mode: number): this {
    this.modes.set(pin, mode);
    return this;
  }

  /** Like StandardFirmata: reports the pin once when reporting is enabled, then on every change. */
  digitalRead(pin: number, callback: (value: number) => void): this {
    this.watchers.set(pin, [...(this.watchers.get(pin) ?? []), callback]);
    callback(this.levels.get(pin) ?? 0);
    return this;
  }

  setDigital(pin: number, level: 0 | 1): void {
    if (this.levels.get(pin) === level) return;
    this.levels.set(pin, level);
    if (this.gone) return;
    for (const cb of this.watchers.get(pin) ?? []) cb(level);
  }

  i2cConfig(options: { delay: number } | number): this {
    this.i2cDelay = typeof options === 'number' ? options : options.delay;
    return this;
  }

  i2cWrite(address: number, register: number, bytes: number[]): this {
    if (this.gone) return this;
    this.writes.push({ address, register, bytes });
    this.devices.get(address)?.write(register, bytes);
    return this;
  }

  /** A device that is absent (or a board that is gone) never replies: StandardFirmata only prints an error string. */
  i2cReadOnce(address: number, register: number, length: number, callback: (data: number[]) => void): this {
    const d = this.devices.get(address);
    if (!this.gone && d) callback([...d.read(register, length)]);
    return this;
  }

  /** The USB cable is pulled: firmata-io reports the transport closed. */
  unplug(): void {
    this.gone = true;
    this.emit('close');
  }
}
