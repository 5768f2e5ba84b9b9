import type { Clock } from '../core/clock.js';
import { isElevgwError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { assertNewRecords, estimateRecordBytes, type MaintainResult } from '../outbox/records.js';
import { PRIORITY, type NewRecord, type Outbox, type OutboxStats, type RecordKind, type StoredRecord } from '../outbox/types.js';

/** What a storage outage looked like; handed to `onRecovered` once, when storage works again. */
export interface StorageOutage {
  /** `storage-full` for SQLITE_FULL (the file system is full), `storage-error` for any other write failure. */
  reason: 'storage-full' | 'storage-error';
  /** Code of the first failure, e.g. SQLITE_FULL or SQLITE_IOERR_WRITE. */
  error: string;
  /** Wall time of the first failed write. */
  sinceWall: number;
  /** Monotonic ms from the first failed write to the write that ended the outage. */
  durationMs: number;
  /** Writes (appends, acks, maintenance) that failed meanwhile. */
  failedWrites: number;
  /** Records that went through the holding queue: stored late, or dropped. */
  held: number;
  /** Records dropped because the holding queue overflowed (least important lane first, oldest first). */
  dropped: number;
  droppedByKind: Partial<Record<RecordKind, number>>;
  droppedCritical: number;
}

export interface HoldingOptions {
  clock: Clock;
  logger: Logger;
  /** At most this many records are held in memory (default 5000)… */
  maxRecords?: number;
  /** …and at most this many estimated bytes (default 8 MiB): a Pi-class gateway's RAM, not its disk, is the limit. */
  maxBytes?: number;
  /** The records that report an outage upstream; appended like any other (held again if storage fails again). */
  onRecovered: (outage: StorageOutage) => NewRecord[];
}

/** Records stored per transaction while catching up, so a nearly full disk still takes the most important ones. */
const FLUSH_CHUNK = 64;
const LANES = Object.values(PRIORITY).sort((a, b) => a - b);

interface Outage extends StorageOutage {
  sinceMono: number;
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'unknown';
}

/**
 * The outbox as the gateway uses it: when the store of record cannot be written (a full SD card:
 * SQLITE_FULL, or an I/O error), monitoring must go on and nothing detected may vanish. Records
 * that cannot be stored wait in a bounded in-memory queue, by lane, and are stored on the next
 * append or `retry()`; acknowledgements that cannot be written are remembered so the uplink does
 * not resend those rows meanwhile. When storage works again the outage is logged and reported
 * once (`onRecovered`). If the queue overflows, the least important lane loses its oldest record
 * first (as outbox eviction does), and every drop is counted in that report.
 *
 * Unlike the Outbox contract, `append` is not durable for held records: it returns only what was
 * stored. Programmer errors (OUTBOX_MISUSE) still throw.
 */
export class HoldingOutbox implements Outbox {
  /** Held records per priority lane, oldest first. */
  private readonly lanes = new Map<number, { r: NewRecord; bytes: number }[]>(LANES.map((p) => [p, []]));
  private heldCount = 0;
  private heldBytes = 0;
  private readonly pendingAcks = new Set<string>();
  private outage?: Outage;
  private readonly maxRecords: number;
  private readonly maxBytes: number;

  constructor(
    private readonly inner: Outbox,
    private readonly o: HoldingOptions,
  ) {
    this.maxRecords = o.maxRecords ?? 5000;
    this.maxBytes = o.maxBytes ?? 8 * 1024 * 1024;
  }

  append(records: NewRecord[]): StoredRecord[] {
    if (records.length === 0) return [];
    assertNewRecords(records); // a bad record must throw now, not sit in the queue
    // What is held is older: it goes first, so order within a lane is kept.
    const stored = this.outage ? this.flush() : [];
    if (!this.outage) {
      try {
        return [...stored, ...this.inner.append(records)];
      } catch (e) {
        this.failed(e);
      }
    }
    this.hold(records);
    return stored;
  }

  /** Tries to store what is held (the gateway calls it periodically, so a quiet gateway catches up too). */
  retry(): void {
    if (this.outage) this.flush();
  }

  next(limit: number, exclude?: ReadonlySet<number>): StoredRecord[] {
    if (this.pendingAcks.size === 0) return this.inner.next(limit, exclude);
    // Delivered rows whose ack is not yet written must not go out again.
    const rows = this.inner.next(limit + this.pendingAcks.size, exclude);
    return rows.filter((r) => !this.pendingAcks.has(r.id)).slice(0, Math.max(0, Math.floor(limit)));
  }

  ack(ids: readonly string[]): void {
    if (ids.length === 0) return;
    // Bounded: only rows already in the database can be acknowledged, and they cannot grow while it fails.
    for (const id of ids) this.pendingAcks.add(id);
    if (this.writeAcks()) this.endIfCaughtUp();
  }

  maintain(nowWallMs: number): MaintainResult {
    try {
      const r = this.inner.maintain(nowWallMs);
      this.endIfCaughtUp();
      return r;
    } catch (e) {
      this.failed(e);
      return { purged: 0, evicted: 0, evictedByKind: {} };
    }
  }

  lastId(): string | undefined {
    return this.inner.lastId();
  }

  stats(): OutboxStats {
    return this.inner.stats();
  }

  /** The holding queue now: for diagnostics and tests. */
  holding(): { held: number; heldBytes: number; pendingAcks: number; failingSince: number | null; dropped: number } {
    return {
      held: this.heldCount,
      heldBytes: this.heldBytes,
      pendingAcks: this.pendingAcks.size,
      failingSince: this.outage?.sinceWall ?? null,
      dropped: this.outage?.dropped ?? 0,
    };
  }

  close(): void {
    if (this.outage) this.flush();
    if (this.heldCount > 0) {
      this.o.logger.error(
        {
          held: this.heldCount,
          ids: this.heldRecords()
            .slice(0, 20)
            .map((r) => r.id),
        },
        'outbox storage still failing at shutdown: held records are lost',
      );
    }
    this.inner.close();
  }

  private flush(): StoredRecord[] {
    const stored: StoredRecord[] = [];
    if (!this.writeAcks()) return stored;
    while (this.heldCount > 0) {
      const chunk = this.peek(FLUSH_CHUNK);
      try {
        stored.push(...this.inner.append(chunk));
      } catch (e) {
        this.failed(e);
        return stored;
      }
      this.shift(chunk.length);
    }
    this.endIfCaughtUp();
    return stored;
  }

  private writeAcks(): boolean {
    if (this.pendingAcks.size === 0) return true;
    try {
      this.inner.ack([...this.pendingAcks]);
      this.pendingAcks.clear();
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  private failed(e: unknown): void {
    if (isElevgwError(e, 'OUTBOX_MISUSE')) throw e;
    if (this.outage) {
      this.outage.failedWrites++;
      return;
    }
    const error = errorCode(e);
    this.outage = {
      reason: error === 'SQLITE_FULL' ? 'storage-full' : 'storage-error',
      error,
      sinceWall: this.o.clock.wallNow(),
      sinceMono: this.o.clock.now(),
      durationMs: 0,
      failedWrites: 1,
      held: 0,
      dropped: 0,
      droppedByKind: {},
      droppedCritical: 0,
    };
    // Once per outage: a full disk fails every poll's append, and the log must not fill what is left of it.
    this.o.logger.error(
      { err: error, message: e instanceof Error ? e.message : String(e) },
      'outbox storage failing: holding new records in memory and retrying; monitoring continues',
    );
  }

  private hold(records: NewRecord[]): void {
    const outage = this.outage!;
    for (const r of records) {
      const bytes = estimateRecordBytes(r);
      this.lanes.get(r.priority)!.push({ r, bytes });
      this.heldCount++;
      this.heldBytes += bytes;
      outage.held++;
    }
    while (this.heldCount > this.maxRecords || this.heldBytes > this.maxBytes) this.dropOne(outage);
  }

  /** Drops the oldest record of the least important non-empty lane. */
  private dropOne(outage: Outage): void {
    const lane = [...LANES].reverse().find((p) => this.lanes.get(p)!.length > 0)!;
    const victim = this.lanes.get(lane)!.shift()!;
    this.heldCount--;
    this.heldBytes -= victim.bytes;
    if (outage.dropped === 0)
      this.o.logger.error(
        { maxRecords: this.maxRecords, maxBytes: this.maxBytes },
        'outbox holding queue full: dropping the least important records (counted, reported when storage returns)',
      );
    outage.dropped++;
    outage.droppedByKind[victim.r.kind] = (outage.droppedByKind[victim.r.kind] ?? 0) + 1;
    if (victim.r.priority === PRIORITY.critical) outage.droppedCritical++;
  }

  /** The first n held records, most important lane first, oldest first within a lane. */
  private peek(n: number): NewRecord[] {
    const out: NewRecord[] = [];
    for (const p of LANES) {
      for (const h of this.lanes.get(p)!) {
        if (out.length === n) return out;
        out.push(h.r);
      }
    }
    return out;
  }

  private shift(n: number): void {
    for (const p of LANES) {
      const lane = this.lanes.get(p)!;
      while (n > 0 && lane.length > 0) {
        this.heldBytes -= lane.shift()!.bytes;
        this.heldCount--;
        n--;
      }
    }
  }

  /** What is held now, in the order it will be stored. */
  heldRecords(): NewRecord[] {
    return LANES.flatMap((p) => this.lanes.get(p)!.map((h) => h.r));
  }

  /** Ends the outage once nothing is held and every ack is written: logged and reported once. */
  private endIfCaughtUp(): void {
    const outage = this.outage;
    if (!outage || this.heldCount > 0 || this.pendingAcks.size > 0) return;
    this.outage = undefined;
    const { sinceMono, ...report } = outage;
    report.durationMs = this.o.clock.now() - sinceMono;
    this.o.logger.warn(report, `outbox storage works again: ${report.held - report.dropped} held records stored, ${report.dropped} dropped`);
    this.append(this.o.onRecovered(report));
  }
}
