import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { estimateRecordBytes } from '../../src/outbox/records.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The edges of SqliteOutbox's size cap, on real files: a store exactly at its cap is not over it;
 * eviction stops as soon as the file is back at the cap; and when the oldest rows' estimated sizes
 * add up to exactly the excess, those rows go and not one more; freed pages go back to the file
 * system only when they are more than a quarter of the cap. Each case first builds the same
 * file under a cap it never reaches, to learn how many bytes its live pages hold (what the cap
 * applies to), then builds it again under a cap set from that figure.
 */
const tmp = tempDir('elevgw-evict-edges-');
afterAll(() => tmp.cleanup());
let files = 0;

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const NO_CAP = 1024 * 1024 * 1024;

/** Telemetry rows of 8000 bytes: each one fills a leaf page and an overflow page, so evicting one frees exactly 8 KiB. */
const big = (n: number): NewRecord => ({
  id: `tl-${String(n).padStart(6, '0')}`,
  kind: 'telemetry',
  elevatorId: 'E1',
  priority: PRIORITY.telemetry,
  createdAt: T0 + n,
  payload: 'x'.repeat(8000),
});
/** Critical events with tiny payloads: they take less room in the file than their estimated sizes. */
const small = (n: number): NewRecord => ({
  id: `ev-${String(n).padStart(6, '0')}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.critical,
  createdAt: T0 + n,
  payload: '{}',
});
const range = (n: number, make: (i: number) => NewRecord) => Array.from({ length: n }, (_, i) => make(i));

/** Bytes held by live pages: what the size cap is compared with. */
const usedBytes = (o: SqliteOutbox) => {
  const i = o.info();
  return (i.pageCount - i.freePages) * i.pageSize;
};

/** Builds the store with `fill` under `maxBytes` (inline durability: acks are written as they come). */
function build(maxBytes: number, fill: (o: SqliteOutbox) => void): SqliteOutbox {
  const o = SqliteOutbox.open(join(tmp.dir, `cap-${++files}.db`), { maxBytes, retentionMs: DAY, durability: 'inline', wallNow: () => T0 });
  fill(o);
  return o;
}

/** The live bytes of the file `fill` builds, under no cap. */
function measure(fill: (o: SqliteOutbox) => void): number {
  const o = build(NO_CAP, fill);
  const used = usedBytes(o);
  o.close();
  return used;
}

const pendingIds = (o: SqliteOutbox) => o.next(10_000).map((r) => r.id);

describe('SqliteOutbox size cap, at its edges', () => {
  it('a store exactly at its cap is not over it: a delivered row within retention stays, nothing is evicted', () => {
    const fill = (o: SqliteOutbox) => {
      o.append([...range(5, small), ...range(4, big)]);
      o.ack([big(0).id]);
    };
    const atCap = measure(fill);
    const o = build(atCap, fill);
    expect(o.maintain(T0)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
    expect(usedBytes(o)).toBe(atCap);
    expect(o.stats()).toMatchObject({ pending: 8, delivered: 1, evicted: 0 });
    o.close();
  });

  it('eviction stops when the file is back at exactly its cap: the next oldest row stays', () => {
    const fill = (o: SqliteOutbox) => o.append([...range(5, small), ...range(10, big)]);
    const full = measure(fill);
    const cap = full - 3 * 8192; // three big rows' pages over
    const o = build(cap, fill);
    expect(o.maintain(T0)).toEqual({ purged: 0, evicted: 3, evictedByKind: { telemetry: 3 } });
    expect(usedBytes(o), 'landed on the cap, not under it').toBe(cap);
    expect(pendingIds(o)).toEqual([...range(5, small), ...range(10, big).slice(3)].map((r) => r.id));
    expect(o.stats()).toMatchObject({ evicted: 3, evictedByKind: { telemetry: 3 } });
    o.close();
  });

  it('when the oldest rows’ estimated sizes add up to exactly the excess, those rows go and not one more', () => {
    // Thousands of tiny events make the file smaller than the rows' estimates, so the estimates are
    // taken as they are (no scaling up) and the excess below is met by exactly three big rows.
    const fill = (o: SqliteOutbox) => {
      o.append(range(3000, small));
      o.append(range(10, big));
    };
    const full = measure(fill);
    const estimated = [...range(3000, small), ...range(10, big)].reduce((n, r) => n + estimateRecordBytes(r), 0);
    expect(full, 'the file holds less than the estimates say').toBeLessThan(estimated);
    const o = build(full - 3 * estimateRecordBytes(big(0)), fill);
    expect(o.maintain(T0)).toEqual({ purged: 0, evicted: 3, evictedByKind: { telemetry: 3 } });
    expect(pendingIds(o).filter((id) => id.startsWith('tl-'))).toEqual(
      range(10, big)
        .slice(3)
        .map((r) => r.id),
    );
    expect(o.stats().pending).toBe(3007);
    o.close();
  });

  it('after a purge, freed pages are handed back only when they are more than a quarter of the cap', () => {
    const fill = (o: SqliteOutbox) => {
      o.append(range(40, big));
      o.ack(range(40, big).map((r) => r.id));
    };
    const later = T0 + 2 * DAY; // every delivered row is past retention
    const probe = build(NO_CAP, fill);
    probe.maintain(later);
    const freed = probe.info().freePages * probe.info().pageSize;
    probe.close();
    expect(freed).toBeGreaterThan(40 * 8000);

    const kept = build(4 * freed, fill); // freed is exactly a quarter: kept for reuse
    const size = kept.stats().dbBytes;
    expect(kept.maintain(later)).toEqual({ purged: 40, evicted: 0, evictedByKind: {} });
    expect(kept.stats().dbBytes).toBe(size);
    expect(kept.info().freePages * kept.info().pageSize).toBe(freed);
    kept.close();

    const shrunk = build(4 * freed - 4, fill); // a little more than a quarter: given back
    expect(shrunk.maintain(later)).toEqual({ purged: 40, evicted: 0, evictedByKind: {} });
    expect(shrunk.stats().dbBytes).toBe(size - freed);
    expect(shrunk.info().freePages).toBe(0);
    shrunk.close();
  });
});
