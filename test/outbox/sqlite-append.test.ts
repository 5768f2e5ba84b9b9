import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * What an append asks of the disk, with background durability (the default) on a real file:
 * an event among telemetry is made durable without anyone waiting for it, telemetry alone rides
 * on the next event's sync, an empty append commits nothing, and the payload bytes count
 * towards the WAL's checkpoint. The fsyncs run on libuv's pool, so the tests poll for them.
 */
const tmp = tempDir('elevgw-outbox-append-');
afterAll(() => tmp.cleanup());
let files = 0;
const freshPath = () => join(tmp.dir, `outbox-${++files}.db`);
const LIMITS = { maxBytes: 64 * 1024 * 1024, retentionMs: 7 * 86_400_000 };
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
const telemetry = (n: number) => record(n, { kind: 'telemetry', priority: PRIORITY.telemetry });

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
});
