import { describe, expect, it } from 'vitest';
import { ElevgwError } from '../../src/core/errors.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord, type Outbox } from '../../src/outbox/types.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const record = (n: number, over: Partial<NewRecord> = {}): NewRecord => ({
  id: `id-${n}`,
  kind: 'event',
  elevatorId: 'E1',
  priority: PRIORITY.fault,
  createdAt: T0 + n,
  payload: JSON.stringify({ n }),
  ...over,
});

type Opts = { maxBytes?: number; retentionMs?: number; wallNow?: () => number };
const outboxes: [string, (o: Opts) => Outbox][] = [
  ['MemoryOutbox', (o) => new MemoryOutbox(o)],
  ['SqliteOutbox', (o) => SqliteOutbox.open(':memory:', { maxBytes: 64 * 1024 * 1024, retentionMs: 7 * DAY, ...o })],
];

/** What a call threw, as the coded error it must be. */
function thrown(f: () => unknown): ElevgwError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ElevgwError);
    return e as ElevgwError;
  }
  throw new Error('did not throw');
}

/**
 * The outbox refuses what it cannot store faithfully, as a programmer error (OUTBOX_MISUSE, with
 * the record's place in the batch) and before anything of the batch is written; and refuses
 * limits that make no sense as a configuration error. Both implementations, the same way.
 */
describe.each(outboxes)('%s: what it refuses', (_name, make) => {
  it('refuses each kind of malformed record, naming its place in the batch, and stores nothing of the batch', () => {
    const o = make({});
    const cases: [string, Partial<NewRecord>][] = [
      ['no id', { id: '' }],
      ['no id', { id: 7 as unknown as string }],
      ['unknown kind', { kind: 'nonsense' as NewRecord['kind'] }],
      ['unknown priority', { priority: 9 as NewRecord['priority'] }],
      ['elevatorId', { elevatorId: 5 as unknown as string }],
      ['non-finite createdAt', { createdAt: Number.POSITIVE_INFINITY }],
      ['payload', { payload: { n: 1 } as unknown as string }],
    ];
    for (const [why, bad] of cases) {
      const e = thrown(() => o.append([record(1), record(2, bad)]));
      expect([e.code, e.message, e.context]).toEqual(['OUTBOX_MISUSE', expect.stringMatching(new RegExp(`record 1 .*${why}`)), { index: 1, id: bad.id ?? 'id-2', misuse: true }]);
    }
    expect(o.stats().pending).toBe(0);
    expect(o.append([record(3, { elevatorId: null })])).toHaveLength(1);
    o.close();
  });

  it('a page size that is not a number is misuse; fractions round down, negatives read nothing', () => {
    const o = make({});
    o.append([record(1), record(2), record(3)]);
    expect(thrown(() => o.next(Number.NaN))).toMatchObject({ code: 'OUTBOX_MISUSE', message: 'outbox.next: limit is NaN' });
    expect(o.next(2.9)).toHaveLength(2);
    expect(o.next(-1)).toEqual([]);
    o.close();
  });

  it('maintenance at a time that is not finite is misuse, naming the time', () => {
    const o = make({});
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY])
      expect(thrown(() => o.maintain(now))).toMatchObject({ code: 'OUTBOX_MISUSE', message: `outbox.maintain: now is not a finite time: ${now}` });
    o.close();
  });

  it('a size cap that is not positive, or a negative retention, is a configuration error; retention 0 is allowed', () => {
    for (const maxBytes of [0, -1, Number.NaN]) expect(thrown(() => make({ maxBytes })).code).toBe('CONFIG_INVALID');
    for (const retentionMs of [-1, Number.NaN]) expect(thrown(() => make({ retentionMs })).code).toBe('CONFIG_INVALID');
    make({ retentionMs: 0 }).close();
  });

  it('keeps a delivered row for exactly the retention: removed only once it is older', () => {
    let wall = T0;
    const o = make({ retentionMs: DAY, wallNow: () => wall });
    o.append([record(1)]);
    o.ack([record(1).id]);
    wall = T0 + DAY;
    expect(o.maintain(T0 + DAY).purged).toBe(0);
    expect(o.maintain(T0 + DAY + 1).purged).toBe(1);
    o.close();
  });
});

describe('MemoryOutbox defaults', () => {
  it('keeps delivered rows for 7 days unless told otherwise', () => {
    const o = new MemoryOutbox({ wallNow: () => T0 });
    o.append([record(1)]);
    o.ack([record(1).id]);
    expect(o.maintain(T0 + 7 * DAY).purged).toBe(0);
    expect(o.maintain(T0 + 7 * DAY + 1).purged).toBe(1);
  });

  it('says what was wrong when used after close', () => {
    const o = new MemoryOutbox();
    o.close();
    expect(thrown(() => o.append([record(1)]))).toMatchObject({ code: 'OUTBOX_MISUSE', message: expect.stringMatching(/after close/) });
  });
});
