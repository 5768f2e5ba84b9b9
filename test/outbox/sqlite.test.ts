import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';
import { outboxContract } from './contract.js';

const tmp = tempDir('elevgw-outbox-');
afterAll(() => tmp.cleanup());

let files = 0;
const freshPath = () => join(tmp.dir, `outbox-${++files}.db`);
const LIMITS = { maxBytes: 64 * 1024 * 1024, retentionMs: 7 * 86_400_000 };

outboxContract('SqliteOutbox (real file)', (opts) => SqliteOutbox.open(freshPath(), { ...LIMITS, ...opts }));

const T0 = Date.UTC(2026, 0, 1);
const record = (n: number, over: Partial<NewRecord> = {}): NewRecord => ({
  id: `id-${String(n).padStart(6, '0')}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.fault,
  createdAt: T0 + n,
  payload: JSON.stringify({ n }),
  ...over,
});

describe('SqliteOutbox on a real file', () => {
  it('inline durability: WAL, synchronous=FULL (restored after acks and maintenance) and incremental auto-vacuum', () => {
    const o = SqliteOutbox.open(freshPath(), { ...LIMITS, durability: 'inline' });
    expect(o.info()).toMatchObject({ durability: 'inline', schemaVersion: 1, journalMode: 'wal', synchronous: 2, autoVacuum: 2 });
    o.append([record(1)]);
    o.ack([record(1).id]);
    o.maintain(T0);
    expect(o.info().synchronous).toBe(2);
    expect(o.syncStats()).toBeUndefined();
    expect(o.openReport()).toEqual({ recovered: false });
    o.close();
    o.close(); // idempotent
  });

  it('keeps run counters under a prefix across a reopen, and reads only that prefix’s numbers', async () => {
    const path = freshPath();
    const o = SqliteOutbox.open(path, LIMITS);
    o.writeCounters(
      'run.',
      new Map([
        ['polls', 120_000],
        ['faults', 3],
      ]),
    );
    o.writeCounters('evicted.', new Map([['telemetry', 7]]));
    await o.whenDurable();
    o.close();
    const again = SqliteOutbox.open(path, { ...LIMITS, wallNow: () => T0 });
    expect(again.readCounters('run.')).toEqual(
      new Map([
        ['polls', 120_000],
        ['faults', 3],
      ]),
    );
    expect(again.readCounters('evicted.')).toEqual(new Map([['telemetry', 7]]));
    // A purge notes the newest id removed in the same table, 'last_seq' a number and 'last_id'
    // a string: only the number reads as a counter.
    const [stored] = again.append([record(1)]);
    again.ack([stored!.id]);
    again.maintain(T0 + 8 * 86_400_000);
    expect(again.readCounters('last_')).toEqual(new Map([['seq', stored!.seq]]));
    again.close();
  });

  it('background durability by default: the connection never syncs (OFF), the commit is made durable off the loop', async () => {
    const o = SqliteOutbox.open(freshPath(), LIMITS);
    // A 512 KiB page cache, not better-sqlite3's 16 MiB: the cache keeps every page the outbox writes until it is full.
    expect(o.info()).toMatchObject({ durability: 'background', journalMode: 'wal', synchronous: 0, cacheKiB: 512, autoVacuum: 2 });
    o.append([record(1)]);
    o.ack([record(1).id]);
    o.maintain(T0);
    expect(o.info().synchronous).toBe(0);
    await o.whenDurable();
    expect(o.syncStats()).toMatchObject({ commits: 3, durableCommits: 3, failures: 0 });
    o.close();
    o.close();
  });

  it('background checkpoints keep the WAL bounded (no automatic checkpoint runs) and lose no row', async () => {
    const path = freshPath();
    const o = SqliteOutbox.open(path, { ...LIMITS, checkpointBytes: 256 * 1024 });
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 3000; i++) {
      o.append([record(i, { payload: JSON.stringify({ i, pad }) })]);
      if (i % 100 === 99) await o.whenDurable();
    }
    await o.whenDurable();
    // 3,000 commits of at least two 4 KiB pages each would be ~24 MiB of WAL without checkpoints.
    expect(statSync(`${path}-wal`).size).toBeLessThan(4 * 1024 * 1024);
    expect(o.syncStats()!.checkpoints).toBeGreaterThanOrEqual(5);
    o.close();
    const again = SqliteOutbox.open(path, LIMITS);
    expect(again.stats().pending).toBe(3000);
    expect(again.next(1)[0]!.id).toBe(record(0).id);
    again.close();
  });

  it('creates the parent directory when it is missing', () => {
    const path = join(tmp.dir, 'a', 'b', 'outbox.db');
    const o = SqliteOutbox.open(path, LIMITS);
    o.append([record(1)]);
    o.close();
    expect(existsSync(path)).toBe(true);
  });

  it('given records appended, acked and evicted, after close and reopen everything is as it was', () => {
    const path = freshPath();
    let wall = T0;
    const a = SqliteOutbox.open(path, { ...LIMITS, retentionMs: 1000, wallNow: () => wall });
    a.append([record(1), record(2, { priority: PRIORITY.critical }), record(3, { kind: 'telemetry', priority: PRIORITY.telemetry })]);
    a.ack([record(1).id]);
    const before = { next: a.next(10), stats: a.stats(), lastId: a.lastId() };
    a.close();

    const b = SqliteOutbox.open(path, { ...LIMITS, retentionMs: 1000, wallNow: () => wall });
    expect({ next: b.next(10), stats: b.stats(), lastId: b.lastId() }).toEqual(before);
    // A seq is never reused, even once the newest rows are gone.
    b.ack([record(2).id, record(3).id]);
    wall += 5000;
    expect(b.maintain(wall).purged).toBe(3);
    b.close();

    const c = SqliteOutbox.open(path, LIMITS);
    expect(c.lastId()).toBe(record(3).id);
    expect(c.stats()).toMatchObject({ pending: 0, delivered: 3 });
    expect(c.append([record(4)])[0]!.seq).toBeGreaterThan(before.next[1]!.seq);
    c.close();
  });

  it('above the size cap, the file itself shrinks under the cap', () => {
    const path = freshPath();
    const maxBytes = 512 * 1024;
    const o = SqliteOutbox.open(path, { ...LIMITS, maxBytes });
    const pad = 'x'.repeat(2000);
    for (let batch = 0; batch < 10; batch++) {
      o.append(Array.from({ length: 100 }, (_, i) => record(batch * 100 + i, { kind: 'telemetry', priority: PRIORITY.telemetry, payload: JSON.stringify({ pad }) })));
    }
    expect(o.stats().dbBytes).toBeGreaterThan(2 * maxBytes);
    const r = o.maintain(T0);
    expect(r.evicted).toBeGreaterThan(0);
    expect(r.evicted).toBeLessThan(1000);
    expect(o.stats().dbBytes).toBeLessThanOrEqual(maxBytes);
    expect(o.stats().dbBytes).toBeGreaterThan(0.75 * maxBytes); // evicted about enough, not everything
    o.close(); // checkpoints the WAL into the main file
    expect(statSync(path).size).toBeLessThanOrEqual(maxBytes);
  });

  it('rejects nonsensical limits', () => {
    expect(() => SqliteOutbox.open(freshPath(), { maxBytes: Number.NaN, retentionMs: 1 })).toThrow(/maxBytes/);
    expect(() => SqliteOutbox.open(freshPath(), { maxBytes: 1, retentionMs: -1 })).toThrow(/retentionMs/);
  });
});

const telemetry = (n: number) => record(n, { kind: 'telemetry', priority: PRIORITY.telemetry });

/**
 * What an append asks of the disk, with background durability (the default): an event among
 * telemetry is made durable without anyone waiting for it, an empty append commits nothing, and
 * the payload bytes count towards the WAL's checkpoint. The fsyncs run on libuv's pool, so the
 * tests poll for them.
 */
describe('SqliteOutbox append and the disk', () => {
  it('an event in a batch with telemetry is made durable unasked, with the telemetry before it', async () => {
    const o = SqliteOutbox.open(freshPath(), LIMITS);
    o.append([telemetry(1)]);
    o.append([telemetry(2), record(3), telemetry(4)]);
    await expect.poll(() => o.syncStats()?.durableCommits, { timeout: 10_000 }).toBe(2);
    expect(o.syncStats()).toMatchObject({ commits: 2, failures: 0 });
    o.close();
  });

  it('an empty append commits nothing', () => {
    const o = SqliteOutbox.open(freshPath(), LIMITS);
    expect(o.append([])).toEqual([]);
    expect(o.syncStats()).toMatchObject({ commits: 0 });
    o.close();
  });

  it('the payload bytes of every batch count towards the WAL checkpoint (checkpointBytes)', async () => {
    const o = SqliteOutbox.open(freshPath(), { ...LIMITS, checkpointBytes: 256 * 1024 });
    const big = 'x'.repeat(100 * 1024);
    for (let n = 1; n <= 3; n++) {
      o.append([record(n, { payload: JSON.stringify({ n, big }) })]);
      await o.whenDurable();
    }
    // 3 × 100 KiB written: past 256 KiB, so one checkpoint has run.
    await expect.poll(() => o.syncStats()?.checkpoints, { timeout: 10_000 }).toBe(1);
    o.close();
  });

  it('run counters are made durable unasked', async () => {
    const o = SqliteOutbox.open(freshPath(), LIMITS);
    o.writeCounters('run.', new Map([['polls', 1]]));
    await expect.poll(() => o.syncStats()?.durableCommits, { timeout: 10_000 }).toBe(1);
    o.close();
  });

  it('acks that come while a sync is due wait in memory: the page skips their rows and still fills; an empty ack writes nothing', async () => {
    const o = SqliteOutbox.open(freshPath(), LIMITS);
    const stored = o.append([1, 2, 3, 4, 5].map((n) => record(n)));
    // The event's sync is scheduled, not yet run: the acks wait.
    o.ack([stored[0]!.id, stored[1]!.id]);
    expect(o.syncStats()?.commits).toBe(1);
    expect(o.next(3).map((r) => r.id)).toEqual(stored.slice(2).map((r) => r.id));
    await o.whenDurable();
    // Written once the sync ended, in one commit.
    await expect.poll(() => o.syncStats()?.commits, { timeout: 10_000 }).toBe(2);
    o.ack([]);
    expect(o.syncStats()?.commits).toBe(2);
    expect(o.stats()).toMatchObject({ pending: 3, delivered: 2 });
    o.close();
  });
});

/**
 * Acks and the disk, with background durability: an ack written at once when nothing is due, one
 * held while a sync is due, and the cap on how many may wait in memory.
 */
describe('SqliteOutbox acks and the disk', () => {
  /** Ids marked delivered on disk, as another process (`diag`) reads the file now. */
  const deliveredOnDisk = (path: string): string[] => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare('SELECT id FROM records WHERE delivered_at IS NOT NULL ORDER BY seq').all() as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  };

  it('telemetry, acks and maintenance ask for no sync of their own: an ack right after each is written at once', async () => {
    const path = freshPath();
    const o = SqliteOutbox.open(path, LIMITS);
    const stored = o.append([1, 2, 3, 4].map((n) => record(n)));
    await o.whenDurable();
    const c = o.syncStats()!.commits;
    o.ack([stored[0]!.id]); // nothing due: its own commit, now
    o.ack([stored[1]!.id]); // nor after an ack
    o.append([telemetry(10)]);
    o.ack([stored[2]!.id]); // nor after telemetry
    o.maintain(T0);
    o.ack([stored[3]!.id]); // nor after maintenance
    expect(o.syncStats()!.commits).toBe(c + 6);
    expect(deliveredOnDisk(path)).toEqual(stored.map((r) => r.id));
    o.close();
  });

  it('at most 10,000 acks wait for a sync: the one that reaches the cap writes them all', async () => {
    const path = freshPath();
    const o = SqliteOutbox.open(path, LIMITS);
    const stored = o.append(Array.from({ length: 10_000 }, (_, i) => record(i + 1)));
    await o.whenDurable();
    o.append([record(20_000)]); // an event: its sync is due, so acks wait
    const c = o.syncStats()!.commits;
    o.ack(stored.slice(0, 9_999).map((r) => r.id));
    expect(o.syncStats()!.commits, 'waiting in memory').toBe(c);
    expect(deliveredOnDisk(path)).toEqual([]);
    o.ack([stored[9_999]!.id]);
    expect(o.syncStats()!.commits, 'the cap: written in one commit').toBe(c + 1);
    expect(deliveredOnDisk(path)).toHaveLength(10_000);
    expect(o.next(10).map((r) => r.id)).toEqual([record(20_000).id]);
    o.close();
  });

  it('an ack repeated while it waits keeps the time of the first: retention counts from it', async () => {
    let wall = T0 + 1_000;
    const o = SqliteOutbox.open(freshPath(), { ...LIMITS, wallNow: () => wall });
    const [r] = o.append([record(1)]); // its sync is due: the acks below wait
    o.ack([r!.id]);
    wall = T0 + 60_000;
    o.ack([r!.id]); // the broker's PUBACK for a resend
    await o.whenDurable();
    expect(o.maintain(T0 + 1_000 + LIMITS.retentionMs - 1).purged, 'within the retention').toBe(0);
    expect(o.maintain(T0 + 1_001 + LIMITS.retentionMs).purged, 'past it, counted from the first ack').toBe(1);
    o.close();
  });
});

describe('SqliteOutbox with inline durability', () => {
  it('run counters survive a reopen and whenDurable resolves at once: every commit synced itself', async () => {
    const path = freshPath();
    const o = SqliteOutbox.open(path, { ...LIMITS, durability: 'inline' });
    o.writeCounters('run.', new Map([['polls', 7]]));
    await o.whenDurable();
    o.close();
    const again = SqliteOutbox.open(path, { ...LIMITS, durability: 'inline' });
    expect(again.readCounters('run.')).toEqual(new Map([['polls', 7]]));
    again.close();
  });
});
