import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteOutbox, type OpenReport } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-outbox-corrupt-');
afterAll(() => tmp.cleanup());

const LIMITS = { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 };
let n = 0;
const record = (over: Partial<NewRecord> = {}): NewRecord => {
  n++;
  return { id: `id-${n}`, kind: 'event', elevatorId: 'E1', priority: PRIORITY.fault, createdAt: n, payload: JSON.stringify({ n, pad: 'p'.repeat(500) }), ...over };
};

/** A real outbox file with `rows` records, closed (so everything is in the main file). */
function realDatabase(name: string, rows = 50): string {
  const path = join(tmp.dir, name);
  const o = SqliteOutbox.open(path, LIMITS);
  o.append(Array.from({ length: rows }, () => record()));
  o.close();
  return path;
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

/** Opens, checks the outbox is fresh and usable, and returns the report. */
function openExpectingRecovery(path: string): OpenReport {
  const seen: OpenReport[] = [];
  const o = SqliteOutbox.open(path, { ...LIMITS, onCorrupt: (r) => seen.push(r) });
  const report = o.openReport();
  expect(report.recovered).toBe(true);
  expect(seen).toEqual([report]);
  expect(report.movedTo).toMatch(/\.corrupt-\d{4}-\d\d-\d\dT/);
  expect(existsSync(report.movedTo!)).toBe(true);
  expect(o.stats().pending).toBe(0);
  const [stored] = o.append([record({ priority: PRIORITY.critical })]);
  expect(o.next(1)).toEqual([stored]);
  o.close();
  return report;
}

describe('SqliteOutbox integrity check at open', () => {
  it('given a file of random bytes, moves it aside untouched and starts a fresh outbox', () => {
    const path = join(tmp.dir, 'random.db');
    const junk = randomBytes(16 * 1024);
    writeFileSync(path, junk);
    const report = openExpectingRecovery(path);
    expect(report.reason).toMatch(/SQLITE_NOTADB/);
    expect(readFileSync(report.movedTo!)).toEqual(junk);
  });

  it('given a real outbox whose header was overwritten, moves it and its WAL aside together', () => {
    const path = realDatabase('header.db');
    const wal = randomBytes(4096);
    writeFileSync(`${path}-wal`, wal); // must not meet the new file, nor be deleted by SQLite on close
    overwrite(path, 0, randomBytes(100));
    const report = openExpectingRecovery(path);
    expect(readFileSync(`${report.movedTo}-wal`)).toEqual(wal);
    expect(
      readdirSync(tmp.dir)
        .filter((f) => f.startsWith('header.db.corrupt-'))
        .sort(),
    ).toEqual([report.movedTo!, `${report.movedTo}-shm`, `${report.movedTo}-wal`].map((p) => p.slice(tmp.dir.length + 1)).sort());
  });

  it('given a real outbox with a damaged page, quick_check finds it and the file is moved aside', () => {
    const path = realDatabase('page.db', 200);
    const pageSize = 4096;
    // Smash the middle of the file: b-tree pages of the records table and its indexes.
    for (let p = 5; p < 15; p++) overwrite(path, p * pageSize + 8, randomBytes(256));
    const report = openExpectingRecovery(path);
    expect(report.reason).toMatch(/quick_check|SQLITE_CORRUPT/);
  });

  it('names what quick_check found in one line: its first three problems, without SQLite’s header', () => {
    const path = realDatabase('cells.db', 200);
    // Zero the cell pointers of ten b-tree pages: every cell of them points outside its page.
    for (let p = 5; p < 15; p++) overwrite(path, p * 4096 + 8, Buffer.alloc(256));
    const { reason } = openExpectingRecovery(path);
    const problems = reason!.replace(/^quick_check: /, '').split('; ');
    expect(reason).toMatch(/^quick_check: /);
    expect(problems).toHaveLength(3);
    for (const p of problems) expect(p).toMatch(/^Tree \d+ page \d+ cell \d+: Offset 0 out of range \d+\.\.\d+$/);
  });

  it('given a file from a newer schema, keeps it aside rather than guessing', () => {
    const path = realDatabase('newer.db', 1);
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const report = openExpectingRecovery(path);
    expect(report.reason).toMatch(/schema version 99/);
  });

  it('moved aside three times in the same millisecond, each copy keeps its own name', () => {
    const path = join(tmp.dir, 'again.db');
    const at = Date.UTC(2026, 11, 7, 1, 2, 3, 456);
    const moved: string[] = [];
    for (let i = 0; i < 3; i++) {
      writeFileSync(path, `not a database ${i}`.padEnd(4096, '.'));
      const o = SqliteOutbox.open(path, { ...LIMITS, wallNow: () => at });
      moved.push(o.openReport().movedTo!);
      o.close();
    }
    const stamp = `${path}.corrupt-2026-12-07T01-02-03-456Z`;
    expect(moved).toEqual([stamp, `${stamp}-1`, `${stamp}-2`]);
    expect(moved.map((m) => readFileSync(m, 'utf8').slice(0, 16))).toEqual(['not a database 0', 'not a database 1', 'not a database 2']);
  });

  it('an empty file is a new database, not a corrupt one', () => {
    const path = join(tmp.dir, 'empty.db');
    writeFileSync(path, '');
    const o = SqliteOutbox.open(path, LIMITS);
    expect(o.openReport()).toEqual({ recovered: false });
    expect(o.info().autoVacuum).toBe(2);
    o.close();
  });
});
