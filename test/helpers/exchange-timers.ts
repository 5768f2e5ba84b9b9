import { systemTimers, type Timer, type Timers } from '../../src/core/clock.js';

/**
 * Real timers for the RTU port (drivers/modbus/rtu-port.ts takes its `Timers`), with one
 * difference: when the noisy line has lost an exchange — dropped the request or the answer, or
 * spoiled one so no valid answer can come — the port's answer timeout fires then and there,
 * instead of after its full real-time wait. The port does exactly what a timeout makes it do; the
 * test just does not sit through the wait.
 *
 * Why not a short real timeout: on a shared 2-core box the process stalls now and then for tens
 * of milliseconds, a short timeout then expires on an answer that was merely slow, and RTU
 * answers carry no transaction id — the late answer is taken for the next request's (one sample
 * of stale data, once a false floor-position-lost jump). With this, the real timeout can be long
 * enough never to expire on a live exchange, and a run meets exactly the noise its seed says.
 */
export class ExchangeTimers implements Timers {
  private pending?: { fire: () => void; done: boolean };
  /** A spoiled answer on its way: the exchange it ends and the bytes still to reach the port. */
  private spoiled?: { entry: { fire: () => void; done: boolean }; bytes: number };

  /** Waits of at least `answerMs` are answer timeouts; shorter ones (the t3.5 silence) stay plain. */
  constructor(private readonly answerMs: number) {}

  now(): number {
    return systemTimers.now();
  }

  after(ms: number, fn: () => void): Timer {
    if (ms < this.answerMs) return systemTimers.after(ms, fn);
    const entry = {
      done: false,
      fire: () => {
        if (entry.done) return;
        entry.done = true;
        real.cancel();
        fn();
      },
    };
    const real = systemTimers.after(ms, entry.fire);
    this.pending = entry;
    return {
      cancel: () => {
        entry.done = true;
        real.cancel();
      },
    };
  }

  /** The exchange now in progress is lost: no answer will come; its timeout fires now. */
  lost(): void {
    const entry = this.pending;
    if (entry && !entry.done) systemTimers.after(0, entry.fire);
  }

  /**
   * The answer to the exchange now in progress was spoiled on the way: once its `bytes` have
   * reached the port (see `delivered`), the timeout fires unless the port has already settled
   * the exchange itself (a CRC failure). Waiting for the bytes, not for some time, keeps them
   * from landing in the next exchange instead.
   */
  spoiledAnswer(bytes: number): void {
    const entry = this.pending;
    if (entry && !entry.done) this.spoiled = { entry, bytes };
  }

  /** Bytes the port has just processed (called after its own 'data' listener). */
  delivered(n: number): void {
    const s = this.spoiled;
    if (!s) return;
    s.bytes -= n;
    if (s.bytes > 0) return;
    this.spoiled = undefined;
    s.entry.fire();
  }
}
