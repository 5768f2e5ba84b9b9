import type Database from 'better-sqlite3';

/**
 * The outbox schema, versioned through `PRAGMA user_version`. MIGRATIONS[n] takes a database
 * from version n to n + 1; each runs in its own transaction together with the version bump, so
 * a power cut mid-migration leaves the previous version intact.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    -- AUTOINCREMENT: a seq is never reused, even after the newest rows are evicted, so the
    -- uplink's in-flight seqs and the append order stay unambiguous across restarts.
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('event', 'telemetry', 'stats', 'status')),
    elevator_id  TEXT,
    priority     INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 5),
    created_at   INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    delivered_at INTEGER
  );
  -- next(): pending rows by lane, then append order. Partial, so delivered rows cost nothing here.
  CREATE INDEX records_pending ON records (priority, seq) WHERE delivered_at IS NULL;
  -- maintain(): retention purge of delivered rows.
  CREATE INDEX records_delivered ON records (delivered_at) WHERE delivered_at IS NOT NULL;
  -- Counters that outlive the rows they count (delivered, evicted, evicted:<kind>, last id).
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('delivered', 0), ('evicted', 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema from `from` up to SCHEMA_VERSION. */
export function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v]!;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
