import type Database from 'better-sqlite3';
import { silentLogger, type Logger } from '../core/log.js';
import {
  assertLimit,
  assertLimits,
  assertNewRecords,
  emptyByKind,
  EVICTION_LANES,
  RECORD_OVERHEAD_BYTES,
  type MaintainResult,
  outboxMisuse,
  type OutboxLimits,
} from './records.js';
import { openOutboxDatabase, type OpenReport } from './sqlite-open.js';
import type { NewRecord, Outbox, OutboxStats, Priority, RecordKind, StoredRecord } from './types.js';

export type { OpenReport } from './sqlite-open.js';

export interface SqliteOutboxOptions extends OutboxLimits {
  logger?: Logger;
  /** Called once at open when the file was unusable and was moved aside (same as `openReport()`). */
  onCorrupt?: (report: OpenReport) => void;
  /** Wall clock stamped on delivered rows (retention counts from it); defaults to Date.now. */
  wallNow?: () => number;
}

interface Row {
  seq: number;
  id: string;
  kind: RecordKind;
  elevator_id: string | null;
  priority: Priority;
  created_at: number;
  payload: string;
}

const COLUMNS = 'seq, id, kind, elevator_id, priority, created_at, payload';
/** A row's size as records.ts estimates it (estimateRecordBytes), in SQL. */
const ROW_BYTES = `length(CAST(payload AS BLOB)) + 2 * length(CAST(id AS BLOB)) + ifnull(length(CAST(elevator_id AS BLOB)), 0) + ${RECORD_OVERHEAD_BYTES}`;
/** Eviction reads candidates in chunks of this many rows per lane. */
const EVICTION_CHUNK = 256;

function toStored(r: Row): StoredRecord {
  return { seq: r.seq, id: r.id, kind: r.kind, elevatorId: r.elevator_id, priority: r.priority, createdAt: r.created_at, payload: r.payload };
}

function statements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, string | null, number, number, string]>(
      'INSERT INTO records (id, kind, elevator_id, priority, created_at, payload) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    byId: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM records WHERE id = ?`),
    pending: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM records WHERE delivered_at IS NULL ORDER BY priority, seq LIMIT ?`),
    ack: db.prepare<[number, string]>('UPDATE records SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL'),
    newest: db.prepare<[], { seq: number; id: string }>('SELECT seq, id FROM records ORDER BY seq DESC LIMIT 1'),
    pendingByKind: db.prepare<[], { kind: RecordKind; n: number; oldest: number }>(
      'SELECT kind, count(*) AS n, min(created_at) AS oldest FROM records WHERE delivered_at IS NULL GROUP BY kind',
    ),
    purgeDeliveredBefore: db.prepare<[number]>('DELETE FROM records WHERE delivered_at IS NOT NULL AND delivered_at < ?'),
    purgeDelivered: db.prepare('DELETE FROM records WHERE delivered_at IS NOT NULL'),
    estimatedBytes: db.prepare<[], { bytes: number }>(`SELECT ifnull(sum(${ROW_BYTES}), 0) AS bytes FROM records`),
    evictionCandidates: db.prepare<[number, number, number], { seq: number; kind: RecordKind; bytes: number }>(
      `SELECT seq, kind, ${ROW_BYTES} AS bytes FROM records WHERE delivered_at IS NULL AND priority = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    deleteSeq: db.prepare<[number]>('DELETE FROM records WHERE seq = ?'),
    getMeta: db.prepare<[string], { value: number | string }>('SELECT value FROM meta WHERE key = ?'),
    metaWithPrefix: db.prepare<[string, string], { key: string; value: number | string }>('SELECT key, value FROM meta WHERE substr(key, 1, length(?)) = ?'),
    setMeta: db.prepare<[string, number | string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    addMeta: db.prepare<[string, number]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value'),
    syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
    syncFull: db.prepare('PRAGMA synchronous = FULL'),
  };
}

/**
 * The store of record: SQLite in WAL mode on the gateway's SD card (pragmas and their reasons
 * in sqlite-open.ts). Everything that changes rows happens in one IMMEDIATE transaction per call.
 */
export class SqliteOutbox implements Outbox {
  private readonly s: ReturnType<typeof statements>;
  private readonly log: Logger;
  private readonly wallNow: () => number;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly limits: OutboxLimits,
    private readonly report: OpenReport,
    opts: SqliteOutboxOptions,
  ) {
    this.s = statements(db);
    this.log = opts.logger ?? silentLogger;
    this.wallNow = opts.wallNow ?? Date.now;
  }

  /** Opens (creating directory and file as needed); an unusable file is moved aside, never thrown for. */
  static open(path: string, opts: SqliteOutboxOptions): SqliteOutbox {
    assertLimits(opts);
    const log = opts.logger ?? silentLogger;
    const { db, report } = openOutboxDatabase(path, log, opts.wallNow);
    const outbox = new SqliteOutbox(db, path, { maxBytes: opts.maxBytes, retentionMs: opts.retentionMs }, report, opts);
    if (report.recovered) opts.onCorrupt?.(report);
    return outbox;
  }

  /** Whether the file found at open was unusable and replaced; the gateway reports this upstream as a loss. */
  openReport(): OpenReport {
    return { ...this.report };
  }

  append(records: NewRecord[]): StoredRecord[] {
    if (records.length === 0) return []; // no transaction, no fsync
    assertNewRecords(records);
    const { insert, byId } = this.s;
    const write = () =>
      this.db
        .transaction(() =>
          records.map((r): StoredRecord => {
            const info = insert.run(r.id, r.kind, r.elevatorId, r.priority, r.createdAt, r.payload);
            if (info.changes === 1)
              return { seq: Number(info.lastInsertRowid), id: r.id, kind: r.kind, elevatorId: r.elevatorId, priority: r.priority, createdAt: r.createdAt, payload: r.payload };
            // The id is already stored: a resend of the same record. Keep the first copy.
            return toStored(byId.get(r.id)!);
          }),
        )
        .immediate();
    // A batch of telemetry only is not worth an fsync of its own (one every telemetry round on an
    // SD card): it is made durable by the next event's FULL commit, and a power cut before that
    // loses a few seconds of running state the next round replaces — never an event.
    return records.every((r) => r.kind === 'telemetry') ? this.relaxed(write) : write();
  }

  next(limit: number, exclude: ReadonlySet<number> = new Set()): StoredRecord[] {
    const n = assertLimit(limit);
    if (n === 0) return [];
    // At most exclude.size rows are skipped, so this many always fills the page.
    const rows = this.s.pending.all(n + exclude.size);
    const out: StoredRecord[] = [];
    for (const r of rows) {
      if (exclude.has(r.seq)) continue;
      out.push(toStored(r));
      if (out.length === n) break;
    }
    return out;
  }

  ack(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const at = this.wallNow();
    this.relaxed(() =>
      this.db
        .transaction(() => {
          let delivered = 0;
          for (const id of ids) delivered += this.s.ack.run(at, id).changes;
          if (delivered > 0) this.s.addMeta.run('delivered', delivered);
        })
        .immediate(),
    );
  }

  lastId(): string | undefined {
    const newest = this.s.newest.get();
    const removedSeq = this.meta('last_seq');
    if (newest && (typeof removedSeq !== 'number' || newest.seq >= removedSeq)) return newest.id;
    const removedId = this.meta('last_id');
    return typeof removedId === 'string' ? removedId : newest?.id;
  }

  stats(): OutboxStats {
    const pendingByKind = emptyByKind();
    let pending = 0;
    let oldestPendingCreatedAt: number | null = null;
    for (const r of this.s.pendingByKind.all()) {
      pendingByKind[r.kind] = r.n;
      pending += r.n;
      oldestPendingCreatedAt = oldestPendingCreatedAt === null ? r.oldest : Math.min(oldestPendingCreatedAt, r.oldest);
    }
    const { pageCount, pageSize } = this.pages();
    return {
      pending,
      pendingByKind,
      oldestPendingCreatedAt,
      delivered: Number(this.meta('delivered') ?? 0),
      evicted: Number(this.meta('evicted') ?? 0),
      evictedByKind: this.evictedByKind(),
      dbBytes: pageCount * pageSize,
    };
  }

  maintain(nowWallMs: number): MaintainResult {
    if (!Number.isFinite(nowWallMs)) throw outboxMisuse(`outbox.maintain: now is not a finite time: ${nowWallMs}`);
    const result = this.relaxed(() => this.db.transaction(() => this.purgeAndEvict(nowWallMs)).immediate());
    const { pageSize, freePages } = this.pages();
    // Free pages are reused by new rows anyway; hand them back only when the file must shrink.
    if (result.evicted > 0 || freePages * pageSize > this.limits.maxBytes / 4) this.relaxed(() => this.db.pragma('incremental_vacuum'));
    if (result.evicted > 0) this.log.warn({ evicted: result.evicted, byKind: result.evictedByKind }, 'outbox over its size cap: evicted pending records');
    return result;
  }

  /**
   * Numbers that must outlive the process (the cumulative run counters), in the `meta` table under
   * `prefix` (no schema change: an older build opens the file as it is). Written with the
   * default synchronous=FULL: the caller writes rarely (hourly, at a clean stop).
   */
  readCounters(prefix: string): Map<string, number> {
    const rows = this.s.metaWithPrefix.all(prefix, prefix);
    return new Map(rows.flatMap((r) => (typeof r.value === 'number' ? [[r.key.slice(prefix.length), r.value] as [string, number]] : [])));
  }

  writeCounters(prefix: string, values: ReadonlyMap<string, number>): void {
    this.db
      .transaction(() => {
        for (const [key, value] of values) this.s.setMeta.run(`${prefix}${key}`, value);
      })
      .immediate();
  }

  /** Settings and sizes for `diag outbox` and tests. */
  info(): { path: string; schemaVersion: number; journalMode: string; synchronous: number; autoVacuum: number; pageSize: number; pageCount: number; freePages: number } {
    const p = this.pages();
    return {
      path: this.path,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      autoVacuum: this.db.pragma('auto_vacuum', { simple: true }) as number,
      ...p,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private purgeAndEvict(now: number): MaintainResult {
    const newest = this.s.newest.get();
    let purged = this.s.purgeDeliveredBefore.run(now - this.limits.retentionMs).changes;
    let evicted = 0;
    const evictedByKind: Partial<Record<RecordKind, number>> = {};
    if (this.usedBytes() > this.limits.maxBytes) {
      // Delivered rows are only history: they go before any pending row does.
      purged += this.s.purgeDelivered.run().changes;
      // Pages hold more than the rows' estimated sizes (headers, indexes, partly filled pages):
      // scale the estimates by what the rows really occupy, so one round evicts about enough.
      const estimated = this.s.estimatedBytes.get()?.bytes ?? 0;
      const scale = estimated > 0 ? Math.max(1, this.usedBytes() / estimated) : 1;
      for (let excess = this.usedBytes() - this.limits.maxBytes; excess > 0; excess = this.usedBytes() - this.limits.maxBytes) {
        const victims = this.evictionVictims(excess / scale);
        if (victims.length === 0) break; // nothing pending left: the schema alone is over the cap
        for (const v of victims) {
          this.s.deleteSeq.run(v.seq);
          evictedByKind[v.kind] = (evictedByKind[v.kind] ?? 0) + 1;
        }
        evicted += victims.length;
      }
      if (evicted > 0) {
        this.s.addMeta.run('evicted', evicted);
        for (const [kind, n] of Object.entries(evictedByKind)) this.s.addMeta.run(`evicted:${kind}`, n);
      }
    }
    if (newest && purged + evicted > 0) {
      // The newest row may be gone now; lastId() must still seed the id factory above it.
      this.s.setMeta.run('last_seq', newest.seq);
      this.s.setMeta.run('last_id', newest.id);
    }
    return { purged, evicted, evictedByKind };
  }

  /**
   * Pending rows whose estimated sizes add up to `excess`, in eviction order: the least important lane
   * first (highest priority number), oldest first within it. Critical rows (lane 0) come last, so
   * they are only reached once every other lane is empty.
   */
  private evictionVictims(excess: number): { seq: number; kind: RecordKind }[] {
    const victims: { seq: number; kind: RecordKind }[] = [];
    let bytes = 0;
    for (const lane of EVICTION_LANES) {
      let after = 0;
      for (;;) {
        const chunk = this.s.evictionCandidates.all(lane, after, EVICTION_CHUNK);
        for (const c of chunk) {
          victims.push(c);
          bytes += c.bytes;
          if (bytes >= excess) return victims;
        }
        if (chunk.length < EVICTION_CHUNK) break;
        after = chunk[chunk.length - 1]!.seq;
      }
    }
    return victims;
  }

  /** Bytes held by live pages: what the size cap applies to (free pages are reusable space). */
  private usedBytes(): number {
    const { pageSize, pageCount, freePages } = this.pages();
    return (pageCount - freePages) * pageSize;
  }

  private pages(): { pageSize: number; pageCount: number; freePages: number } {
    return {
      pageSize: this.db.pragma('page_size', { simple: true }) as number,
      pageCount: this.db.pragma('page_count', { simple: true }) as number,
      freePages: this.db.pragma('freelist_count', { simple: true }) as number,
    };
  }

  private evictedByKind(): Record<RecordKind, number> {
    const byKind = emptyByKind();
    for (const kind of Object.keys(byKind) as RecordKind[]) byKind[kind] = Number(this.meta(`evicted:${kind}`) ?? 0);
    return byKind;
  }

  private meta(key: string): number | string | undefined {
    return this.s.getMeta.get(key)?.value;
  }

  /**
   * Runs `fn` with synchronous=NORMAL: its commit is not fsynced on its own but by the next
   * FULL commit (the next append). Right for acks and maintenance: losing one to a power cut
   * means a record is resent (at-least-once, same id) or evicted again — never lost — and it
   * saves an fsync per PUBACK on the SD card. WAL with NORMAL still never corrupts.
   */
  private relaxed<T>(fn: () => T): T {
    this.s.syncNormal.run();
    try {
      return fn();
    } finally {
      this.s.syncFull.run();
    }
  }
}
