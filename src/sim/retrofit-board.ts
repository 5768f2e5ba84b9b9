import { FakeGpioLines } from '../../drivers/gpio/fake-lines.js';
import type { Level } from '../../drivers/gpio/lines.js';
import { FakeI2cBus } from '../../drivers/retrofit/fake-i2c.js';
import type { I2cDevice, RetrofitConnector } from '../../drivers/retrofit/i2c.js';
import { ioPluginLink } from '../../drivers/retrofit/io-plugin.js';
import { johnnyFiveLink, loadJohnnyFive } from '../../drivers/retrofit/johnny-five.js';
import { MockIoBoard } from '../../drivers/retrofit/mock-board.js';
import { piRetrofitConnector } from '../../drivers/retrofit/pi-i2c.js';
import type { RetrofitBoardProfile } from '../config/board.js';
import type { Timers } from '../core/clock.js';
import { contactValue } from './contact-boards.js';
import { type SensorBoxOptions, SimSensorBox } from './raw-sensors/sensor-box.js';
import type { ScenarioRunner } from './runner.js';
import type { SimState } from './state.js';

export interface SimRetrofitOptions {
  board: RetrofitBoardProfile;
  /** The elevator and its scenario; the rig steps it. */
  runner: ScenarioRunner;
  /** Sample time: contact edges are delivered on it at the instant they happened. */
  clock: Timers;
  box?: Partial<Omit<SensorBoxOptions, 'levelsMm'>>;
  /** Fraction of I²C transactions that fail (a NACK now and then). */
  i2cFailRate?: number;
  /** retrofit-firmata: through johnny-five (the real package) or straight on the mock board's IO. */
  via?: 'johnny-five' | 'io';
}

/**
 * The virtual elevator wearing a retrofit sensor box: the BMP280 and MPU-6050 at register level
 * (src/sim/raw-sensors) on a fake I²C bus — the Pi's — or on a mock Firmata board, and the box's
 * contacts (the Hall sensors from the vanes, door, PIR …) on fake GPIO lines or the board's pins,
 * wired as the profile says. `advance(ms)` steps the elevator and the sensors and schedules every
 * contact change on the clock at the moment it happened; then advance the clock.
 */
export class SimRetrofitBoard {
  readonly box: SimSensorBox;
  readonly bus: FakeI2cBus;
  readonly lines = new FakeGpioLines();
  /** Firmata boards handed out, the current one last. */
  readonly boards: MockIoBoard[] = [];
  readonly connect: RetrofitConnector;
  private readonly devices: Map<number, I2cDevice>;
  private readonly contacts: RetrofitBoardProfile['points'];
  private hall: { upper: boolean; lower: boolean };
  private plugged = true;
  /** The contacts' values at the last step (a change is delivered on the clock). */
  private lastKey = '';
  private steps = 0;

  constructor(private readonly o: SimRetrofitOptions) {
    const e = o.runner.elevator;
    this.box = new SimSensorBox({ levelsMm: e.model.floorLevelsMm, ...o.box, vanes: { zoneMm: e.model.doorZoneMm, ...o.box?.vanes } });
    const { barometer, accelerometer } = o.board.sensors;
    this.devices = new Map<number, I2cDevice>([
      [barometer.address, this.box.barometer],
      [accelerometer.address, this.box.accelerometer],
    ]);
    this.bus = new FakeI2cBus(this.devices, o.i2cFailRate ?? 0, o.box?.seed ?? 1);
    this.contacts = o.board.points.filter((p) => !('sensor' in p.source));
    this.box.observe(this.motion());
    this.hall = { upper: this.box.vanes.upper, lower: this.box.vanes.lower };
    this.apply(this.state());
    this.connect = o.board.transport === 'retrofit-i2c' ? this.piConnector() : this.firmataConnector();
  }

  get runner(): ScenarioRunner {
    return this.o.runner;
  }

  /** The car's state as the box's contacts see it: the Hall sensors from the vanes. */
  state(): SimState {
    return { ...this.o.runner.elevator.state(), doorZoneUpper: this.hall.upper, doorZoneLower: this.hall.lower };
  }

  /** Steps the elevator and the sensors by `ms` (in steps of at most 10 ms); call before advancing the clock. */
  advance(ms: number): void {
    const start = this.o.clock.now();
    for (let done = 0; done < ms; ) {
      const d = Math.min(10, ms - done);
      this.o.runner.advance(d);
      done += d;
      const s = this.o.runner.elevator.state();
      const base = s.simMs;
      for (const edge of this.box.observe({ simMs: s.simMs, positionMm: s.positionMm, speedMps: s.speedMps })) {
        const at = start + done - (base - edge.atMs);
        this.o.clock.after(Math.max(0, at - start), () => {
          this.hall = { upper: edge.upper, lower: edge.lower };
          this.apply(this.state());
        });
      }
      // The other contacts (door, PIR, alarm …) are looked at every 50 ms: a contact's own bounce is longer.
      if (++this.steps % 5 !== 0 && done < ms) continue;
      const key = this.contactKey({ ...s, doorZoneUpper: this.hall.upper, doorZoneLower: this.hall.lower });
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.o.clock.after(done, () => this.apply(this.state()));
      }
    }
  }

  /** The box goes away (I²C and contacts) until `plug()`. */
  unplug(): void {
    this.plugged = false;
    this.bus.unplug();
    this.lines.unplug();
    this.boards.at(-1)?.unplug();
  }

  plug(): void {
    this.plugged = true;
    this.bus.plug();
    this.lines.plug();
  }

  private motion() {
    const s = this.o.runner.elevator.state();
    return { simMs: s.simMs, positionMm: s.positionMm, speedMps: s.speedMps };
  }

  private contactKey(s: SimState): string {
    let key = '';
    for (const p of this.contacts) key += contactValue(this.o.board, p, s) ? '1' : '0';
    return key;
  }

  /** Every contact's electrical level for a state (lines and pins move only on change, like interrupts). */
  private apply(s: SimState): void {
    for (const p of this.contacts) {
      const src = p.source;
      const on = contactValue(this.o.board, p, s);
      if ('line' in src) this.lines.set(src.line, (on !== src.activeLow ? 1 : 0) as Level);
      else if ('pin' in src) this.boards.at(-1)?.setDigital(src.pin, on ? 1 : 0);
    }
  }

  private piConnector(): RetrofitConnector {
    return piRetrofitConnector({ bus: async () => this.bus, lines: async () => this.lines });
  }

  private firmataConnector(): RetrofitConnector {
    return async () => {
      if (!this.plugged) throw new Error('no Firmata handshake (board absent)');
      const board = new MockIoBoard(this.devices);
      this.boards.push(board);
      this.apply(this.state());
      const close = async () => {
        board.closed = true;
      };
      if (this.o.via === 'johnny-five') return johnnyFiveLink(board, await loadJohnnyFive(), { description: 'johnny-five on the simulator', timers: this.o.clock, close });
      return ioPluginLink(board, { description: 'simulated firmata', io: this.o.clock, onLost: (cb) => board.on('close', () => cb('closed')), close });
    };
  }
}
