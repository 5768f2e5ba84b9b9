import type { Timers } from '../../src/core/clock.js';
import { DRIVER_ERROR_CODES, errorMessage, isElevgwError, type DriverErrorCode } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { Connection, type BackoffLimits, type ConnectionState } from './connection.js';
import type { HealthRecorder } from './health.js';

export interface LinkSupervisorOptions<T> {
  /**
   * Opens the transport; throws on failure (a coded ElevgwError, or anything: `openFailCode`).
   * `stopping` aborts when the driver is stopped during the attempt: an open that waits (a
   * Firmata handshake, up to 10 s) gives up at once instead of holding the service's stop.
   */
  open(stopping: AbortSignal): Promise<T>;
  /** Releases an opened transport; best effort, never throws. */
  release(transport: T): Promise<void>;
  /** Sample time: back-off is counted on it. */
  clock: Pick<Timers, 'now'>;
  health: HealthRecorder;
  backoff: BackoffLimits;
  /** The code of an open failure that is not a coded ElevgwError. */
  openFailCode: DriverErrorCode;
  /** For logs: "modbus-rtu /dev/ttyUSB0@9600 8N1", "gpio lines" … */
  description: string;
  logger: Logger;
}

/**
 * Keeps one transport open for a driver, the same way for every transport: the connection state
 * machine decides when to (re)open, the health recorder counts and logs, and concurrent callers
 * share one attempt. A driver only says how to open and release its transport and reports when
 * it is lost; it never hand-rolls a back-off.
 */
export class LinkSupervisor<T> {
  private readonly conn: Connection;
  private transport: T | undefined;
  private attempt: Promise<T | undefined> | undefined;
  /** Set by stop(): a stopped driver stays closed until opened again; a new one opens on first use. */
  private stopped = false;
  /** Aborts the running attempt's wait when the driver is stopped. */
  private stopping: AbortController | undefined;

  constructor(private readonly o: LinkSupervisorOptions<T>) {
    this.conn = new Connection(o.backoff);
  }

  /** The open transport, if any. */
  get current(): T | undefined {
    return this.transport;
  }

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** Wanted from now on: opens at once. Never throws; undefined when the attempt failed. */
  start(): Promise<T | undefined> {
    this.stopped = false;
    if (this.conn.want()) return this.run();
    return this.ensure();
  }

  /** The transport when open; otherwise an attempt when the back-off allows one (shared by concurrent callers). */
  ensure(): Promise<T | undefined> {
    if (this.transport !== undefined) return Promise.resolve(this.transport);
    if (this.attempt !== undefined) return this.attempt;
    if (this.conn.state === 'closed' && !this.stopped) return this.start();
    if (!this.conn.retry(this.o.clock.now())) {
      this.o.health.link(this.conn.state);
      return Promise.resolve(undefined);
    }
    return this.run();
  }

  /** The open transport went away: it is released and reopened after the back-off. */
  lost(code: DriverErrorCode, message: string): void {
    const t = this.transport;
    if (t === undefined) return;
    this.transport = undefined;
    this.conn.lost(this.o.clock.now());
    this.o.health.link(this.conn.state);
    this.o.health.fail(code, message, 'lost');
    void this.o.release(t);
  }

  /** Not wanted any more: waits for a running attempt, releases the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.conn.close();
    this.stopping?.abort();
    await this.attempt;
    const t = this.transport;
    this.transport = undefined;
    this.o.health.link('closed');
    if (t !== undefined) await this.o.release(t);
  }

  private run(): Promise<T | undefined> {
    this.o.health.link(this.conn.state);
    const stopping = new AbortController();
    this.stopping = stopping;
    const attempt = (async () => {
      let t: T;
      try {
        t = await this.o.open(stopping.signal);
      } catch (e) {
        if (stopping.signal.aborted) return undefined; // stopped while opening: nothing failed
        this.conn.openFailed(this.o.clock.now());
        this.o.health.link(this.conn.state);
        const code = isElevgwError(e) && isDriverCode(e.code) ? e.code : this.o.openFailCode;
        this.o.health.fail(code, `open ${this.o.description}: ${errorMessage(e)}`, 'lost');
        return undefined;
      }
      if (!this.conn.opened()) {
        await this.o.release(t); // closed while it was opening
        return undefined;
      }
      this.transport = t;
      this.o.health.link('open');
      this.o.logger.info({ link: this.o.description }, 'transport open');
      return t;
    })().finally(() => {
      this.attempt = undefined;
      if (this.stopping === stopping) this.stopping = undefined;
    });
    this.attempt = attempt;
    return attempt;
  }
}

function isDriverCode(code: string): code is DriverErrorCode {
  return (DRIVER_ERROR_CODES as readonly string[]).includes(code);
}
