import { systemSerialPorts, type SerialPortFactory, type SerialPortLike } from '../../drivers/kernel/serial-port.js';
import { scaledClock, systemTimers, type Clock, type Timer, type Timers } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { SimHost } from './host.js';
import type { SimScenario } from './scenario.js';
import { encodeSensorboxFrame, SENSORBOX } from './serial-sensorbox.js';
import type { SimState } from './state.js';

/** Real time between frames never drops below this (a real UART at 115200 carries ~770 frames/s). */
const MIN_PERIOD_MS = 5;
/** Frames queued beyond this while nobody reads are skipped, not buffered without bound. */
const MAX_QUEUED_BYTES = 16 * SENSORBOX.frameLength;

export interface SensorboxTransmitterOptions {
  path: string;
  baudRate: number;
  state: () => SimState;
  /** Real ms between frames (20 Hz of simulated time: 50 / timeScale). */
  periodMs: number;
  ports?: SerialPortFactory;
  /** When the port is lost (a pulled cable, a restarted pty), reopen it this often. */
  reopenMs?: number;
  /** Real time by default (a box on a wire sends at its own pace); a FakeClock in tests. */
  timers?: Timers;
}

/**
 * Writes serial-sensorbox frames of the current state to a serial path, like the real box:
 * push only, nothing is read. Survives the port going away by reopening it.
 */
export class SensorboxTransmitter {
  private port?: SerialPortLike;
  private timer?: Timer;
  private reopenTimer?: Timer;
  private stopped = false;
  framesSent = 0;
  lastError?: string;

  constructor(private readonly o: SensorboxTransmitterOptions) {}

  /** Opens the path (rejects when it cannot be opened) and starts sending. */
  async start(): Promise<void> {
    await this.openPort();
    const period = Math.max(MIN_PERIOD_MS, this.o.periodMs);
    const tick = () => {
      this.send();
      this.timer = this.timers.after(period, tick);
    };
    this.timer = this.timers.after(period, tick);
  }

  private get timers(): Timers {
    return this.o.timers ?? systemTimers;
  }

  private async openPort(): Promise<void> {
    const port = (this.o.ports ?? systemSerialPorts)({ path: this.o.path, baudRate: this.o.baudRate });
    port.on('close', () => this.lost(port, 'closed'));
    port.on('error', (e) => this.lost(port, errorMessage(e)));
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    if (this.stopped) {
      port.close();
      return;
    }
    this.port = port;
  }

  private lost(port: SerialPortLike, reason: string): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.lastError = reason;
    if (port.isOpen) port.close();
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.stopped || this.reopenTimer) return;
    this.reopenTimer = this.timers.after(this.o.reopenMs ?? 500, () => {
      this.reopenTimer = undefined;
      this.openPort().catch((e: unknown) => {
        this.lastError = errorMessage(e);
        this.scheduleReopen();
      });
    });
  }

  private send(): void {
    const port = this.port;
    if (!port?.isOpen || port.writableLength > MAX_QUEUED_BYTES) return;
    port.write(encodeSensorboxFrame(this.o.state()));
    this.framesSent++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.reopenTimer?.cancel();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

export interface SimSerialSensorboxOptions {
  path: string;
  baudRate?: number;
  scenario: SimScenario;
  /** Simulated time runs this many times faster; frames stay at 20 Hz of simulated time. */
  timeScale: number;
  loop: boolean;
  /** Overrides `timeScale` (tests drive a FakeClock). */
  clock?: Clock;
  ports?: SerialPortFactory;
  reopenMs?: number;
}

export interface SimSerialSensorbox {
  path: string;
  sim: SimHost;
  transmitter: SensorboxTransmitter;
  close(): Promise<void>;
}

/** The virtual elevator as a serial-sensorbox on a serial path: what `elevgw sim --serial` runs. */
export async function startSimSerialSensorbox(o: SimSerialSensorboxOptions): Promise<SimSerialSensorbox> {
  const sim = new SimHost({ scenario: o.scenario, clock: o.clock ?? scaledClock(o.timeScale), loop: o.loop });
  const transmitter = new SensorboxTransmitter({
    path: o.path,
    baudRate: o.baudRate ?? SENSORBOX.baudRate,
    periodMs: 1000 / SENSORBOX.frameHz / o.timeScale,
    ports: o.ports,
    reopenMs: o.reopenMs,
    state: () => {
      sim.sync();
      return sim.state();
    },
  });
  sim.start();
  try {
    await transmitter.start();
  } catch (e) {
    sim.stop();
    throw e;
  }
  return {
    path: o.path,
    sim,
    transmitter,
    async close() {
      await transmitter.stop();
      sim.stop();
    },
  };
}
