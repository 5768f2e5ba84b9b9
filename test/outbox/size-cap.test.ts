import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-outbox-cap-');
afterAll(() => tmp.cleanup());
let files = 0;
const freshPath = () => join(tmp.dir, `outbox-${++files}.db`);

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const pad = 'x'.repeat(2000);
const record = (n: number, over: Partial<NewRecord> = {}): NewRecord => ({
  id: `id-${String(n).padStart(6, '0')}`,
  kind: 'telemetry',
  elevatorId: 'E1',
  priority: PRIORITY.telemetry,
  createdAt: T0 + n,
  payload: JSON.stringify({ pad, n }),
  ...over,
});
const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i));

describe('the size of a record (MemoryOutbox counts exactly this)', () => {
  it('is its payload in UTF-8, its id twice (row and index), its elevator id and 64 bytes of overhead', () => {
    const o = new MemoryOutbox();
    o.append([{ id: 'ab', kind: 'event', elevatorId: 'E1', priority: PRIORITY.critical, createdAt: T0, payload: '"困人"' }]);
    expect(o.stats().dbBytes).toBe(8 + 2 * 2 + 2 + 64);
    o.append([{ id: 'cd', kind: 'status', elevatorId: null, priority: PRIORITY.info, createdAt: T0, payload: '{}' }]);
    expect(o.stats().dbBytes).toBe(78 + 2 + 2 * 2 + 64);
  });

  it('a store exactly at its cap keeps everything, delivered rows too; over it, evicts only down to the cap', () => {
    const rec = (id: string, priority: NewRecord['priority']): NewRecord => ({ id, kind: 'event', elevatorId: 'E1', priority, createdAt: T0, payload: '"困人"' }); // 78 bytes each
    const full = new MemoryOutbox({ maxBytes: 2 * 78, retentionMs: DAY, wallNow: () => T0 });
    full.append([rec('ab', PRIORITY.critical), rec('cd', PRIORITY.warning)]);
    full.ack(['cd']);
    expect(full.maintain(T0)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
    const over = new MemoryOutbox({ maxBytes: 2 * 78 });
    over.append([rec('ab', PRIORITY.critical), rec('cd', PRIORITY.warning), rec('ef', PRIORITY.warning)]);
    expect(over.maintain(T0)).toEqual({ purged: 0, evicted: 1, evictedByKind: { event: 1 } });
    expect(over.next(10).map((r) => r.id)).toEqual(['ab', 'ef']);
  });
});

describe('SqliteOutbox above its size cap', () => {
  it('a cap below what the empty database itself takes evicts every pending record, and stops', () => {
    const o = SqliteOutbox.open(freshPath(), { maxBytes: 1024, retentionMs: DAY });
    o.append(batch(0, 20));
    expect(o.maintain(T0)).toMatchObject({ evicted: 20 });
    expect(o.next(100)).toEqual([]);
    o.close();
  });

  it('warns once per maintenance round that evicted, with the counts by kind, and says nothing otherwise', () => {
    const lines: { msg: string; evicted?: number; byKind?: unknown }[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(JSON.parse(l)) } });
    const o = SqliteOutbox.open(freshPath(), { maxBytes: 256 * 1024, retentionMs: DAY, logger });
    o.append(batch(0, 50));
    o.maintain(T0);
    expect(lines).toEqual([]);
    o.append(batch(50, 250));
    const r = o.maintain(T0);
    expect(lines).toEqual([expect.objectContaining({ msg: expect.stringMatching(/size cap/), evicted: r.evicted, byKind: { telemetry: r.evicted } })]);
    o.close();
  });

  it('a little over the cap, the few rows evicted still bring the file itself back under it', () => {
    const maxBytes = 512 * 1024;
    const o = SqliteOutbox.open(freshPath(), { maxBytes, retentionMs: DAY });
    let n = 0;
    while (o.stats().dbBytes <= maxBytes) o.append(batch(n++ * 10, 10));
    const r = o.maintain(T0);
    expect(r.evicted).toBeGreaterThan(0);
    expect(r.evicted).toBeLessThanOrEqual(20);
    expect(o.stats().dbBytes).toBeLessThanOrEqual(maxBytes);
    o.close();
  });

  it('hands freed pages back to the file system after a large purge, and keeps a few for reuse after a small one', () => {
    let wall = T0;
    const o = SqliteOutbox.open(freshPath(), { maxBytes: 4 * 1024 * 1024, retentionMs: DAY, wallNow: () => wall });
    o.append(batch(0, 1000)); // ~2.5 MB
    o.ack(batch(0, 20).map((r) => r.id));
    wall += 2 * DAY;
    const before = o.stats().dbBytes;
    expect(o.maintain(wall).purged).toBe(20);
    expect(o.stats().dbBytes).toBe(before); // 50 kB free: reused by the next appends
    o.ack(batch(20, 980).map((r) => r.id));
    wall += 2 * DAY;
    expect(o.maintain(wall).purged).toBe(980);
    expect(o.stats().dbBytes).toBeLessThan(before / 4);
    o.close();
  });
});
