import type { Logger } from '../core/log.js';
import type { OutboxStats, RecordKind } from '../outbox/types.js';
import type { CounterStore } from './counters.js';

const KEY = 'evicted';
const PREFIX = 'reported:';

/** Evictions not reported upstream yet: how many, and of which kinds. */
export interface Unreported {
  evicted: number;
  byKind: Partial<Record<RecordKind, number>>;
}

type Evicted = Pick<OutboxStats, 'evicted' | 'evictedByKind'>;

/**
 * Every eviction reaches the platform as an `outbox-loss` event, even across a power cut. The
 * outbox counts evictions, in all and by kind, in the same transaction that deletes the rows; the
 * report is a separate append, so a kill between the two would leave evictions nobody was told
 * about. This remembers how many of each kind have been reported; the report is always the
 * difference, so the one sent at start after a power cut says what was lost as exactly as the one
 * sent right after an eviction (an eviction is thus reported at least once — a kill between the
 * report and this note repeats it).
 */
export class EvictionReports {
  private reported: Map<string, number>;

  constructor(
    private readonly store: CounterStore | undefined,
    private readonly logger: Logger,
    soFar: Evicted,
  ) {
    const noted = store?.readCounters(PREFIX);
    this.reported = noted?.has(KEY) ? noted : counts(soFar);
    // A database from before this note existed: what it evicted then was reported then.
    if (!noted?.has(KEY)) this.reportedUpTo(soFar);
    // A note from before kinds were noted: the kinds evicted by then count as reported.
    else if (![...this.reported.keys()].some((k) => k.startsWith(`${KEY}:`))) this.reported = new Map([...counts(soFar), [KEY, this.reported.get(KEY)!]]);
  }

  /** Evictions counted in the outbox and never reported (zero when all were). */
  unreported(soFar: Evicted): Unreported {
    const evicted = Math.max(0, soFar.evicted - (this.reported.get(KEY) ?? 0));
    const byKind: Partial<Record<RecordKind, number>> = {};
    for (const [kind, n] of Object.entries(soFar.evictedByKind) as [RecordKind, number][]) {
      const d = n - (this.reported.get(`${KEY}:${kind}`) ?? 0);
      if (d > 0) byKind[kind] = d;
    }
    return { evicted, byKind };
  }

  /** The report of everything evicted up to `soFar` has been appended. */
  reportedUpTo(soFar: Evicted): void {
    this.reported = counts(soFar);
    try {
      this.store?.writeCounters(PREFIX, this.reported);
    } catch (e) {
      this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not note the eviction report; it may be repeated after a restart');
    }
  }
}

function counts(s: Evicted): Map<string, number> {
  return new Map([[KEY, s.evicted], ...Object.entries(s.evictedByKind).map(([kind, n]) => [`${KEY}:${kind}`, n] as [string, number])]);
}
