import type { DriverErrorCode } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import type { DriverHealth, DriverState } from '../types.js';
import type { ConnectionState } from './connection.js';

/** A health document before anything happened: not open yet. */
export function initialHealth(): DriverHealth {
  return { state: 'lost', link: 'closed', transactions: 0, failures: 0, consecutiveFailures: 0, errorsByCode: {}, skippedPolls: 0 };
}

/**
 * A driver's health with its counters, the same for every transport. Logs one line per change
 * of trouble (a new error code or a recovery), never one per failed poll, so a dead sensor box
 * does not flood the journal.
 */
export class HealthRecorder {
  private readonly h = initialHealth();

  constructor(
    private readonly logger: Logger,
    private readonly about: Record<string, unknown>,
  ) {}

  get(): DriverHealth {
    return { ...this.h, errorsByCode: { ...this.h.errorsByCode } };
  }

  get state(): DriverState {
    return this.h.state;
  }

  get lastErrorCode(): DriverErrorCode | undefined {
    return this.h.lastErrorCode;
  }

  link(state: ConnectionState): void {
    this.h.link = state;
  }

  transaction(): void {
    this.h.transactions++;
  }

  skipped(): void {
    this.h.skippedPolls++;
  }

  /** A poll (or an open) failed: one failed attempt that also counts as a failed poll. */
  fail(code: DriverErrorCode, message: string, state: DriverState = this.h.state): void {
    this.failedAttempt(code, message, state);
    this.failedPoll();
  }

  /**
   * One failed attempt within a poll (a driver that retries reports each); `state` defaults to
   * the current one (a transient failure keeps it). Counted by code; logged when the trouble is new.
   */
  failedAttempt(code: DriverErrorCode, message: string, state: DriverState = this.h.state): void {
    const first = this.h.consecutiveFailures === 0 || this.h.lastErrorCode !== code;
    this.h.failures++;
    this.h.errorsByCode[code] = (this.h.errorsByCode[code] ?? 0) + 1;
    this.h.lastErrorCode = code;
    this.h.lastError = message;
    this.h.state = state;
    if (first) this.logger.warn({ ...this.about, code }, message);
  }

  /** The poll as a whole failed (after its retries). */
  failedPoll(): void {
    this.h.consecutiveFailures++;
  }

  /**
   * The trouble goes on without a new attempt (a port that stays missing, a board still silent):
   * the state is kept honest, nothing is counted and nothing logged.
   */
  still(state: DriverState): void {
    this.h.state = state;
  }

  /** A poll answered as expected. */
  ok(): void {
    if (this.h.state === 'ok' && this.h.consecutiveFailures === 0) return;
    if (this.h.consecutiveFailures > 0) this.logger.info(this.about, 'reads good again');
    this.h.state = 'ok';
    this.h.consecutiveFailures = 0;
  }
}
