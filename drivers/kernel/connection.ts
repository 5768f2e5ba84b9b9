/**
 * The life of a driver's transport (a serial port, a TCP connection, GPIO lines, a Firmata
 * board), as a pure state machine: inputs are what happened and when, outputs are the new state
 * and whether an open attempt may start. No I/O and no timers — time is an argument — so every
 * path is tested in sample time (test/drivers/connection.test.ts).
 *
 *   closed ──want──▶ opening ──opened──▶ open ──lost──▶ lost
 *                      │                   ▲               │ (due: min back-off from the loss)
 *                 open-failed              │             retry
 *                      ▼                   │               ▼
 *                 backing-off ──retry (when due)──▶ reopening ──open-failed──▶ backing-off
 *
 * The back-off doubles after each failed attempt up to its maximum and starts from the minimum
 * again once the transport has opened. `close` from any state ends it; an attempt that completes
 * after `close` is reported as unwanted so the caller releases what it opened.
 */
export type ConnectionState = 'closed' | 'opening' | 'open' | 'lost' | 'backing-off' | 'reopening';

export interface BackoffLimits {
  minMs: number;
  maxMs: number;
}

export class Connection {
  private s: ConnectionState = 'closed';
  private delay: number;
  private retryAt = 0;

  constructor(private readonly limits: BackoffLimits) {
    this.delay = limits.minMs;
  }

  get state(): ConnectionState {
    return this.s;
  }

  /** The transport is wanted. True when the caller should start an open attempt now. */
  want(): boolean {
    if (this.s !== 'closed') return false;
    this.s = 'opening';
    return true;
  }

  /**
   * Asked on every use while the transport is not open: true (and now reopening) when an attempt
   * should start; false while an attempt is running, the back-off is not over, or it is closed.
   */
  retry(now: number): boolean {
    if (this.s !== 'lost' && this.s !== 'backing-off') return false;
    if (now < this.retryAt) {
      this.s = 'backing-off';
      return false;
    }
    this.s = 'reopening';
    return true;
  }

  /** An attempt succeeded. False when nobody wants the transport any more: release it. */
  opened(): boolean {
    if (this.s !== 'opening' && this.s !== 'reopening') return false;
    this.s = 'open';
    this.delay = this.limits.minMs;
    return true;
  }

  /** An attempt failed: wait out the back-off, which doubles for the next failure. */
  openFailed(now: number): void {
    if (this.s !== 'opening' && this.s !== 'reopening') return;
    this.s = 'backing-off';
    this.schedule(now);
  }

  /** The open transport went away (unplugged, closed by the peer, an I/O error). */
  lost(now: number): void {
    if (this.s !== 'open') return;
    this.s = 'lost';
    this.schedule(now);
  }

  close(): void {
    this.s = 'closed';
    this.delay = this.limits.minMs;
    this.retryAt = 0;
  }

  private schedule(now: number): void {
    this.retryAt = now + this.delay;
    this.delay = Math.min(this.delay * 2, this.limits.maxMs);
  }
}
