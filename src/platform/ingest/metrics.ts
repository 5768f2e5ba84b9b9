import type { IngestItem, IngestResult } from '../store/types.js';

const RESERVOIR = 20_000;

/**
 * A worker's counters and how old messages are when their commit returns (commit time on the
 * platform's clock minus the payload's `at`): the ingest lag. Served at /api/metrics; the fleet
 * benchmark reads its p99 as "publish → commit" because its gateways stamp `at` as they publish.
 *
 * Only messages whose age is a lag go into it. A retained copy the broker hands a (re)subscribing
 * worker was published when its gateway connected, maybe hours ago, and a payload with
 * `clockSynced: false` carries the `at` of a clock NTP has not set yet (1970 on a Pi without RTC):
 * either would swamp the figure the sizing advice reads. They are counted apart instead.
 */
export class IngestMetrics {
  readonly startedMs: number;
  received = 0;
  stored = 0;
  duplicates = 0;
  /**
   * Messages this worker kept as dead letters since it started. Not `deadLetters`: /api/metrics
   * serves these counters beside the store's row counts, where `deadLetters` is the rows stored by
   * every worker, and one name would hide the other.
   */
  deadLettered = 0;
  commits = 0;
  /** Retained copies (status, info) delivered because this worker subscribed: not in the lag. */
  lagSkippedRetained = 0;
  /** Messages whose gateway clock was not synchronised (`clockSynced: false`): not in the lag. */
  lagSkippedUnsynced = 0;
  private readonly ages: number[] = [];
  private next = 0;

  constructor(private readonly wallNow: () => number) {
    this.startedMs = wallNow();
  }

  committed(items: readonly IngestItem[], r: IngestResult): void {
    const now = this.wallNow();
    this.commits++;
    this.received += items.length;
    this.stored += r.stored;
    this.duplicates += r.duplicates;
    this.deadLettered += r.deadLetters;
    for (const i of items) {
      if (i.kind === 'dead') continue;
      if ((i.kind === 'status' || i.kind === 'info') && i.retained) this.lagSkippedRetained++;
      // A live status is not in the lag either: its `at` is optional and a last will has none.
      else if (i.kind === 'status') continue;
      else if (!i.payload.clockSynced) this.lagSkippedUnsynced++;
      else this.sample(now - Date.parse(i.payload.at));
    }
  }

  private sample(age: number): void {
    if (this.ages.length < RESERVOIR) this.ages.push(age);
    else this.ages[this.next++ % RESERVOIR] = age;
  }

  /**
   * Ages of the last RESERVOIR messages committed, ms: the given quantiles; null while no message was
   * measured (none committed yet, or all retained copies or of unsynchronised clocks), because 0 would
   * read as a perfect lag the operator cannot tell from a measured one.
   */
  ageQuantiles(qs: readonly number[]): (number | null)[] {
    const sorted = [...this.ages].sort((a, b) => a - b);
    return qs.map((q) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!));
  }

  snapshot(): Record<string, number | null> {
    const [p50, p99, max] = this.ageQuantiles([0.5, 0.99, 1]);
    return {
      received: this.received,
      stored: this.stored,
      duplicates: this.duplicates,
      deadLettered: this.deadLettered,
      commits: this.commits,
      commitAgeP50Ms: p50!,
      commitAgeP99Ms: p99!,
      commitAgeMaxMs: max!,
      lagSkippedRetained: this.lagSkippedRetained,
      lagSkippedUnsynced: this.lagSkippedUnsynced,
      uptimeS: Math.round((this.wallNow() - this.startedMs) / 1000),
    };
  }
}
