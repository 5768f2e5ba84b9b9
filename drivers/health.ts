import type { Logger } from '../src/core/log.js';
import type { DriverHealth, DriverState } from './types.js';

/**
 * A driver's health with its counters. Logs one line per change of trouble (a new error code or
 * a recovery), never one per failed poll, so a dead sensor box does not flood the journal.
 */
export class HealthRecorder {
  private readonly h: DriverHealth = { state: 'lost', transactions: 0, failures: 0, consecutiveFailures: 0 };

  constructor(
    private readonly logger: Logger,
    private readonly about: Record<string, unknown>,
  ) {}

  get(): DriverHealth {
    return { ...this.h };
  }

  get state(): DriverState {
    return this.h.state;
  }

  transaction(): void {
    this.h.transactions++;
  }

  fail(code: string, message: string, state: DriverState = this.h.state): void {
    const first = this.h.consecutiveFailures === 0 || this.h.lastErrorCode !== code;
    this.h.failures++;
    this.h.consecutiveFailures++;
    this.h.lastErrorCode = code;
    this.h.lastError = message;
    this.h.state = state;
    if (first) this.logger.warn({ ...this.about, code }, message);
  }

  ok(): void {
    if (this.h.state === 'ok' && this.h.consecutiveFailures === 0) return;
    if (this.h.consecutiveFailures > 0) this.logger.info(this.about, 'reads good again');
    this.h.state = 'ok';
    this.h.consecutiveFailures = 0;
  }
}
