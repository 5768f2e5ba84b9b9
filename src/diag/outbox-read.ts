import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemTimers } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { SCHEMA_VERSION } from '../outbox/sqlite-schema.js';
import type { OutboxStats, RecordKind } from '../outbox/types.js';

/**
 * `diag outbox` reads the outbox database and changes nothing on disk: no file created (not even
 * a -wal or -shm), nothing migrated, checkpointed or moved aside, no index rewritten — whoever
 * runs it, root included. SqliteOutbox.open is the gateway's door (it creates, migrates, repairs);
 * this is the technician's.
 *
 * SQLite cannot do this on the file itself: a read-only connection creates a missing -wal and
 * -shm, rebuilds a -shm no connection holds, and writes its read mark into the -shm of a live one
 * (better-sqlite3 has no URI filenames, so no `readonly_shm`). So it reads a private copy of the
 * database and its WAL in a temporary directory, where SQLite's own WAL recovery takes every
 * committed transaction and drops a half-written last one. The copy is consistent unless a
 * checkpoint or WAL reset ran during it; that shows as a changed database file or WAL header,
 * and the copy is taken again.
 */
export type OutboxReading =
  | { ok: true; path: string; live: boolean; schemaVersion: number; stats: OutboxStats }
  | { ok: false; path: string; problem: 'missing' | 'unreadable' | 'not-an-outbox' | 'newer-schema'; detail: string };

const KINDS: readonly RecordKind[] = ['event', 'telemetry', 'stats', 'status'];

/** Whether any process holds a POSIX lock on this file (a live SQLite connection on its -shm): shown, so the technician knows the figures move. */
function locked(file: string): boolean {
  let ino: bigint;
  try {
    ino = statSync(file, { bigint: true }).ino;
  } catch {
    return false;
  }
  let table: string;
  try {
    table = readFileSync('/proc/locks', 'utf8');
  } catch {
    return false; // no /proc/locks (not Linux): not known
  }
  // "1: POSIX  ADVISORY  READ 27715 fe:00:2147383 128 128": device major:minor:inode. Inode alone,
  // because overlay filesystems (containers) report another device in stat() than in the lock table.
  return table.split('\n').some((line) => {
    const m = /\s[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    return m !== null && BigInt(m[1]!) === ino;
  });
}

function query(db: Database.Database): { schemaVersion: number; stats: OutboxStats } | { problem: 'not-an-outbox' | 'newer-schema'; detail: string } {
  return db.transaction(() => {
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > SCHEMA_VERSION) return { problem: 'newer-schema' as const, detail: `schema ${schemaVersion}, this elevgw knows up to ${SCHEMA_VERSION}` };
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('records', 'meta')").all();
    if (tables.length < 2) return { problem: 'not-an-outbox' as const, detail: 'no records and meta tables' };
    const pendingByKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RecordKind, number>;
    let pending = 0;
    let oldestPendingCreatedAt: number | null = null;
    for (const r of db
      .prepare<[], { kind: RecordKind; n: number; oldest: number }>('SELECT kind, count(*) AS n, min(created_at) AS oldest FROM records WHERE delivered_at IS NULL GROUP BY kind')
      .all()) {
      pendingByKind[r.kind] = r.n;
      pending += r.n;
      oldestPendingCreatedAt = oldestPendingCreatedAt === null ? r.oldest : Math.min(oldestPendingCreatedAt, r.oldest);
    }
    const meta = (key: string) => Number(db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?').get(key)?.value ?? 0);
    const pages = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    return {
      schemaVersion,
      stats: {
        pending,
        pendingByKind,
        oldestPendingCreatedAt,
        delivered: meta('delivered'),
        evicted: meta('evicted'),
        evictedByKind: Object.fromEntries(KINDS.map((k) => [k, meta(`evicted:${k}`)])) as Record<RecordKind, number>,
        dbBytes: pages,
      },
    };
  })();
}

/** Reads the private copy `file`, reporting on the original `path`. */
function readFrom(file: string, path: string, live: boolean): OutboxReading {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const r = query(db);
    return 'problem' in r ? { ok: false, path, ...r } : { ok: true, path, live, ...r };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    const notDb = code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
    return { ok: false, path, problem: notDb ? 'not-an-outbox' : 'unreadable', detail: `${code ? `${code}: ` : ''}${errorMessage(e)}` };
  } finally {
    db?.close();
  }
}

/** What a checkpoint or a WAL reset changes: the database file's size and mtime, the WAL's header (salts, checkpoint count). */
function fingerprint(path: string): string {
  const db = statSync(path, { bigint: true });
  let wal = 'none';
  try {
    const fd = openSync(`${path}-wal`, 'r');
    try {
      const header = Buffer.alloc(32);
      wal = header.subarray(0, readSync(fd, header, 0, 32, 0)).toString('hex');
    } finally {
      closeSync(fd);
    }
  } catch {
    // no WAL (nobody has the database open, or it was closed cleanly)
  }
  return `${db.size}:${db.mtimeNs}:${wal}`;
}

/**
 * How long `diag outbox` keeps trying, by default, for a copy no checkpoint ran through. A
 * gateway checkpoints after about 1 MiB of commits: now and then on a normal day, but back to
 * back while it drains a backlog onto a slow card, when each checkpoint also waits for two
 * fsyncs. A copy then races one time after time; waiting a little between attempts lets a
 * checkpoint finish.
 */
const COPY_BUDGET_MS = 3000;
const COPY_MIN_ATTEMPTS = 5;
const COPY_WAIT_MS = { first: 5, max: 200 };

/** Blocks the thread for `ms` (a CLI reading a file, nothing else to do meanwhile). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Copies the database and its WAL into `dir`; false when every attempt within the budget raced a checkpoint. */
function copyConsistent(path: string, copy: string, budgetMs: number): boolean {
  // Monotonic: a Pi without RTC whose clock NTP sets back must not stretch the budget.
  const deadline = systemTimers.now() + budgetMs;
  for (let attempt = 1, wait = COPY_WAIT_MS.first; ; attempt++, wait = Math.min(2 * wait, COPY_WAIT_MS.max)) {
    const before = fingerprint(path);
    copyFileSync(path, copy);
    rmSync(`${copy}-wal`, { force: true });
    try {
      copyFileSync(`${path}-wal`, `${copy}-wal`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (fingerprint(path) === before) return true;
    if (attempt >= COPY_MIN_ATTEMPTS && systemTimers.now() + wait > deadline) return false;
    // Randomized, so that a copy does not keep meeting a writer's regular rhythm.
    pause(wait / 2 + Math.random() * wait);
  }
}

/**
 * `copyBudgetMs`: how long to keep trying for a consistent copy (COPY_BUDGET_MS); a caller that
 * must not stall for long (`diag live`'s outbox line, every few seconds) gives less, and reads
 * 'unreadable' for that turn when the budget runs out.
 */
export function readOutbox(path: string, copyBudgetMs = COPY_BUDGET_MS): OutboxReading {
  try {
    statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { ok: false, path, problem: 'missing', detail: 'ENOENT' } : { ok: false, path, problem: 'unreadable', detail: `${code}: ${errorMessage(e)}` };
  }
  const live = existsSync(`${path}-wal`) && locked(`${path}-shm`);
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-diag-outbox-'));
  try {
    const copy = join(dir, 'outbox.db');
    if (!copyConsistent(path, copy, copyBudgetMs)) {
      return { ok: false, path, problem: 'unreadable', detail: `it was checkpointed during every copy for ${copyBudgetMs / 1000} s; try again` };
    }
    return readFrom(copy, path, live);
  } catch (e) {
    return { ok: false, path, problem: 'unreadable', detail: errorMessage(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
