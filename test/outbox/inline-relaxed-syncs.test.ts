import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';
import { syncsDuring } from './strace-self.js';

/**
 * With inline durability every event batch waits for its fsync (synchronous=FULL), but acks,
 * maintenance and telemetry-only batches must not each force the SD card: they are made durable
 * by the next event's commit. Seen by strace attached to this process, counting fsync/fdatasync
 * calls on the outbox's files; an fsync of a marker file splits the trace between the relaxed
 * writes and an event batch, the control that the trace does see the outbox's syncs.
 * `PRAGMA synchronous` takes effect when compiled: a statement prepared once at the open left
 * the first relaxed write after it at FULL (fixed by running the pragma each time).
 */
const tmp = tempDir('elevgw-inline-relaxed-');
afterAll(() => tmp.cleanup());

const T0 = Date.UTC(2026, 0, 1);
const rec = (n: number, over: Partial<NewRecord> = {}): NewRecord => ({
  id: `r-${n}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.fault,
  createdAt: T0 + n,
  payload: JSON.stringify({ n }),
  ...over,
});

describe('inline durability', () => {
  it('acks, maintenance and telemetry-only batches force no sync of their own; an event batch does', async () => {
    const path = join(tmp.dir, 'inline.db');
    const marker = join(tmp.dir, 'marker');
    const o = SqliteOutbox.open(path, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000, durability: 'inline', wallNow: () => T0 });
    o.append([rec(1), rec(2), rec(3), rec(4)]);
    const syncs = await syncsDuring(join(tmp.dir, 'syncs.strace'), (mark) => {
      o.ack([rec(1).id]); // the first relaxed write after the open too
      o.ack([rec(2).id]);
      o.ack([rec(3).id]);
      o.maintain(T0);
      o.append([rec(5, { kind: 'telemetry', priority: PRIORITY.telemetry })]);
      mark(marker);
      o.append([rec(6)]);
    });
    const split = syncs.indexOf(marker);
    expect(split, 'the marker was traced').toBeGreaterThanOrEqual(0);
    const outboxFiles = (files: string[]) => files.filter((f) => f.startsWith(path));
    expect(outboxFiles(syncs.slice(0, split)), 'relaxed writes').toEqual([]);
    expect(outboxFiles(syncs.slice(split + 1)), 'the event batch').toContain(`${path}-wal`);
    expect(o.stats()).toMatchObject({ pending: 3, delivered: 3 });
    o.close();
  });
});
