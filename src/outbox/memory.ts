import { assertLimit, assertLimits, assertNewRecords, emptyByKind, estimateRecordBytes, EVICTION_LANES, outboxMisuse, type MaintainResult, type OutboxLimits } from './records.js';
import type { NewRecord, Outbox, OutboxStats, RecordKind, StoredRecord } from './types.js';

export interface MemoryOutboxOptions extends Partial<OutboxLimits> {
  /** Wall clock stamped on delivered rows (retention counts from it); defaults to Date.now. */
  wallNow?: () => number;
}

interface Row {
  record: StoredRecord;
  deliveredAt: number | null;
  bytes: number;
}

/**
 * The in-memory fake for unit tests of other layers: the same contract as SqliteOutbox (proved by
 * test/outbox/contract.ts), no durability. Size is the estimate in records.ts.
 */
export class MemoryOutbox implements Outbox {
  /** By seq; a Map keeps insertion order, which is seq order. */
  private readonly rows = new Map<number, Row>();
  private readonly byId = new Map<string, Row>();
  private seq = 0;
  private newestId: string | undefined;
  private delivered = 0;
  private evicted = 0;
  private readonly evictedByKind = emptyByKind();
  private closed = false;
  private readonly limits: OutboxLimits;
  private readonly wallNow: () => number;

  constructor(opts: MemoryOutboxOptions = {}) {
    this.limits = { maxBytes: opts.maxBytes ?? Number.POSITIVE_INFINITY, retentionMs: opts.retentionMs ?? 7 * 86_400_000 };
    assertLimits(this.limits);
    this.wallNow = opts.wallNow ?? Date.now;
  }

  append(records: NewRecord[]): StoredRecord[] {
    this.assertOpen();
    assertNewRecords(records);
    return records.map((r) => {
      const existing = this.byId.get(r.id);
      if (existing) return { ...existing.record };
      const record: StoredRecord = { id: r.id, kind: r.kind, elevatorId: r.elevatorId, priority: r.priority, createdAt: r.createdAt, payload: r.payload, seq: ++this.seq };
      const row: Row = { record, deliveredAt: null, bytes: estimateRecordBytes(record) };
      this.rows.set(record.seq, row);
      this.byId.set(record.id, row);
      this.newestId = record.id;
      return { ...record };
    });
  }

  next(limit: number, exclude: ReadonlySet<number> = new Set()): StoredRecord[] {
    this.assertOpen();
    const n = assertLimit(limit);
    return this.pending()
      .filter((r) => !exclude.has(r.record.seq))
      .sort((a, b) => a.record.priority - b.record.priority) // stable: seq order within a lane
      .slice(0, n)
      .map((r) => ({ ...r.record }));
  }

  ack(ids: readonly string[]): void {
    this.assertOpen();
    const at = this.wallNow();
    for (const id of ids) {
      const row = this.byId.get(id);
      if (row && row.deliveredAt === null) {
        row.deliveredAt = at;
        this.delivered++;
      }
    }
  }

  lastId(): string | undefined {
    this.assertOpen();
    return this.newestId;
  }

  stats(): OutboxStats {
    this.assertOpen();
    const pendingByKind = emptyByKind();
    let oldest: number | null = null;
    const pending = this.pending();
    for (const { record } of pending) {
      pendingByKind[record.kind]++;
      oldest = oldest === null ? record.createdAt : Math.min(oldest, record.createdAt);
    }
    return {
      pending: pending.length,
      pendingByKind,
      oldestPendingCreatedAt: oldest,
      delivered: this.delivered,
      evicted: this.evicted,
      evictedByKind: { ...this.evictedByKind },
      dbBytes: this.bytes(),
    };
  }

  maintain(nowWallMs: number): MaintainResult {
    this.assertOpen();
    if (!Number.isFinite(nowWallMs)) throw outboxMisuse(`outbox.maintain: now is not a finite time: ${nowWallMs}`);
    const cutoff = nowWallMs - this.limits.retentionMs;
    let purged = this.remove((r) => r.deliveredAt !== null && r.deliveredAt < cutoff);
    let evicted = 0;
    const evictedByKind: Partial<Record<RecordKind, number>> = {};
    if (this.bytes() > this.limits.maxBytes) {
      purged += this.remove((r) => r.deliveredAt !== null);
      let bytes = this.bytes();
      const order = this.pending().sort((a, b) => EVICTION_LANES.indexOf(a.record.priority) - EVICTION_LANES.indexOf(b.record.priority)); // oldest first within a lane
      for (const row of order) {
        if (bytes <= this.limits.maxBytes) break;
        this.delete(row);
        bytes -= row.bytes;
        evicted++;
        evictedByKind[row.record.kind] = (evictedByKind[row.record.kind] ?? 0) + 1;
        this.evictedByKind[row.record.kind]++;
      }
      this.evicted += evicted;
    }
    return { purged, evicted, evictedByKind };
  }

  close(): void {
    this.closed = true;
  }

  /** Pending rows in seq order (the Map's insertion order; sorts of it are stable). */
  private pending(): Row[] {
    return [...this.rows.values()].filter((r) => r.deliveredAt === null);
  }

  private bytes(): number {
    let sum = 0;
    for (const r of this.rows.values()) sum += r.bytes;
    return sum;
  }

  private remove(match: (r: Row) => boolean): number {
    let n = 0;
    for (const row of [...this.rows.values()]) {
      if (match(row)) {
        this.delete(row);
        n++;
      }
    }
    return n;
  }

  private delete(row: Row): void {
    this.rows.delete(row.record.seq);
    this.byId.delete(row.record.id);
  }

  private assertOpen(): void {
    if (this.closed) throw outboxMisuse('outbox used after close()');
  }
}
