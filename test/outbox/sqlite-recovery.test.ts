import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/core/log.js';
import { SqliteOutbox, type OpenReport } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-outbox-recovery-');
afterAll(() => tmp.cleanup());
const LIMITS = { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 };
const AT = Date.UTC(2026, 4, 17, 8, 30, 15, 250);

/** A file that is not a database at all, at `name`. */
function garbage(name: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, 'this is not an SQLite database, just bytes on a card '.repeat(100));
  return path;
}

/** What happens at open to a file that is not a usable outbox, beyond moving it aside (sqlite-corrupt.test.ts). */
describe('SqliteOutbox opening an unusable file', () => {
  it('names the copy after the moment it was found, and never overwrites an earlier copy of the same moment', () => {
    const path = garbage('outbox.db');
    const first = SqliteOutbox.open(path, { ...LIMITS, wallNow: () => AT });
    first.close();
    garbage('outbox.db');
    const second = SqliteOutbox.open(path, { ...LIMITS, wallNow: () => AT });
    second.close();
    const stamp = '2026-05-17T08-30-15-250Z';
    expect([first.openReport().movedTo, second.openReport().movedTo]).toEqual([`${path}.corrupt-${stamp}`, `${path}.corrupt-${stamp}-1`]);
    expect([existsSync(`${path}.corrupt-${stamp}`), existsSync(`${path}.corrupt-${stamp}-1`)]).toEqual([true, true]);
  });

  it('tells onCorrupt only when it replaced a file, and needs no onCorrupt to recover', () => {
    const seen: OpenReport[] = [];
    const healthy = SqliteOutbox.open(join(tmp.dir, 'healthy.db'), { ...LIMITS, onCorrupt: (r) => seen.push(r) });
    healthy.close();
    expect(seen).toEqual([]);
    const quiet = SqliteOutbox.open(garbage('quiet.db'), LIMITS);
    expect(quiet.openReport().recovered).toBe(true);
    expect(quiet.append([{ id: 'a', kind: 'event', elevatorId: 'E1', priority: PRIORITY.critical, createdAt: AT, payload: '{}' }])).toHaveLength(1);
    quiet.close();
  });

  it('logs an error with the path, where the file went and why', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (l: string) => lines.push(JSON.parse(l)) } });
    const path = garbage('logged.db');
    const o = SqliteOutbox.open(path, { ...LIMITS, logger, wallNow: () => AT });
    o.close();
    expect(lines).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/moved aside/), path, movedTo: o.openReport().movedTo, reason: expect.stringMatching(/SQLITE_NOTADB/) }),
    ]);
  });

  it('a path it cannot open at all is an error naming the path and SQLite’s reason, not a recovery', () => {
    expect(() => SqliteOutbox.open(tmp.dir, LIMITS)).toThrow(
      expect.objectContaining({
        code: 'OUTBOX_UNAVAILABLE',
        message: `cannot open the outbox database ${tmp.dir}: unable to open database file (SQLITE_CANTOPEN)`,
        context: { path: tmp.dir },
      }),
    );
    expect(statSync(tmp.dir).isDirectory()).toBe(true);
    const file = join(tmp.dir, 'a-file.db');
    writeFileSync(file, 'where its directory should be');
    const underAFile = join(file, 'outbox.db');
    expect(() => SqliteOutbox.open(underAFile, LIMITS)).toThrow(
      expect.objectContaining({ code: 'OUTBOX_UNAVAILABLE', message: `cannot open the outbox database ${underAFile}: EEXIST: file already exists, mkdir '${file}'` }),
    );
  });
});
