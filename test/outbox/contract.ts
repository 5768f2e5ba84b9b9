import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isElevgwError } from '../../src/core/errors.js';
import { PRIORITY, type NewRecord, type Outbox, type Priority, type RecordKind, type StoredRecord } from '../../src/outbox/types.js';

/**
 * One contract, every Outbox: SqliteOutbox and MemoryOutbox must be indistinguishable to the
 * uplink and the gateway, so the in-memory fake other tests use cannot drift from the real store.
 * Size figures differ between implementations, so eviction is checked by its order and its
 * result, not by exact counts.
 */

interface OutboxFactoryOptions {
  maxBytes?: number;
  retentionMs?: number;
  wallNow?: () => number;
}
export type OutboxFactory = (opts: OutboxFactoryOptions) => Outbox;

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

const kindFor: Record<Priority, RecordKind> = { 0: 'event', 1: 'event', 2: 'event', 3: 'event', 4: 'stats', 5: 'telemetry' };

/** Builds records with unique, increasing ids. */
function recordMaker() {
  let n = 0;
  return (priority: Priority, over: Partial<NewRecord> = {}): NewRecord => {
    n++;
    return {
      id: `rec-${String(n).padStart(6, '0')}`,
      kind: kindFor[priority],
      elevatorId: 'E1',
      priority,
      createdAt: T0 + n,
      payload: JSON.stringify({ n }),
      ...over,
    };
  };
}

const ids = (rs: readonly StoredRecord[]) => rs.map((r) => r.id);

/** The least important lane first, oldest first within a lane. */
function evictionOrder(rs: readonly StoredRecord[]): StoredRecord[] {
  return [...rs].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
}

export function outboxContract(name: string, factory: OutboxFactory): void {
  describe(`Outbox contract: ${name}`, () => {
    const opened: Outbox[] = [];
    const make = (opts: OutboxFactoryOptions = {}): Outbox => {
      const o = factory(opts);
      opened.push(o);
      return o;
    };
    afterEach(() => {
      for (const o of opened.splice(0)) o.close();
    });

    it('append returns each record as stored, with strictly increasing seqs', () => {
      const o = make();
      const rec = recordMaker();
      const input = [rec(PRIORITY.info), rec(PRIORITY.critical), rec(PRIORITY.telemetry, { elevatorId: null })];
      const stored = o.append(input);
      expect(stored.map(({ seq: _seq, ...r }) => r)).toEqual(input);
      expect(stored[1]!.seq).toBeGreaterThan(stored[0]!.seq);
      expect(stored[2]!.seq).toBeGreaterThan(stored[1]!.seq);
      expect(o.append([rec(PRIORITY.info)])[0]!.seq).toBeGreaterThan(stored[2]!.seq);
      expect(o.append([])).toEqual([]);
    });

    it('next drains the most important lane first, in append order within a lane', () => {
      const o = make();
      const rec = recordMaker();
      const stored = o.append([rec(PRIORITY.telemetry), rec(PRIORITY.warning), rec(PRIORITY.critical), rec(PRIORITY.warning), rec(PRIORITY.critical)]);
      const [tel, w1, c1, w2, c2] = ids(stored);
      expect(ids(o.next(10))).toEqual([c1, c2, w1, w2, tel]);
      expect(ids(o.next(2))).toEqual([c1, c2]);
      expect(o.next(0)).toEqual([]);
      expect(o.next(10)[0]).toEqual(stored[2]);
    });

    it('given records in flight, next skips their seqs and still fills the page', () => {
      const o = make();
      const rec = recordMaker();
      const stored = o.append([rec(PRIORITY.fault), rec(PRIORITY.fault), rec(PRIORITY.fault), rec(PRIORITY.fault)]);
      const inflight = new Set([stored[0]!.seq, stored[2]!.seq]);
      expect(ids(o.next(2, inflight))).toEqual([stored[1]!.id, stored[3]!.id]);
      expect(o.next(5, new Set(stored.map((r) => r.seq)))).toEqual([]);
    });

    it('ack removes records from next; unknown ids are ignored; a second ack counts once', () => {
      const o = make();
      const rec = recordMaker();
      const [a, b] = ids(o.append([rec(PRIORITY.fault), rec(PRIORITY.fault)]));
      o.ack([a!, 'no-such-id']);
      expect(ids(o.next(10))).toEqual([b]);
      o.ack([a!]);
      o.ack([]);
      expect(o.stats().delivered).toBe(1);
      o.ack([b!]);
      expect(o.next(10)).toEqual([]);
      expect(o.stats()).toMatchObject({ pending: 0, delivered: 2 });
    });

    it('appending a stored id again is a no-op that returns the first copy, never a second row', () => {
      const o = make();
      const rec = recordMaker();
      const first = rec(PRIORITY.fault);
      const [stored] = o.append([first]);
      const resend = { ...first, payload: '{"changed":true}', createdAt: first.createdAt + 5 };
      expect(o.append([resend])).toEqual([stored]);
      // Within one batch too.
      const other = rec(PRIORITY.info);
      const batch = o.append([other, { ...other, payload: '{}' }]);
      expect(batch[1]).toEqual(batch[0]);
      expect(o.stats().pending).toBe(2);
      expect(o.next(10).map((r) => r.payload)).toEqual([first.payload, other.payload]);
    });

    it('an acked record appended again stays delivered', () => {
      const o = make();
      const rec = recordMaker();
      const r = rec(PRIORITY.fault);
      o.append([r]);
      o.ack([r.id]);
      o.append([r]);
      expect(o.stats()).toMatchObject({ pending: 0, delivered: 1 });
    });

    it('a batch with an invalid record throws ElevgwError and stores nothing of the batch', () => {
      const o = make();
      const rec = recordMaker();
      const bad = { ...rec(PRIORITY.fault), priority: 9 as Priority };
      let thrown: unknown;
      try {
        o.append([rec(PRIORITY.fault), bad]);
      } catch (e) {
        thrown = e;
      }
      expect(isElevgwError(thrown)).toBe(true);
      expect(o.stats().pending).toBe(0);
      expect(() => o.append([{ ...rec(PRIORITY.info), kind: 'nonsense' as RecordKind }])).toThrow();
      expect(() => o.append([{ ...rec(PRIORITY.info), id: '' }])).toThrow();
      expect(() => o.append([{ ...rec(PRIORITY.info), createdAt: Number.NaN }])).toThrow();
    });

    it('stats count pending by kind, the oldest pending creation time, delivered and evicted', () => {
      const o = make();
      const rec = recordMaker();
      expect(o.stats()).toMatchObject({
        pending: 0,
        pendingByKind: { event: 0, telemetry: 0, stats: 0, status: 0 },
        oldestPendingCreatedAt: null,
        delivered: 0,
        evicted: 0,
      });
      const [, early] = o.append([
        rec(PRIORITY.critical, { createdAt: T0 + 500 }),
        rec(PRIORITY.telemetry, { createdAt: T0 + 100 }), // created earlier, appended later
        rec(PRIORITY.stats, { createdAt: T0 + 200 }),
        rec(PRIORITY.info, { kind: 'status', elevatorId: null, createdAt: T0 + 300 }),
      ]);
      const s = o.stats();
      expect(s).toMatchObject({ pending: 4, pendingByKind: { event: 1, telemetry: 1, stats: 1, status: 1 }, oldestPendingCreatedAt: T0 + 100, delivered: 0 });
      expect(s.dbBytes).toBeGreaterThan(0);
      o.ack([early!.id]);
      expect(o.stats()).toMatchObject({ pending: 3, pendingByKind: { telemetry: 0 }, oldestPendingCreatedAt: T0 + 200, delivered: 1 });
    });

    it('lastId is the newest appended id, unchanged by a resend, and kept after its row is gone', () => {
      let wall = T0;
      const o = make({ retentionMs: DAY, wallNow: () => wall });
      const rec = recordMaker();
      expect(o.lastId()).toBeUndefined();
      const [a, b] = ids(o.append([rec(PRIORITY.fault), rec(PRIORITY.telemetry)]));
      expect(o.lastId()).toBe(b);
      o.append([{ ...rec(PRIORITY.fault), id: a! }]);
      expect(o.lastId()).toBe(b);
      o.ack([a!, b!]);
      wall += 2 * DAY;
      expect(o.maintain(wall).purged).toBe(2);
      expect(o.stats().pending).toBe(0);
      expect(o.lastId()).toBe(b);
      const [c] = ids(o.append([rec(PRIORITY.info)]));
      expect(o.lastId()).toBe(c);
    });

    it('retention removes delivered rows older than it, and never a pending row however old', () => {
      let wall = T0;
      const o = make({ retentionMs: 7 * DAY, wallNow: () => wall });
      const rec = recordMaker();
      const [old, fresh, pending] = ids(o.append([rec(PRIORITY.fault), rec(PRIORITY.fault), rec(PRIORITY.fault, { createdAt: T0 - 365 * DAY })]));
      o.ack([old!]);
      wall = T0 + 3 * DAY;
      o.ack([fresh!]);
      expect(o.maintain(T0 + 7 * DAY - 1)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
      expect(o.maintain(T0 + 7 * DAY + 1)).toMatchObject({ purged: 1, evicted: 0 });
      expect(o.maintain(T0 + 400 * DAY)).toMatchObject({ purged: 1, evicted: 0 });
      expect(ids(o.next(10))).toEqual([pending]);
      expect(o.stats()).toMatchObject({ pending: 1, delivered: 2, evicted: 0 });
    });

    describe('above the size cap', () => {
      const MAX = 256 * 1024;
      const big = (n: number) => JSON.stringify({ pad: 'x'.repeat(1000), n });

      it('delivered rows go before any pending row', () => {
        const o = make({ maxBytes: MAX, retentionMs: 365 * DAY });
        const rec = recordMaker();
        const delivered = o.append(Array.from({ length: 300 }, (_, i) => rec(PRIORITY.telemetry, { payload: big(i) })));
        o.ack(ids(delivered));
        const pending = o.append(Array.from({ length: 50 }, (_, i) => rec(PRIORITY.telemetry, { payload: big(i) })));
        const r = o.maintain(T0);
        expect(r).toMatchObject({ purged: 300, evicted: 0 });
        expect(ids(o.next(100))).toEqual(ids(pending));
      });

      it('evicts pending rows least important and oldest first until under the cap, and reports them by kind', () => {
        const o = make({ maxBytes: MAX });
        const rec = recordMaker();
        const all = o.append(
          Array.from({ length: 450 }, (_, i) =>
            i % 9 === 0 ? rec(PRIORITY.critical, { payload: big(i) }) : i % 9 < 3 ? rec(PRIORITY.warning, { payload: big(i) }) : rec(PRIORITY.telemetry, { payload: big(i) }),
          ),
        );
        const r = o.maintain(T0);
        expect(r.evicted).toBeGreaterThan(0);
        expect(r.evictedByKind.event ?? 0).toBe(0);
        expect(r.evictedByKind.telemetry).toBe(r.evicted);
        const survivors = o.next(1000);
        expect(survivors.length + r.evicted).toBe(all.length);
        // The evicted are exactly a prefix of the eviction order.
        expect(new Set(ids(survivors))).toEqual(new Set(ids(evictionOrder(all).slice(r.evicted))));
        const s = o.stats();
        expect(s.dbBytes).toBeLessThanOrEqual(MAX);
        expect(s.evicted).toBe(r.evicted);
        expect(s.evictedByKind).toEqual({ event: 0, telemetry: r.evicted, stats: 0, status: 0 });
        expect(s.pendingByKind.event).toBe(150);
        // The pending counts (the status record's backlog) follow the eviction.
        expect(s.pending).toBe(survivors.length);
        expect(s.pendingByKind.telemetry).toBe(survivors.length - 150);
        expect(o.maintain(T0)).toMatchObject({ evicted: 0 });
      });

      it('evicts critical records only when nothing else is left, oldest first', () => {
        const o = make({ maxBytes: 128 * 1024 });
        const rec = recordMaker();
        const critical = o.append(Array.from({ length: 250 }, (_, i) => rec(PRIORITY.critical, { payload: big(i) })));
        const telemetry = o.append(Array.from({ length: 20 }, (_, i) => rec(PRIORITY.telemetry, { payload: big(i) })));
        const r = o.maintain(T0);
        expect(r.evictedByKind.telemetry).toBe(telemetry.length);
        expect(r.evictedByKind.event).toBeGreaterThan(0);
        const survivors = o.next(1000);
        expect(ids(survivors)).toEqual(ids(critical.slice(critical.length - survivors.length)));
        expect(survivors.length).toBeGreaterThan(0);
        expect(o.stats().evicted).toBe(r.evicted);
        // Cumulative across maintenance runs, by kind: what an eviction report is computed from.
        o.append(Array.from({ length: 20 }, (_, i) => rec(PRIORITY.telemetry, { payload: big(i) })));
        const again = o.maintain(T0);
        expect(o.stats().evictedByKind.telemetry).toBe(telemetry.length + (again.evictedByKind.telemetry ?? 0));
        expect(o.stats().evictedByKind.event).toBe(r.evictedByKind.event! + (again.evictedByKind.event ?? 0));
      });
    });

    it('property: after any appends, resends and acks, next returns exactly the pending rows by lane then seq, and stats count them by kind', () => {
      const op = fc.oneof(
        fc.record({ append: fc.array(fc.constantFrom<Priority>(0, 1, 2, 3, 4, 5), { minLength: 1, maxLength: 5 }) }),
        fc.record({ ack: fc.array(fc.nat(), { maxLength: 3 }) }),
        fc.record({ resend: fc.nat() }),
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
          const o = make();
          const rec = recordMaker();
          let model: StoredRecord[] = [];
          for (const step of ops) {
            if ('append' in step) model.push(...o.append(step.append.map((p) => rec(p))));
            else if ('resend' in step) {
              const again = model[step.resend % Math.max(1, model.length)];
              if (again) o.append([{ id: again.id, kind: again.kind, elevatorId: again.elevatorId, priority: again.priority, createdAt: again.createdAt, payload: again.payload }]);
            } else {
              const acked = new Set(step.ack.flatMap((i) => (model.length === 0 ? [] : [model[i % model.length]!.id])));
              o.ack([...acked]);
              model = model.filter((m) => !acked.has(m.id));
            }
          }
          const expected = [...model].sort((a, b) => a.priority - b.priority || a.seq - b.seq);
          expect(o.next(1000)).toEqual(expected);
          const stats = o.stats();
          expect(stats.pending).toBe(model.length);
          const byKind = { event: 0, telemetry: 0, stats: 0, status: 0 };
          for (const m of model) byKind[m.kind]++;
          expect(stats.pendingByKind).toEqual(byKind);
          expect(stats.oldestPendingCreatedAt).toBe(model.length === 0 ? null : Math.min(...model.map((m) => m.createdAt)));
          o.close();
        }),
        { numRuns: 40 },
      );
    });
  });
}
