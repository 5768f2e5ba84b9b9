import { systemTimers, type Timer, type Timers } from '../../src/core/clock.js';
import { ElevgwError } from '../../src/core/errors.js';
import { describeSerial, systemSerialPorts, type SerialPortFactory, type SerialPortLike, type SerialSettings } from '../kernel/serial-port.js';
import { modbusError } from './errors.js';
import { expectationFor, matchResponse, type Expectation } from './rtu-frame.js';
import { interFrameMs } from './rtu-timing.js';

export type RtuAnswer = { kind: 'response'; data: Buffer } | { kind: 'exception'; code: number };

interface Waiter {
  expect: Expectation;
  /** The request sent: an adapter that hears itself gives it back first, which is not an answer. */
  request: Buffer;
  resolve: (a: RtuAnswer) => void;
  reject: (e: ElevgwError) => void;
  timer: Timer;
}

/** Received bytes kept while waiting for one answer; the longest RTU frame is 256 bytes. */
const MAX_RX = 512;

/**
 * One serial port carrying RTU frames: open/close, one request/response transaction at a time
 * (the bus queue above serialises callers), the 3.5-character silence before each request, stale
 * bytes dropped before each request, and a port that vanishes (USB adapter pulled, pty closed)
 * noticed at once: the pending transaction fails with MODBUS_IO and `isOpen` turns false.
 */
export class RtuPort {
  readonly description: string;
  private port?: SerialPortLike;
  private opening?: Promise<void>;
  private rx: Buffer = Buffer.alloc(0);
  private waiter?: Waiter;
  private busy = false;
  /** When (io time) the line last carried a byte (ours or a slave's). */
  private lastActivity = 0;
  /** Time spent waiting out inter-frame silences, ms (bus-time accounting for diag and bench). */
  gapWaitMs = 0;

  constructor(
    readonly settings: SerialSettings,
    private readonly openSerial: SerialPortFactory = systemSerialPorts,
    /** Real time on a real wire; tests of in-memory cables may pass a FakeClock. */
    private readonly io: Timers = systemTimers,
  ) {
    this.description = describeSerial(settings);
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  /** Opens the port; concurrent callers share one attempt. Rejects with MODBUS_IO. */
  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    this.opening ??= this.doOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const port = this.openSerial(this.settings);
    port.on('data', (chunk: Buffer) => this.onData(port, chunk));
    port.on('close', (err) => this.lost(port, err ?? new Error('port closed')));
    port.on('error', (err: Error) => this.lost(port, err));
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      port.removeAllListeners();
      throw modbusError('MODBUS_IO', `open ${this.description}: ${(e as Error).message}`);
    }
    this.port = port;
    this.lastActivity = this.io.now();
  }

  async close(): Promise<void> {
    const port = this.port;
    this.detach(port, 'port closed');
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Sends one request frame and resolves with the slave's answer; rejects with a coded MODBUS_* error. */
  async transact(request: Buffer, timeoutMs: number): Promise<RtuAnswer> {
    if (this.busy) throw new ElevgwError('DRIVER_MISUSE', `${this.description}: one transaction at a time (callers must queue on the bus)`);
    this.busy = true;
    try {
      await this.quietLine();
      const port = this.port;
      if (!port?.isOpen) throw modbusError('MODBUS_IO', `${this.description}: port not open`);
      this.rx = Buffer.alloc(0); // whatever arrived since (a late answer to a timed-out request) is not ours
      const expect = expectationFor(request);
      return await new Promise<RtuAnswer>((resolve, reject) => {
        const timer = this.io.after(timeoutMs, () => this.timedOut(timeoutMs));
        this.waiter = { expect, request, resolve, reject, timer };
        this.lastActivity = this.io.now();
        port.write(request, (err) => {
          if (err) this.lost(port, err);
        });
      });
    } finally {
      this.busy = false;
    }
  }

  /** Waits out the remainder of the inter-frame silence after the last byte on the line. */
  private async quietLine(): Promise<void> {
    const wait = interFrameMs(this.settings) - (this.io.now() - this.lastActivity);
    if (wait <= 0) return;
    const t0 = this.io.now();
    await new Promise<void>((r) => this.io.after(Math.ceil(wait), r)); // timers are whole ms: never shorter than t3.5
    this.gapWaitMs += this.io.now() - t0;
  }

  private onData(port: SerialPortLike, chunk: Buffer): void {
    if (port !== this.port) return;
    this.lastActivity = this.io.now();
    const w = this.waiter;
    if (!w) return; // unsolicited bytes: nobody asked, nothing kept
    this.rx = Buffer.concat([this.rx, chunk]);
    if (this.rx.length > MAX_RX) this.rx = this.rx.subarray(this.rx.length - MAX_RX);
    const m = matchResponse(this.rx, w.expect);
    if (m.kind === 'response') this.settle((x) => x.resolve({ kind: 'response', data: m.data }));
    else if (m.kind === 'exception') this.settle((x) => x.resolve({ kind: 'exception', code: m.code }));
    else if (m.kind === 'crc-error') this.fail(modbusError('MODBUS_CRC', `unit ${w.expect.unitId}: response failed the CRC check`));
  }

  private timedOut(timeoutMs: number): void {
    const w = this.waiter;
    if (!w) return;
    // Bytes besides the adapter's echo of the request: with none, the slave did not answer (a
    // timeout, which backs a dead slave off), not a garbled answer.
    const got = afterEcho(this.rx, w.request).length;
    this.fail(
      got > 0
        ? modbusError('MODBUS_CRC', `unit ${w.expect.unitId}: ${got} byte(s) received within ${timeoutMs} ms but no valid response`)
        : modbusError('MODBUS_TIMEOUT', `unit ${w.expect.unitId}: no response within ${timeoutMs} ms`),
    );
  }

  private settle(fn: (w: Waiter) => void): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    w.timer.cancel();
    this.rx = Buffer.alloc(0);
    fn(w);
  }

  private fail(e: ElevgwError): void {
    this.settle((w) => w.reject(e));
  }

  /** The port went away under us (disconnect, write error): forget it, fail the transaction. */
  private lost(port: SerialPortLike, err: Error): void {
    if (port !== this.port) return;
    this.detach(port, `${this.description}: ${err.message}`);
    if (port.isOpen) port.close();
  }

  private detach(port: SerialPortLike | undefined, why: string): void {
    this.port = undefined;
    if (port) {
      port.removeAllListeners();
      port.on('error', () => undefined); // a late error from a discarded port is not news
    }
    this.fail(modbusError('MODBUS_IO', why));
  }
}

/** What was received after the echo of `request` (all of it when it does not start with the echo; none while only part of it). */
function afterEcho(rx: Buffer, request: Buffer): Buffer {
  const n = Math.min(rx.length, request.length);
  return rx.subarray(0, n).equals(request.subarray(0, n)) ? rx.subarray(n) : rx;
}
