import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/core/log.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Opening when even the replacement is unusable, and the temporary database (path ''). An unusable
 * file is moved aside and a fresh one opened (sqlite-corrupt.test.ts); if the file found at the
 * path after the move is unusable too — another process put a broken copy back, or the card
 * returns garbage — opening fails with OUTBOX_CORRUPT naming the path and where the first file
 * went, and neither file is deleted or moved again. The test's logger plays the other process:
 * the "moved aside" line is written between the move and the second open.
 */
const tmp = tempDir('elevgw-outbox-twice-');
afterAll(() => tmp.cleanup());
const LIMITS = { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 };
const AT = Date.UTC(2026, 2, 4, 5, 6, 7, 890);

describe('SqliteOutbox.open when the fresh database is unusable too', () => {
  it('throws OUTBOX_CORRUPT naming the path and the moved copy; both broken files are kept as they were', () => {
    const path = join(tmp.dir, 'outbox.db');
    const first = 'first broken file '.repeat(300);
    const second = 'second broken file, put back meanwhile '.repeat(300);
    writeFileSync(path, first);
    const lines: { msg: string; movedTo?: string }[] = [];
    const logger = createLogger({
      level: 'info',
      destination: {
        write: (l: string) => {
          lines.push(JSON.parse(l));
          writeFileSync(path, second); // after the move, before the fresh open
        },
      },
    });
    const movedTo = `${path}.corrupt-2026-03-04T05-06-07-890Z`;
    let thrown: unknown;
    try {
      SqliteOutbox.open(path, { ...LIMITS, logger, wallNow: () => AT }).close();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      code: 'OUTBOX_CORRUPT',
      context: { path, movedTo },
    });
    expect((thrown as Error).message.startsWith(`a fresh outbox database at ${path} is unusable: SQLITE_NOTADB: `), (thrown as Error).message).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ msg: expect.stringMatching(/moved aside/), movedTo })]);
    expect(readFileSync(movedTo, 'utf8')).toBe(first);
    expect(readFileSync(path, 'utf8'), 'the second file is neither moved nor replaced').toBe(second);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('outbox.db.corrupt-'))).toEqual(['outbox.db.corrupt-2026-03-04T05-06-07-890Z']);
    // Once the broken file is gone, the same path opens as a fresh outbox.
    writeFileSync(path, '');
    const o = SqliteOutbox.open(path, { ...LIMITS, wallNow: () => AT });
    expect(o.openReport()).toEqual({ recovered: false });
    o.close();
  });
});

describe('SqliteOutbox.open("")', () => {
  it('is a private temporary database: usable, nothing to sync, durable at once', async () => {
    const o = SqliteOutbox.open('', LIMITS);
    const [stored] = o.append([{ id: 'e1', kind: 'event', elevatorId: 'E1', priority: PRIORITY.critical, createdAt: AT, payload: '{}' }]);
    expect(o.next(10)).toEqual([stored]);
    expect(o.syncStats(), 'no background durability for a database no one else sees').toBeUndefined();
    expect(o.info().durability).toBe('inline');
    await o.whenDurable();
    o.ack(['e1']);
    expect(o.stats()).toMatchObject({ pending: 0, delivered: 1 });
    o.close();
  });
});
