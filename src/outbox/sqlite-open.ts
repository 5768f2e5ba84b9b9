import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ElevgwError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './sqlite-schema.js';

/** What `open` found: a healthy database, or one that was moved aside and replaced. */
export interface OpenReport {
  recovered: boolean;
  /** Where the unreadable file went (its -wal and -shm beside it with the same suffixes). */
  movedTo?: string;
  reason?: string;
}

/** The file is there but cannot be used as an outbox; it will be moved aside, never deleted. */
class Unusable extends Error {}

const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

function isCorruption(e: unknown): boolean {
  if (!(e instanceof Database.SqliteError)) return false;
  return CORRUPTION_CODES.has(e.code) || e.code.startsWith('SQLITE_CORRUPT_');
}

/**
 * Connection settings, applied at every open (synchronous and busy_timeout are per connection).
 *
 * - journal_mode=WAL: a commit appends to the WAL instead of rewriting pages in place, so a power
 *   cut can never corrupt the database, readers do not block the writer, and writes are
 *   sequential (kind to SD cards).
 * - synchronous=FULL while opening (creating the WAL, migrating). After that the outbox either
 *   keeps FULL (inline durability) or hands the fsyncs to the thread pool and runs at OFF
 *   (background durability, the default: see background-sync.ts).
 * - auto_vacuum=INCREMENTAL (only settable before the first table exists): pages freed by
 *   retention and eviction can be handed back to the filesystem with `incremental_vacuum`, so the
 *   file actually shrinks under the size cap.
 * - busy_timeout: a `diag` process reading the same file makes us wait, not fail.
 * - temp_store=MEMORY: sorts and temp tables never write temp files to the SD card (no query
 *   on the hot path sorts: see the statements).
 * - cache_size=512 KiB: better-sqlite3 builds SQLite with a 16 MiB page cache per connection,
 *   and the cache fills with every page the outbox writes until it is full — 16 MiB of a Pi's
 *   RAM, or 2 MiB at the size before this one, reached after some 15 minutes of a running
 *   gateway and then kept. The outbox only appends at the end of its tables, marks recent rows
 *   delivered and reads in id order; the kernel's page cache answers the rest. Measured
 *   (x64 release, one elevator, 15 minutes): malloc's heap grew by 2.3 MiB at 2 MiB and then
 *   stayed, by 0.6 MiB at 512 KiB; a 1,000,000-event backlog drains as fast (13,800 against
 *   14,100 records/s, medians of 3 runs; docs/release.md, "Memory of `elevgw run`").
 */
function configure(db: Database.Database): void {
  const isNew = (db.pragma('page_count', { simple: true }) as number) === 0;
  if (isNew) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = ${CACHE_KIB}`);
}

/** Page cache per connection, in KiB as SQLite takes it (negative). */
const CACHE_KIB = -512;

type Checked = { db: Database.Database } | { unusable: string; db?: Database.Database };

/**
 * Opens, checks and migrates. An unusable file comes back with its connection still open: closing
 * it first would let SQLite checkpoint into, or delete, a WAL that may hold the newest commits —
 * it must be moved aside before the connection closes (see openOutboxDatabase).
 */
function openChecked(path: string): Checked {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    const version = schemaVersion(db); // the first read: SQLITE_NOTADB for a file that is not SQLite
    if (version > SCHEMA_VERSION) throw new Unusable(`schema version ${version} is newer than this build supports (${SCHEMA_VERSION})`);
    configure(db);
    const problems = quickCheck(db);
    if (problems.length > 0) throw new Unusable(`quick_check: ${problems.join('; ')}`);
    migrate(db, version);
    return { db };
  } catch (e) {
    if (e instanceof Unusable) return { unusable: e.message, db };
    if (isCorruption(e)) return { unusable: `${(e as InstanceType<typeof Database.SqliteError>).code}: ${errorMessage(e)}`, db };
    db?.close();
    throw e;
  }
}

/** The most problems a reason names: enough to tell a torn page from a wrecked file, short enough for one log line. */
const QUICK_CHECK_PROBLEMS = 3;

/**
 * The first problems `PRAGMA quick_check` finds, none for a sound file. SQLite stops after the
 * number asked for, and returns them in one row, one per line, after a line naming the schema
 * ("*** in database main ***"): left as they come, a broken file's reason was some 5 KB over
 * a hundred lines, in the log and in the `outbox-loss` event.
 */
function quickCheck(db: Database.Database): string[] {
  const rows = db.pragma(`quick_check(${QUICK_CHECK_PROBLEMS})`) as { quick_check: string }[];
  if (rows.every((r) => r.quick_check === 'ok')) return [];
  const lines = rows.flatMap((r) => r.quick_check.split('\n')).filter((l) => l !== '' && !l.startsWith('*** '));
  return lines.length > 0 ? lines.slice(0, QUICK_CHECK_PROBLEMS) : ['failed without details'];
}

/** Renames the database and its WAL/SHM to `<path>.corrupt-<timestamp>`; a stale WAL must never meet a new file. */
function moveAside(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${path}.corrupt-${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${path}.corrupt-${stamp}-${n}`;
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  if (existsSync(path)) renameSync(path, target);
  return target;
}

/**
 * Opens the outbox database at `path`, creating its directory. A file that is corrupt, not a
 * database, or from a newer schema is moved aside and replaced by a fresh one: the gateway keeps
 * running and reports the loss (see OpenReport). Other failures (permissions, a directory in its
 * place, a full or read-only disk) throw OUTBOX_UNAVAILABLE naming the path: SQLite's own message
 * ("unable to open database file") names none.
 */
export function openOutboxDatabase(path: string, logger: Logger, wallNow: () => number = Date.now): { db: Database.Database; report: OpenReport } {
  try {
    return openOrReplace(path, logger, wallNow);
  } catch (e) {
    if (e instanceof ElevgwError) throw e;
    const code = (e as { code?: unknown }).code;
    const message = errorMessage(e);
    const detail = typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
    throw new ElevgwError('OUTBOX_UNAVAILABLE', `cannot open the outbox database ${path}: ${detail}`, { path });
  }
}

function openOrReplace(path: string, logger: Logger, wallNow: () => number): { db: Database.Database; report: OpenReport } {
  // better-sqlite3 trims the name it opens; everything here (the sync, moving a corrupt file
  // aside) would work on the untrimmed one, a file SQLite never wrote.
  if (path !== path.trim())
    throw new ElevgwError(
      'OUTBOX_UNAVAILABLE',
      `the outbox path ${JSON.stringify(path)} begins or ends with white space: SQLite would open ${JSON.stringify(path.trim())} instead`,
      { path },
    );
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const first = openChecked(path);
  if (!('unusable' in first)) return { db: first.db, report: { recovered: false } };
  const reason = first.unusable; // never for :memory:, which is new at every open
  // Rename while the failed connection is still open (POSIX: its descriptors follow the files),
  // so whatever it does on close happens to the moved copies, never to the new database.
  const movedTo = moveAside(path, new Date(wallNow()));
  first.db?.close();
  logger.error({ path, movedTo, reason }, 'outbox database unusable; moved aside, starting a new one');
  const second = openChecked(path);
  if ('unusable' in second) {
    second.db?.close();
    throw new ElevgwError('OUTBOX_CORRUPT', `a fresh outbox database at ${path} is unusable: ${second.unusable}`, { path, movedTo });
  }
  return { db: second.db, report: { recovered: true, movedTo, reason } };
}
