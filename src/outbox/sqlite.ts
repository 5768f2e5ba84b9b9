import Database from 'better-sqlite3';
import { silentLogger, type Logger } from '../core/log.js';
import { BackgroundSync, type SyncStats } from './background-sync.js';
import { assertLimit, assertLimits, assertNewRecords, emptyByKind, type MaintainResult, outboxMisuse, type OutboxLimits } from './records.js';
import { purgeAndEvict } from './sqlite-evict.js';
import { openOutboxDatabase, type OpenReport } from './sqlite-open.js';
import { statements, toStored } from './sqlite-statements.js';
import { type NewRecord, type Outbox, type OutboxStats, PRIORITY, type RecordKind, type StoredRecord } from './types.js';

export type { OpenReport } from './sqlite-open.js';

export interface SqliteOutboxOptions extends OutboxLimits {
  logger?: Logger;
  /** Called once at open when the file was unusable and was moved aside (same as `openReport()`). */
  onCorrupt?: (report: OpenReport) => void;
  /** Wall clock stamped on delivered rows (retention counts from it); defaults to Date.now. */
  wallNow?: () => number;
  /**
   * Where the fsyncs run (default `background` for a file): `background` keeps them off the event
   * loop (see background-sync.ts), `inline` is SQLite's synchronous=FULL, each event batch waiting
   * for its fsync. An in-memory database has nothing to sync.
   */
  durability?: 'background' | 'inline';
  /** Background durability: checkpoint the WAL after about this many committed bytes (default 1 MiB). */
  checkpointBytes?: number;
}

/** Priority lanes, for the oldest pending record. */
const LANES = Object.values(PRIORITY);
/** Acks waiting for a sync beyond this many are written anyway (a card whose syncs hang). */
const MAX_WAITING_ACKS = 10_000;

/**
 * The store of record: SQLite in WAL mode on the gateway's SD card (pragmas and their reasons
 * in sqlite-open.ts). Everything that changes rows happens in one transaction per call (IMMEDIATE,
 * or a lone INSERT, which SQLite commits as one).
 */
export class SqliteOutbox implements Outbox {
  private readonly s: ReturnType<typeof statements>;
  private readonly log: Logger;
  private readonly wallNow: () => number;
  private readonly bg: BackgroundSync | undefined;
  /** Pending rows by kind: counted at open, then kept by append, ack and eviction. */
  private readonly pending = emptyByKind();
  /** Acks that came while a sync or checkpoint ran, written when it ends (see ack). */
  private readonly acks = new Map<string, number>();
  /** A write of waiting acks after a sync failed, and none has succeeded since (it was logged). */
  private ackWriteFailing = false;
  /** One transaction function for every append: better-sqlite3 builds its wrapper per call of `transaction`. */
  private readonly insertAll: Database.Transaction<(records: NewRecord[], added: RecordKind[]) => StoredRecord[]>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly limits: OutboxLimits,
    private readonly report: OpenReport,
    opts: SqliteOutboxOptions,
  ) {
    this.s = statements(db);
    this.insertAll = db.transaction((records: NewRecord[], added: RecordKind[]) => records.map((r) => this.insertOne(r, added)));
    this.log = opts.logger ?? silentLogger;
    this.wallNow = opts.wallNow ?? Date.now;
    for (const r of this.s.pendingKinds.iterate()) this.pending[r.kind]++;
    const inMemory = path === ':memory:' || path === '';
    if (!inMemory && (opts.durability ?? 'background') === 'background')
      this.bg = new BackgroundSync(db, path, { logger: this.log, checkpointBytes: opts.checkpointBytes, onSettled: () => this.writeAcksAfterSync() }, () => {
        const pin = new Database(path, { fileMustExist: true });
        pin.pragma('busy_timeout = 5000');
        pin.pragma('cache_size = -64'); // it reads one page of the schema
        return pin;
      });
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
    // One record needs no BEGIN and COMMIT of its own: SQLite commits a lone INSERT as it runs.
    const write = (added: RecordKind[]) => (records.length === 1 ? [this.insertOne(records[0]!, added)] : this.insertAll.immediate(records, added));
    // A batch of telemetry only is not worth an fsync of its own (one every telemetry round on an
    // SD card): it is made durable by the next event's FULL commit, and a power cut before that
    // loses a few seconds of running state the next round replaces — never an event.
    const telemetryOnly = records.every((r) => r.kind === 'telemetry');
    const added: RecordKind[] = [];
    const stored = telemetryOnly ? this.relaxed(() => write(added)) : write(added);
    for (const kind of added) this.pending[kind]++; // counted once committed: a failed batch rolls back whole
    this.bg?.committed(
      records.reduce((n, r) => n + r.payload.length, 0),
      !telemetryOnly,
    );
    return stored;
  }

  /** Inserts one record (in the caller's transaction, or alone); a record already stored keeps its first copy. */
  private insertOne(r: NewRecord, added: RecordKind[]): StoredRecord {
    const info = this.s.insert.run(r.id, r.kind, r.elevatorId, r.priority, r.createdAt, r.payload);
    if (info.changes !== 1) return toStored(this.s.byId.get(r.id)!); // a resend of the same record
    added.push(r.kind);
    return { seq: Number(info.lastInsertRowid), id: r.id, kind: r.kind, elevatorId: r.elevatorId, priority: r.priority, createdAt: r.createdAt, payload: r.payload };
  }

  next(limit: number, exclude: ReadonlySet<number> = new Set()): StoredRecord[] {
    const n = assertLimit(limit);
    if (n === 0) return [];
    // At most exclude.size + acks waiting rows are skipped, so this many always fills the page.
    const rows = this.s.pending.all(n + exclude.size + this.acks.size);
    const out: StoredRecord[] = [];
    for (const r of rows) {
      if (exclude.has(r.seq) || this.acks.has(r.id)) continue;
      out.push(toStored(r));
      if (out.length === n) break;
    }
    return out;
  }

  /**
   * With background durability, an ack that comes while a sync or checkpoint runs waits in
   * memory (`next` skips its row) and is written when that ends, with the others that came
   * meanwhile: during a drain that is one transaction per sync instead of one per PUBACK, and no
   * commit lands in a checkpoint's window, so the WAL can start over. Anything that reads what
   * acks change (stats, maintain, close) writes the waiting ones first. A delivered mark is never
   * on disk without its row: the UPDATE follows the INSERT in the WAL (see background-sync.ts).
   */
  ack(ids: readonly string[]): void {
    if (ids.length === 0) return;
    if (!this.bg?.isBusy()) {
      this.writeAck(ids);
      return;
    }
    const at = this.wallNow();
    for (const id of ids) if (!this.acks.has(id)) this.acks.set(id, at);
    if (this.acks.size >= MAX_WAITING_ACKS) this.writeAcks();
  }

  private writeAcks(): void {
    if (this.acks.size === 0) return;
    this.writeAck([...this.acks.keys()], (id) => this.acks.get(id)!);
    this.acks.clear();
    this.ackWriteFailing = false; // whoever wrote them: a later failure is news again
  }

  /**
   * The acks that waited for a background sync, written when it ends. This runs in the sync's
   * callback, where a throw would be an uncaught exception that ends the gateway: a write that
   * fails (a full disk: SQLITE_FULL) leaves them waiting instead — `next` still skips their
   * rows, the next sync or the next caller that writes them tries again — and is logged once
   * until a write succeeds. Nothing is lost meanwhile: an ack not on disk means a record sent
   * again, with the same id.
   */
  private writeAcksAfterSync(): void {
    try {
      this.writeAcks();
    } catch (e) {
      if (this.ackWriteFailing) return;
      this.ackWriteFailing = true;
      const code = (e as { code?: unknown }).code;
      this.log.warn(
        { err: typeof code === 'string' ? code : String(e), waiting: this.acks.size },
        'outbox: could not mark delivered records; they wait in memory and are written at the next try',
      );
    }
  }

  /** Marks rows delivered, each at the wall time its ack came (retention counts from it). */
  private writeAck(ids: readonly string[], ackedAt?: (id: string) => number): void {
    const now = this.wallNow();
    const delivered = this.relaxed(() =>
      this.db
        .transaction(() => {
          const kinds: RecordKind[] = [];
          for (const id of ids) {
            const row = this.s.ack.get(ackedAt?.(id) ?? now, id);
            if (row) kinds.push(row.kind);
          }
          if (kinds.length > 0) this.s.addMeta.run('delivered', kinds.length);
          return kinds;
        })
        .immediate(),
    );
    for (const kind of delivered) this.pending[kind]--; // counted once committed, never for a rolled-back batch
    this.bg?.committed(0, false);
  }

  lastId(): string | undefined {
    const newest = this.s.newest.get();
    const removedSeq = this.meta('last_seq');
    if (newest && (typeof removedSeq !== 'number' || newest.seq >= removedSeq)) return newest.id;
    const removedId = this.meta('last_id');
    return typeof removedId === 'string' ? removedId : newest?.id;
  }

  /**
   * Cheap with any backlog (the status record asks every minute, `diag` whenever it likes): the
   * pending counts are kept as rows come and go, and the oldest pending record is the oldest head
   * of the six lanes (append order), six index lookups.
   */
  stats(): OutboxStats {
    this.writeAcks();
    let oldestPendingCreatedAt: number | null = null;
    for (const lane of LANES) {
      const head = this.s.laneHead.get(lane);
      if (head && (oldestPendingCreatedAt === null || head.created_at < oldestPendingCreatedAt)) oldestPendingCreatedAt = head.created_at;
    }
    const { pageCount, pageSize } = this.pages();
    return {
      pending: Object.values(this.pending).reduce((a, b) => a + b, 0),
      pendingByKind: { ...this.pending },
      oldestPendingCreatedAt,
      delivered: Number(this.meta('delivered') ?? 0),
      evicted: Number(this.meta('evicted') ?? 0),
      evictedByKind: this.evictedByKind(),
      dbBytes: pageCount * pageSize,
    };
  }

  maintain(nowWallMs: number): MaintainResult {
    if (!Number.isFinite(nowWallMs)) throw outboxMisuse(`outbox.maintain: now is not a finite time: ${nowWallMs}`);
    this.writeAcks();
    const result = this.relaxed(() => this.db.transaction(() => purgeAndEvict(this.s, this.limits, nowWallMs, () => this.usedBytes())).immediate());
    for (const [kind, n] of Object.entries(result.evictedByKind) as [RecordKind, number][]) this.pending[kind] -= n;
    this.bg?.committed(0, false);
    const { pageSize, freePages } = this.pages();
    // Free pages are reused by new rows anyway; hand them back only when the file must shrink.
    if (result.evicted > 0 || freePages * pageSize > this.limits.maxBytes / 4) this.relaxed(() => this.db.pragma('incremental_vacuum'));
    if (result.evicted > 0) this.log.warn({ evicted: result.evicted, byKind: result.evictedByKind }, 'outbox over its size cap: evicted pending records');
    return result;
  }

  /**
   * Numbers that must outlive the process (the cumulative run counters), in the `meta` table under
   * `prefix` (no schema change: an older build opens the file as it is). Made durable at once
   * (inline or by the next background sync): the caller writes rarely (hourly, at a clean stop).
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
    this.bg?.committed(0, true);
  }

  /** Resolves once everything committed so far is on disk (immediately with inline durability). */
  whenDurable(): Promise<void> {
    return this.bg?.whenDurable() ?? Promise.resolve();
  }

  /** The background durability's figures; undefined with inline durability. */
  syncStats(): SyncStats | undefined {
    return this.bg?.stats();
  }

  /** Settings and sizes for `diag outbox` and tests. */
  info(): {
    path: string;
    durability: 'background' | 'inline';
    schemaVersion: number;
    journalMode: string;
    synchronous: number;
    /** SQLite's page cache for this connection, KiB. */
    cacheKiB: number;
    autoVacuum: number;
    pageSize: number;
    pageCount: number;
    freePages: number;
  } {
    const p = this.pages();
    return {
      path: this.path,
      durability: this.bg ? 'background' : 'inline',
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      cacheKiB: -(this.db.pragma('cache_size', { simple: true }) as number),
      autoVacuum: this.db.pragma('auto_vacuum', { simple: true }) as number,
      ...p,
    };
  }

  close(): void {
    if (!this.db.open) return;
    this.writeAcks(); // the close below syncs inline
    const files = this.bg?.close();
    this.db.close();
    files?.closeFiles();
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
   * `db.pragma` each time, not a statement prepared once: SQLite applies `PRAGMA synchronous`
   * when the statement is compiled, so a prepared one takes effect only when it happens to be
   * compiled again (the first relaxed write after an open committed at FULL).
   */
  private relaxed<T>(fn: () => T): T {
    if (this.bg) return fn(); // already synchronous=OFF, synced in the background
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }
}
