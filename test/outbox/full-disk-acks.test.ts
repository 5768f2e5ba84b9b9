import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { fillUp, mountTmpfs } from '../helpers/full-fs.js';

/**
 * Acks that arrive while a background sync runs wait for it and are written in its callback. On
 * a really full file system (a tmpfs this test mounts, filled to the last byte) that write fails
 * with SQLITE_FULL. It must not escape the callback — an uncaught exception would end the
 * gateway — but wait: logged once, still skipped by `next`, and written once space returns.
 */

const record = (n: number): NewRecord => ({
  id: `ack-${n}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.fault,
  createdAt: Date.UTC(2026, 0, 1) + n,
  payload: JSON.stringify({ n, pad: 'x'.repeat(2000) }),
});

describe('outbox: acks written after a sync, on a full file system', () => {
  let mnt = '';
  let unmount: (() => void) | undefined;

  beforeAll(() => {
    ({ dir: mnt, unmount } = mountTmpfs('size=4m'));
  });
  afterAll(() => unmount?.());

  it('keeps them waiting, logs once per episode, and writes them when space returns', async () => {
    const lines: { level: number; msg: string; err?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const path = join(mnt, 'outbox.db');
    const outbox = SqliteOutbox.open(path, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000, logger });
    const stored = outbox.append([1, 2, 3, 4, 5].map(record));
    const filler = join(mnt, 'filler');
    fillUp(filler);
    // The append's sync is in flight: these acks wait for it, and its callback writes them.
    outbox.ack(stored.slice(0, 3).map((r) => r.id));
    await vi.waitFor(() => expect(lines.map((l) => l.msg)).toContain('outbox: could not mark delivered records; they wait in memory and are written at the next try'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, err: 'SQLITE_FULL', waiting: 3 });
    // Delivered as far as the broker knows: not sent again while they wait.
    expect(outbox.next(10).map((r) => r.id)).toEqual(['ack-4', 'ack-5']);

    unlinkSync(filler);
    expect(outbox.stats().pending).toBe(2); // stats writes the waiting acks first

    // The disk fills again later: written once since, so this failure is news and is logged again.
    const more = outbox.append([6, 7].map(record));
    fillUp(filler);
    outbox.ack(more.map((r) => r.id));
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines[1]).toMatchObject({ level: 40, err: 'SQLITE_FULL', waiting: 2 });
    unlinkSync(filler);
    outbox.close(); // writes the waiting acks
    const db = new Database(path, { readonly: true });
    const delivered = db.prepare('SELECT id FROM records WHERE delivered_at IS NOT NULL ORDER BY id').all() as { id: string }[];
    db.close();
    expect(delivered.map((r) => r.id)).toEqual(['ack-1', 'ack-2', 'ack-3', 'ack-6', 'ack-7']);
  });
});
