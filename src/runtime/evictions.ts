import type { Logger } from '../core/log.js';
import type { CounterStore } from './counters.js';

const KEY = 'evicted';
const PREFIX = 'reported:';

/**
 * Every eviction reaches the platform as an `outbox-loss` event, even across a power cut. The
 * outbox counts evictions in the same transaction that deletes the rows; the report is a
 * separate append, so a kill between the two would leave evictions nobody was told about. This
 * remembers how many have been reported; at start the difference is reported (an eviction is
 * thus reported at least once — a kill between the report and this note repeats it).
 */
export class EvictionReports {
  private reported: number;

  constructor(
    private readonly store: CounterStore | undefined,
    private readonly logger: Logger,
    evictedSoFar: number,
  ) {
    const noted = store?.readCounters(PREFIX).get(KEY);
    this.reported = noted ?? evictedSoFar;
    // A database from before this note existed: what it evicted then was reported then.
    if (noted === undefined) this.reportedUpTo(evictedSoFar);
  }

  /** Evictions counted in the outbox and never reported (zero when all were). */
  unreported(evictedSoFar: number): number {
    return Math.max(0, evictedSoFar - this.reported);
  }

  /** The report of everything evicted up to `evictedSoFar` has been appended. */
  reportedUpTo(evictedSoFar: number): void {
    this.reported = evictedSoFar;
    try {
      this.store?.writeCounters(PREFIX, new Map([[KEY, evictedSoFar]]));
    } catch (e) {
      this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not note the eviction report; it may be repeated after a restart');
    }
  }
}
