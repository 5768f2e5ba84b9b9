import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord, type Outbox } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-outbox-paging-');
afterAll(() => tmp.cleanup());
let files = 0;

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const record = (n: number, priority: NewRecord['priority'] = PRIORITY.fault): NewRecord => ({
  id: `id-${n}`,
  kind: 'event',
  elevatorId: 'E1',
  priority,
  createdAt: T0 + n,
  payload: '{}',
});

type Opts = { maxBytes?: number; retentionMs?: number; wallNow?: () => number };
const outboxes: [string, (o: Opts) => Outbox][] = [
  ['MemoryOutbox', (o) => new MemoryOutbox(o)],
  ['SqliteOutbox', (o) => SqliteOutbox.open(join(tmp.dir, `o-${++files}.db`), { maxBytes: 64 * 1024 * 1024, retentionMs: DAY, ...o })],
];

/** Edges of `next` the uplink relies on, and of `lastId`, which seeds the id generator at start. */
describe.each(outboxes)('%s', (_name, make) => {
  it('a page of 0 is empty, records in flight or not', () => {
    const o = make({});
    const stored = o.append([record(1), record(2)]);
    expect(o.next(0, new Set([stored[0]!.seq]))).toEqual([]);
    expect(o.next(0, new Set([999]))).toEqual([]);
    o.close();
  });

  it('maintenance of an empty outbox does nothing and leaves it usable', () => {
    const o = make({});
    expect(o.maintain(T0)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
    expect(o.lastId()).toBeUndefined();
    expect(o.append([record(1)])).toHaveLength(1);
    o.close();
  });

  it('a page is never longer than asked, whatever the in-flight set holds', () => {
    const o = make({});
    const stored = o.append([record(1), record(2), record(3), record(4)]);
    o.ack([record(1).id]);
    // In flight: an acked row and a seq that does not exist — neither is among the pending rows.
    expect(o.next(2, new Set([stored[0]!.seq, 999])).map((r) => r.id)).toEqual(['id-2', 'id-3']);
    o.close();
  });

  it('lastId stays the newest id ever appended when that row is gone and older ones remain', () => {
    let wall = T0;
    const o = make({ retentionMs: DAY, wallNow: () => wall });
    o.append([record(1), record(2), record(3, PRIORITY.info)]);
    o.ack([record(3).id]);
    wall += 2 * DAY;
    expect(o.maintain(wall).purged).toBe(1);
    expect(o.next(10).map((r) => r.id)).toEqual(['id-1', 'id-2']);
    expect(o.lastId()).toBe('id-3');
    o.close();
  });

  it('lastId stays the newest id when one maintenance removed every row, purged or evicted', () => {
    for (const acked of [[], [record(1).id]]) {
      const o = make({ maxBytes: 1 }); // over the cap with any row: delivered rows go, then pending ones
      o.append([record(1), record(2, PRIORITY.info)]);
      o.ack(acked);
      expect(o.maintain(T0)).toMatchObject({ purged: acked.length, evicted: 2 - acked.length });
      expect(o.next(10)).toEqual([]);
      expect(o.lastId()).toBe('id-2');
      o.close();
    }
  });
});
