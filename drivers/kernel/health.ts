import type { Timers } from '../../src/core/clock.js';
import type { DriverErrorCode } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import type { DriverHealth, DriverState } from '../types.js';
import type { ConnectionState } from './connection.js';

/** A health document before anything happened: not open yet. */
export function initialHealth(): DriverHealth {
  return { state: 'lost', link: 'closed', transactions: 0, failures: 0, consecutiveFailures: 0, errorsByCode: {}, skippedPolls: 0 };
}

/**
 * A trouble that begins again within this long after its last line is counted, not logged: a
 * noisy line or bus with an occasional bad frame or timeout would otherwise write two lines per
 * bad frame (its warning and its recovery), tens of thousands a day into the SD card's journal.
 * The next line of that trouble says how often it began in between (`repeats`). A transport
 * lost is always logged.
 */
export const REPEAT_QUIET_MS = 60_000;

/**
 * A driver's health with its counters, the same for every transport. Logs one line when a
 * trouble begins (a new error code, never one per failed attempt or poll, so a dead sensor box
 * does not flood the journal) and one when it is over, and at most one line a minute for a
 * trouble that comes and goes (REPEAT_QUIET_MS).
 */
export class HealthRecorder {
  private readonly h = initialHealth();
  /** The trouble going on since the last good poll: its latest code, and whether any of it was logged. */
  private trouble: { code: DriverErrorCode; logged: boolean } | undefined;
  /** Per code: when its last line was written, and how often it began again since without one. */
  private readonly lines = new Map<DriverErrorCode, { at: number; repeats: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly about: Record<string, unknown>,
    /** Sample time: the quiet interval of a repeating trouble is counted on it. */
    private readonly clock: Pick<Timers, 'now'>,
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
    this.h.failures++;
    this.h.errorsByCode[code] = (this.h.errorsByCode[code] ?? 0) + 1;
    this.h.lastErrorCode = code;
    this.h.lastError = message;
    this.h.state = state;
    if (this.trouble?.code === code) return;
    const now = this.clock.now();
    const last = this.lines.get(code);
    if (last !== undefined && state !== 'lost' && now - last.at < REPEAT_QUIET_MS) {
      last.repeats++;
      this.trouble = { code, logged: this.trouble?.logged ?? false };
      return;
    }
    this.lines.set(code, { at: now, repeats: 0 });
    this.trouble = { code, logged: true };
    this.logger.warn({ ...this.about, code, ...(last?.repeats ? { repeats: last.repeats } : {}) }, message);
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
    if (this.h.state === 'ok' && this.h.consecutiveFailures === 0 && this.trouble === undefined) return;
    if (this.h.consecutiveFailures > 0 && this.trouble?.logged) this.logger.info(this.about, 'reads good again');
    this.trouble = undefined;
    this.h.state = 'ok';
    this.h.consecutiveFailures = 0;
  }
}
