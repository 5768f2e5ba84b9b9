import { afterAll, describe, expect, it } from 'vitest';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';
import { eio, fixture, isResolved } from './background-sync-disk.js';

/**
 * What background durability promises, with the disk's answers held by the test (HeldDisk): an
 * fdatasync stays pending until the test completes or fails it. Real SQLite files in a temp dir.
 * Checkpoints are in background-sync-checkpoint.test.ts.
 */
const tmp = tempDir('elevgw-bgsync-');
afterAll(() => tmp.cleanup());

describe('group commit', () => {
  it('commits made while a sync runs are covered by the next single sync, not one sync each', () => {
    const f = fixture(tmp.dir);
    const before = performance.now();
    f.commit();
    const afterCommit = performance.now();
    expect(f.disk.pending.map((h) => [h.op, f.fileOf(h.fd)])).toEqual([['fdatasync', 'wal']]);
    expect(f.bg.isBusy()).toBe(true);
    f.commit();
    f.commit();
    expect(f.disk.pending, 'no sync of its own while one runs').toHaveLength(1);
    const held = performance.now();
    f.disk.next().done();
    // The first sync covers the commit it started after; the next one starts at once for the other two.
    expect(f.bg.stats()).toMatchObject({ commits: 3, durableCommits: 1, syncs: 1 });
    expect(f.disk.pending).toHaveLength(1);
    f.disk.next().done();
    // After the second answer: that sync ran from the first answer to here, and on a busy machine the
    // checks between the two can take longer than everything before them.
    const answered = performance.now();
    expect(f.bg.stats()).toMatchObject({ commits: 3, durableCommits: 3, syncs: 2, failures: 0 });
    expect(f.disk.pending, 'nothing left to sync').toEqual([]);
    expect(f.bg.isBusy()).toBe(false);
    // The slowest sync is the time it was held: at least from the first commit to its answer, at most the whole test.
    const { maxSyncMs } = f.bg.stats();
    expect(maxSyncMs).toBeGreaterThanOrEqual(held - afterCommit);
    expect(maxSyncMs).toBeLessThanOrEqual(answered - before);
    f.close();
  });

  it('a telemetry-only commit asks for no sync; whenDurable() syncs it', async () => {
    const f = fixture(tmp.dir);
    f.commit(false);
    f.commit(false);
    expect(f.disk.pending).toEqual([]);
    expect(f.bg.isBusy()).toBe(false);
    const p = f.bg.whenDurable();
    expect(f.disk.pending).toHaveLength(1);
    f.disk.next().done();
    await p;
    expect(f.bg.stats()).toMatchObject({ commits: 2, durableCommits: 2 });
    f.close();
  });

  it('whenDurable() resolves only once the commits made before it are synced', async () => {
    const f = fixture(tmp.dir);
    await f.bg.whenDurable(); // nothing committed: at once, no sync
    expect(f.disk.pending).toEqual([]);
    f.commit();
    f.commit(false); // during the sync: not covered by it
    const p = f.bg.whenDurable();
    f.disk.next().done();
    expect(await isResolved(p), 'the first sync covered only the first commit').toBe(false);
    f.disk.next().done();
    expect(await isResolved(p)).toBe(true);
    expect(f.bg.stats().durableCommits).toBe(2);
    f.close();
  });

  it('when a sync ends, onSettled runs with nothing busy: deferred writes may go', () => {
    const busyAtSettled: boolean[] = [];
    const f = fixture(tmp.dir, { onSettled: () => busyAtSettled.push(f.bg.isBusy()) });
    f.commit();
    expect(busyAtSettled).toEqual([]);
    f.disk.next().done();
    expect(busyAtSettled).toEqual([false]);
    f.close();
  });
});

describe('when the work of a commit starts', () => {
  it('by default once the committing code has run to its end (its publish goes first), one sync for the commits of that turn', async () => {
    const f = fixture(tmp.dir, { schedule: undefined });
    f.commit();
    f.commit();
    expect(f.disk.pending, 'nothing handed to the disk while the committing code runs').toEqual([]);
    expect(f.bg.isBusy(), 'an ack in this turn already waits for the sync').toBe(true);
    await Promise.resolve();
    expect(f.disk.pending.map((h) => [h.op, f.fileOf(h.fd)])).toEqual([['fdatasync', 'wal']]);
    f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ commits: 2, durableCommits: 2, syncs: 1 });
    expect(f.bg.isBusy()).toBe(false);
    f.close();
  });

  it('a turn of telemetry-only commits starts nothing, so nothing holds an ack', async () => {
    const f = fixture(tmp.dir, { schedule: undefined });
    f.commit(false);
    expect(f.bg.isBusy()).toBe(false);
    await Promise.resolve();
    expect(f.disk.pending).toEqual([]);
    expect(f.bg.stats()).toMatchObject({ commits: 1, durableCommits: 0, syncs: 0 });
    f.close();
  });
});

describe('a failing card', () => {
  it('a failed fdatasync is counted and logged, never thrown, not called durable; the next commit tries again', async () => {
    let settled = 0;
    const f = fixture(tmp.dir, { onSettled: () => settled++ });
    f.commit();
    const p = f.bg.whenDurable();
    expect(() => f.disk.next().done(eio())).not.toThrow();
    expect(f.bg.stats()).toMatchObject({ commits: 1, durableCommits: 0, failures: 1 });
    expect(await isResolved(p)).toBe(false);
    expect(settled, 'deferred writes are not stuck behind a failing card').toBe(1);
    expect(f.disk.pending, 'no retry loop on a broken card').toEqual([]);
    expect(f.errors).toEqual([expect.objectContaining({ msg: expect.stringMatching(/outbox fdatasync of the WAL failed/), err: expect.stringMatching(/EIO/), failures: 1 })]);

    f.commit();
    expect(f.disk.pending).toHaveLength(1);
    f.disk.next().done();
    expect(await isResolved(p)).toBe(true);
    expect(f.bg.stats()).toMatchObject({ commits: 2, durableCommits: 2, failures: 1 });
    f.close();
  });

  it('failures are logged once, then every 100th', () => {
    const f = fixture(tmp.dir, { checkpointBytes: 1024 * 1024 * 1024 });
    for (let i = 0; i < 250; i++) {
      f.commit();
      f.disk.next().done(eio());
    }
    expect(f.bg.stats().failures).toBe(250);
    expect(f.errors.map((l) => l.failures)).toEqual([1, 100, 200]);
    f.close();
  });

  it('a WAL that cannot be opened is a failure, not a throw nor a claimed sync, and not a retry loop', async () => {
    const f = fixture(tmp.dir);
    unlinkSync(`${f.path}-wal`); // SQLite keeps writing to its open descriptor; ours cannot open it
    f.commit();
    const p = f.bg.whenDurable();
    expect(f.disk.pending).toEqual([]);
    expect(f.bg.isBusy()).toBe(false);
    expect(f.bg.stats()).toMatchObject({ durableCommits: 0, failures: 2 });
    expect(f.errors[0]?.msg).toMatch(/outbox opening the WAL failed/);
    expect(await isResolved(p)).toBe(false);
    f.close();
    expect(await isResolved(p), 'close releases the waiter').toBe(true);
  });
});

describe('acks held while a sync runs (SqliteOutbox)', () => {
  it('an ack during the sync of its row is written once the sync settles, never before', async () => {
    const path = join(tmp.dir, 'outbox-acks.db');
    const o = SqliteOutbox.open(path, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 });
    const reader = new Database(path, { readonly: true });
    const deliveredAt = () => (reader.prepare('SELECT delivered_at FROM records WHERE id = ?').get('e1') as { delivered_at: number | null }).delivered_at;
    o.append([{ id: 'e1', kind: 'event', elevatorId: 'E1', priority: PRIORITY.fault, createdAt: 1, payload: '{}' }]);
    o.ack(['e1']); // the append's sync is scheduled or running (it cannot end before this turn does)
    expect(deliveredAt(), 'the delivered mark waits for the row to be synced').toBeNull();
    expect(o.next(10), 'a held ack is not resent').toEqual([]);
    await o.whenDurable();
    expect(o.syncStats()!.durableCommits).toBeGreaterThanOrEqual(1);
    expect(deliveredAt()).not.toBeNull();
    reader.close();
    o.close();
  });
});

describe('close', () => {
  it('resolves the waiters; a sync answered after close changes nothing and calls nothing', async () => {
    let settled = 0;
    const f = fixture(tmp.dir, { onSettled: () => settled++ });
    f.commit();
    const p = f.bg.whenDurable();
    const late = f.disk.next();
    f.close();
    await p;
    expect(() => late.done()).not.toThrow();
    expect(settled).toBe(0);
    expect(f.bg.stats()).toMatchObject({ durableCommits: 0, syncs: 0 });
    expect(f.disk.pending).toEqual([]);
  });

  it('the directory is fsynced at open (the WAL entry) and its descriptor closed after', () => {
    const f = fixture(tmp.dir);
    expect(f.dirSync?.op).toBe('fsync');
    const fd = f.dirSync!.fd;
    expect(f.fileOf(fd)).toBe('dir');
    f.dirSync!.done();
    expect(f.fileOf(fd)).toBe('closed');
    f.close();
  });

  it('leaves no descriptor open: the WAL and database files are closed by closeFiles', () => {
    const f = fixture(tmp.dir, { checkpointBytes: 16 * 1024 });
    f.dirSync?.done();
    const seen = new Set<number>();
    const answer = () => {
      const h = f.disk.next();
      seen.add(h.fd);
      h.done();
    };
    f.commit();
    answer(); // a sync: opens the WAL
    f.commit(); // 16 KiB: a checkpoint, which syncs the WAL and then the database
    answer();
    answer();
    f.commit();
    answer();
    expect([...seen].map(f.fileOf).sort()).toEqual(['db', 'wal']);
    f.close();
    expect([...seen].map(f.fileOf)).toEqual([...seen].map(() => 'closed'));
  });
});
