import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

/**
 * Whether the database is away, as this worker's writes find it. The outage is logged once when a
 * write first fails for a transient reason and once when a write gets through again, however many
 * retries lie between: a line per attempt would bury the two that matter to whoever reads the log.
 */
export class DbOutage {
  private sinceMs: number | undefined;
  private failures = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  get down(): boolean {
    return this.sinceMs !== undefined;
  }

  /** A write failed for a transient reason and will be retried. */
  failed(e: unknown): void {
    this.failures++;
    if (this.sinceMs !== undefined) return;
    this.sinceMs = this.now();
    this.log.error({ err: errorMessage(e) }, 'database unavailable; retrying with back-off, messages stay unacknowledged');
  }

  /** A write got through. */
  succeeded(): void {
    if (this.sinceMs === undefined) return;
    this.log.info({ downMs: this.now() - this.sinceMs, failedAttempts: this.failures }, 'database available again; the held messages are being stored');
    this.sinceMs = undefined;
    this.failures = 0;
  }
}
