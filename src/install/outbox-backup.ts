import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { readOutbox } from '../diag/outbox-read.js';

/**
 * The outbox database across an upgrade. It stays where it is (the new version opens it), but a
 * version whose outbox schema is newer migrates it at its first start, and a migrated database is
 * one the previous version cannot open (src/outbox/sqlite-open.ts moves a newer schema aside). So
 * before such a version first runs, the service is stopped and the database copied; a rollback
 * puts the copy back and keeps the migrated file beside it.
 */

/**
 * The schema version (`PRAGMA user_version`) of the outbox at `db`, read the way `diag outbox`
 * reads it: from a private copy of the database and its WAL, so root creates nothing (no -wal, no
 * -shm) beside the service's database, and a migration still only in the WAL of the running
 * gateway counts. undefined: no database (yet).
 */
export function schemaVersionOf(db: string): number | undefined {
  const r = readOutbox(db);
  if (r.ok) return r.schemaVersion;
  if (r.problem === 'missing') return undefined;
  // Newer than this elevgw knows: its number is in the detail. Unreadable: the header's word.
  return Number(/^schema (\d+)/.exec(r.detail)?.[1] ?? headerVersion(db));
}

/** SQLite's header holds `user_version` as a big-endian 32-bit integer at byte 60 (older than the WAL's, if any). */
function headerVersion(db: string): number {
  const fd = openSync(db, 'r');
  try {
    const header = Buffer.alloc(64);
    return readSync(fd, header, 0, 64, 0) < 64 ? 0 : header.readUInt32BE(60);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the new release may migrate the database: its release.json names a newer schema than
 * the file has, or does not say (a release from before release.json carried `outboxSchema`).
 */
export function needsBackup(db: string, newSchema: number | undefined): boolean {
  const have = schemaVersionOf(db);
  if (have === undefined) return false;
  return newSchema === undefined || newSchema > have;
}

const SIDE_FILES = ['', '-wal'];

/** Copies the database (and a WAL a crash left) to `to`; the service must be stopped. */
export function backUp(db: string, to: string): void {
  for (const s of SIDE_FILES) {
    rmSync(to + s, { force: true });
    if (existsSync(db + s)) copyFileSync(db + s, to + s);
  }
}

/**
 * After a rollback: when the database is now newer than the previous release understands, the
 * migrated file (and its WAL) moves to `<db>.from-<version>` and the backup takes its place.
 * Returns where the migrated one went, or undefined when nothing had to change. What the new
 * version stored during its health window is in that file, not lost; the rows delivered since the
 * backup are sent again (at-least-once, same ids).
 */
export function restoreIfMigrated(db: string, backup: string, previousSchema: number, newVersion: string): string | undefined {
  const now = schemaVersionOf(db);
  if (now === undefined || now <= previousSchema || !existsSync(backup)) return undefined;
  const aside = `${db}.from-${newVersion}`;
  for (const s of [...SIDE_FILES, '-shm']) {
    rmSync(aside + s, { force: true });
    if (existsSync(db + s)) renameSync(db + s, aside + s);
  }
  for (const s of SIDE_FILES) if (existsSync(backup + s)) copyFileSync(backup + s, db + s);
  return aside;
}
