import type { Logger } from '../../core/log.js';
import type { Timers } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { IngestItem, IngestResult, PlatformStore, RescuePolicy } from '../store/types.js';
import { DbOutage } from './outage.js';

interface Pending {
  item: IngestItem;
  resolve(): void;
  reject(e: unknown): void;
}

export interface CommitterOptions {
  store: PlatformStore;
  policy: RescuePolicy;
  /** Back-off between attempts while the database is away. */
  timers: Timers;
  log: Logger;
  /** Shared with the worker's other writers, so an outage is logged once; one of its own if not given. */
  outage?: DbOutage;
  maxBatch?: number;
  /** After each commit, with what it held (the latest-state cache and the metrics listen here). */
  onCommitted?(items: readonly IngestItem[], result: IngestResult): void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 10_000;

/**
 * Group commit: messages wait while a commit is under way and go together in the next one, so a
 * worker's commit rate follows the database's fsync rate, not the message rate. `submit` resolves
 * once the message's transaction has committed — the moment its PUBACK may go.
 *
 * A commit that fails for a transient reason (connection, deadlock, busy) is retried as it is,
 * with back-off, for as long as it takes: the messages stay unacknowledged meanwhile, which is the
 * back-pressure. A commit the database refuses for its data is split, and the one message that
 * still fails alone becomes a dead letter with the database's reason, so one bad message cannot
 * hold up a stream.
 */
export class Committer {
  private readonly queue: Pending[] = [];
  private busy = false;
  private idle: (() => void)[] = [];
  private readonly outage: DbOutage;

  constructor(private readonly o: CommitterOptions) {
    this.outage = o.outage ?? new DbOutage(o.log, () => o.timers.now());
  }

  submit(item: IngestItem): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Messages waiting or being committed. */
  get pending(): number {
    return this.queue.length + (this.busy ? 1 : 0);
  }

  /** Resolves when nothing is waiting or being committed. */
  drained(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    if (this.busy) return;
    if (this.queue.length === 0) {
      for (const f of this.idle.splice(0)) f();
      return;
    }
    this.busy = true;
    const batch = this.queue.splice(0, this.o.maxBatch ?? 2000);
    void this.commit(batch).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      await this.attempt(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (e) {
      if (batch.length > 1) {
        for (const p of batch) await this.commit([p]);
        return;
      }
      const p = batch[0]!;
      if (p.item.kind === 'dead') {
        this.o.log.error({ err: errorMessage(e), topic: p.item.topic }, 'a dead letter could not be stored; the message stays unacknowledged');
        p.reject(e);
        return;
      }
      this.o.log.warn({ err: errorMessage(e), topic: p.item.topic }, 'the database refused a message; kept as a dead letter');
      await this.commit([{ ...p, item: { kind: 'dead', topic: p.item.topic, receivedMs: p.item.receivedMs, reason: `store refused: ${errorMessage(e)}`, raw: raw(p.item) } }]);
    }
  }

  /** Commits, retrying transient failures; throws only for a failure about the data. */
  private async attempt(items: IngestItem[]): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        const result = await this.o.store.ingest(items, this.o.policy);
        this.outage.succeeded();
        this.o.onCommitted?.(items, result);
        return;
      } catch (e) {
        if (!this.o.store.isTransient(e)) throw e;
        this.outage.failed(e);
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** n);
        await new Promise<void>((resolve) => this.o.timers.after(wait, resolve));
      }
    }
  }
}

function raw(item: IngestItem): Buffer {
  return item.kind === 'dead' ? item.raw : Buffer.from(JSON.stringify(item.payload));
}
