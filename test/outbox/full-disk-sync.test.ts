import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { fillUp, mountTmpfs } from '../helpers/full-fs.js';
import { type Fixture, fixture, isResolved } from './background-sync-disk.js';

/**
 * Background durability on a really full file system (a tmpfs this test mounts, filled to the
 * last byte), where writes fail with SQLITE_FULL but fsyncs still succeed:
 * - acks waiting for a sync fail to be written at the end of one sync and again at the end of the
 *   next: one warning for the whole episode, not one per sync;
 * - the inline checkpoint (the valve after 8 background rounds that could not catch up) cannot
 *   copy into the database: counted and logged, never thrown, and the commits are still made
 *   durable by the WAL sync of a background round that starts at once.
 */
let mnt = '';
let unmount: (() => void) | undefined;
beforeAll(() => {
  ({ dir: mnt, unmount } = mountTmpfs('size=4m'));
});
// A test that fails while the disk is full must not leave it full for the next one.
afterEach(() => {
  for (const name of ['filler-acks', 'filler-checkpoint']) rmSync(join(mnt, name), { force: true });
});
afterAll(() => unmount?.());

const record = (n: number): NewRecord => ({
  id: `full-${n}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.fault,
  createdAt: Date.UTC(2026, 0, 1) + n,
  payload: JSON.stringify({ n, pad: 'x'.repeat(2000) }),
});

describe('acks waiting for syncs while the disk is full', () => {
  it('fail at the end of two syncs in a row: warned once, still skipped by next, written when space returns', async () => {
    const lines: { level: number; msg: string; err?: string; waiting?: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const outbox = SqliteOutbox.open(join(mnt, 'acks.db'), { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000, logger });
    outbox.append([record(1), record(2)]);
    await Promise.resolve(); // the append's sync has started
    outbox.append([record(3)]); // made during it: the next sync covers it
    outbox.ack([1, 2, 3].map((n) => record(n).id)); // wait for the running sync
    const filler = join(mnt, 'filler-acks');
    fillUp(filler);
    await outbox.whenDurable(); // both syncs have ended, each trying to write the acks
    expect(outbox.syncStats()).toMatchObject({ syncs: 2, durableCommits: 2, failures: 0 });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, err: 'SQLITE_FULL', waiting: 3, msg: 'outbox: could not mark delivered records; they wait in memory and are written at the next try' }),
    ]);
    expect(outbox.next(10), 'acknowledged records are not resent while their acks wait').toEqual([]);
    unlinkSync(filler);
    expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 3 });
    outbox.close();
    expect(lines).toHaveLength(1);
  });
});

describe('the inline checkpoint on a full disk', () => {
  const CP = 16 * 1024;
  const pendingFiles = (f: Fixture) => f.disk.pending.map((h) => f.fileOf(h.fd));

  it('is counted and logged, never thrown; a WAL sync starts at once and makes the commits durable', async () => {
    const f = fixture(mnt, { checkpointBytes: CP });
    f.dirSync?.done();
    f.commit(true, 5000);
    f.disk.next().done();
    f.commit(true, 5000); // over checkpointBytes: checkpoint 1
    const filler = join(mnt, 'filler-checkpoint');
    // Each round, a commit lands during the database sync: frames the copy could not take, a round behind.
    for (let round = 1; round <= 8; round++) {
      expect(pendingFiles(f)).toEqual(['wal']);
      f.disk.next().done(); // the copy
      expect(pendingFiles(f)).toEqual(['db']);
      f.commit(true, 5000); // new pages the database does not have yet
      if (round === 8) fillUp(filler);
      if (round < 8) f.disk.next().done();
    }
    const durable = f.bg.whenDurable();
    // The 8th round ends: the valve copies inline, and the database cannot grow.
    expect(() => f.disk.next().done()).not.toThrow();
    expect(f.errors).toEqual([expect.objectContaining({ msg: expect.stringMatching(/^outbox inline checkpoint failed/), err: expect.stringMatching(/full/i), failures: 1 })]);
    expect(f.bg.stats()).toMatchObject({ checkpoints: 8, inlineCheckpoints: 0, failures: 1 });
    expect(f.db.pragma('synchronous', { simple: true }), 'back to OFF').toBe(0);
    expect(await isResolved(durable)).toBe(false);
    expect(pendingFiles(f), 'a background round starts at once with the WAL sync').toEqual(['wal']);
    f.disk.next().done(); // its copy fails too (counted, not logged again), but the WAL is on disk
    expect(await isResolved(durable)).toBe(true);
    expect(f.bg.stats()).toMatchObject({ failures: 2, durableCommits: f.bg.stats().commits });
    expect(f.disk.pending).toEqual([]);

    unlinkSync(filler); // space again: the next commit's checkpoint goes through
    f.commit(true, 5000);
    while (f.disk.pending.length > 0) f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ checkpoints: 9, failures: 2 });
    expect(f.errors).toHaveLength(1);
    f.close();
  });
});
