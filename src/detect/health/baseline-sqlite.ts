import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KeyState } from './baseline.js';
import type { BaselineStore, HealthMeta, StoredHealth } from './baseline-store.js';

/**
 * Baselines in SQLite, in tables of their own in the gateway's database file (next to the
 * outbox's, which they never touch: the outbox's schema version and migrations stay its own).
 * One row per lift for the meta, one per baseline key, each a JSON document with its format
 * version, so a later format can tell an old row and relearn it rather than misread it.
 *
 * synchronous=NORMAL: WAL keeps the file consistent through a power cut; what NORMAL may lose is
 * the last save, which the next hourly one replaces — not worth an fsync per save on an SD card.
 * In the gateway the outbox's background sync does even that off the event loop (`sharedWal`).
 */
const FORMAT = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS health_meta (
    elevator_id TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS health_baselines (
    elevator_id TEXT NOT NULL,
    key         TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (elevator_id, key)
  ) WITHOUT ROWID;
`;

export interface SqliteBaselineOptions {
  /** Open an existing file read-only (`elevgw replay --baselines`): nothing is created or written. */
  readonly?: boolean;
  /** Wall clock for `updated_at` (informational). */
  wallNow?: () => number;
  /**
   * The file is the outbox's, whose background sync fsyncs and checkpoints its WAL: this
   * connection then never syncs or checkpoints on its own (synchronous=OFF, no automatic
   * checkpoint), so an hourly save cannot stall polling on a slow card. A save is on disk with
   * the outbox's next sync.
   */
  sharedWal?: boolean;
}

export class SqliteBaselineStore implements BaselineStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly wallNow: () => number,
    private readonly readonly: boolean,
  ) {}

  static open(path: string, o: SqliteBaselineOptions = {}): SqliteBaselineStore {
    if (o.readonly) return new SqliteBaselineStore(new Database(path, { readonly: true, fileMustExist: true }), o.wallNow ?? Date.now, true);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma(o.sharedWal ? 'synchronous = OFF' : 'synchronous = NORMAL');
    if (o.sharedWal) db.pragma('wal_autocheckpoint = 0');
    db.pragma('cache_size = -512'); // a few rows per lift: better-sqlite3's 16 MiB default would only fill with outbox pages
    db.exec(SCHEMA);
    return new SqliteBaselineStore(db, o.wallNow ?? Date.now, false);
  }

  load(elevatorId: string): StoredHealth | undefined {
    if (!this.hasTables()) return undefined;
    const meta = this.db.prepare<[string], { state: string }>('SELECT state FROM health_meta WHERE elevator_id = ?').get(elevatorId);
    const m = meta ? parse<HealthMeta>(meta.state) : undefined;
    if (!m) return undefined;
    const keys = new Map<string, KeyState>();
    for (const row of this.db.prepare<[string], { key: string; state: string }>('SELECT key, state FROM health_baselines WHERE elevator_id = ?').all(elevatorId)) {
      const st = parse<KeyState>(row.state);
      if (st) keys.set(row.key, st); // an unreadable row is relearned, not guessed
    }
    return { meta: m, keys };
  }

  save(elevatorId: string, meta: HealthMeta, keys: ReadonlyMap<string, KeyState | null>): void {
    if (this.readonly) return;
    const now = this.wallNow();
    const put = this.db.prepare<[string, string, string, number]>(
      'INSERT INTO health_baselines (elevator_id, key, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (elevator_id, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    const del = this.db.prepare<[string, string]>('DELETE FROM health_baselines WHERE elevator_id = ? AND key = ?');
    const putMeta = this.db.prepare<[string, string, number]>(
      'INSERT INTO health_meta (elevator_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (elevator_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    this.db.transaction(() => {
      putMeta.run(elevatorId, JSON.stringify({ v: FORMAT, ...meta }), now);
      for (const [k, st] of keys) {
        if (st === null) del.run(elevatorId, k);
        else put.run(elevatorId, k, JSON.stringify({ v: FORMAT, ...st }), now);
      }
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The elevators with baselines in this file (to name them when one is asked for that is not there). */
  elevators(): string[] {
    if (!this.hasTables()) return [];
    return this.db
      .prepare<[], { elevator_id: string }>('SELECT elevator_id FROM health_meta ORDER BY elevator_id')
      .all()
      .map((r) => r.elevator_id);
  }

  private hasTables(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'health_meta'").get() !== undefined;
  }
}

/** A stored document of this format without its version field; undefined for another format or broken JSON. */
function parse<T>(text: string): T | undefined {
  try {
    const { v, ...rest } = JSON.parse(text) as { v?: unknown };
    return v === FORMAT ? (rest as T) : undefined;
  } catch {
    return undefined;
  }
}
