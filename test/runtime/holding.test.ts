import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FakeClock } from '../../src/core/clock.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY, type NewRecord, type Outbox, type Priority, type RecordKind } from '../../src/outbox/types.js';
import { ElevgwError } from '../../src/core/errors.js';
import { estimateRecordBytes } from '../../src/outbox/records.js';
import { HoldingOutbox, type HoldingOptions, type StorageOutage } from '../../src/runtime/holding.js';

/**
 * A MemoryOutbox whose writes fail like SQLite's on a full file system while `failing` is set,
 * or, with `room`, an append that would make the table hold more rows than that (a nearly full disk).
 */
class FullDiskOutbox extends MemoryOutbox {
  failing: string | undefined;
  room: number | undefined;
  private fail(): void {
    if (this.failing) throw Object.assign(new Error(`${this.failing}: database or disk is full`), { code: this.failing });
  }
  override append(records: NewRecord[]) {
    this.fail();
    if (this.room !== undefined && this.next(1e9).length + records.length > this.room)
      throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    return super.append(records);
  }
  override ack(ids: readonly string[]) {
    this.fail();
    super.ack(ids);
  }
  override maintain(now: number) {
    this.fail();
    return super.maintain(now);
  }
}

let n = 0;
function rec(priority: Priority, kind: RecordKind = priority === PRIORITY.telemetry ? 'telemetry' : 'event'): NewRecord {
  const id = `R${String(++n).padStart(5, '0')}`;
  return { id, kind, elevatorId: 'E1', priority, createdAt: n, payload: JSON.stringify({ id }) };
}

function setup(opts: Partial<HoldingOptions> = {}) {
  const inner = new FullDiskOutbox();
  const clock = new FakeClock();
  const logs: ({ level: number; msg: string } & Record<string, unknown>)[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as (typeof logs)[number]) });
  const outages: StorageOutage[] = [];
  const holding = new HoldingOutbox(inner, {
    clock,
    logger,
    onRecovered: (o) => {
      outages.push(o);
      return [{ ...rec(PRIORITY.warning), payload: JSON.stringify({ type: 'outbox-loss', reason: o.reason }) }];
    },
    ...opts,
  });
  const stored = () => inner.next(100_000).map((r) => r.id);
  const reports = () => inner.next(100_000).filter((r) => r.payload.includes('outbox-loss'));
  /** Stored ids, without the outage reports. */
  const storedEvents = () =>
    inner
      .next(100_000)
      .filter((r) => !r.payload.includes('outbox-loss'))
      .map((r) => r.id);
  return { inner, clock, logs, outages, holding, stored, reports, storedEvents };
}

describe('HoldingOutbox', () => {
  it('passes appends and acks straight through while storage works, and logs nothing', () => {
    const { holding, inner, logs, stored } = setup();
    const a = rec(PRIORITY.critical);
    expect(holding.append([a]).map((r) => r.id)).toEqual([a.id]);
    expect(stored()).toEqual([a.id]);
    holding.ack([a.id]);
    expect(inner.stats().delivered).toBe(1);
    expect(holding.holding()).toEqual({ held: 0, heldBytes: 0, pendingAcks: 0, failingSince: null, dropped: 0 });
    expect(logs).toEqual([]);
  });

  it('holds what it cannot store, logs the failure once, and stores it in order once space returns', () => {
    const { holding, inner, clock, logs, outages, stored, reports } = setup();
    const before = [rec(PRIORITY.fault), rec(PRIORITY.telemetry)];
    holding.append(before);
    inner.failing = 'SQLITE_FULL';
    const during: NewRecord[] = [];
    for (let i = 0; i < 50; i++) {
      const batch = [rec(i % 10 === 0 ? PRIORITY.critical : PRIORITY.telemetry)];
      during.push(...batch);
      expect(holding.append(batch)).toEqual([]); // nothing stored, nothing thrown
      clock.advance(1000);
    }
    expect(holding.holding()).toMatchObject({ held: 50, dropped: 0, failingSince: Date.UTC(2026, 0, 1) });
    expect(stored(), 'committed rows stay').toEqual(before.map((r) => r.id));
    expect(logs.filter((l) => /storage failing/.test(l.msg))).toHaveLength(1);
    expect(outages).toEqual([]);

    inner.failing = undefined;
    const after = rec(PRIORITY.critical);
    holding.append([after]);
    // Everything is stored: critical lane first, then by lane in the order detected; the report last in its lane.
    const ids = stored();
    const critical = during.filter((r) => r.priority === PRIORITY.critical).map((r) => r.id);
    const telemetry = during.filter((r) => r.priority === PRIORITY.telemetry).map((r) => r.id);
    expect(ids.filter((id) => critical.includes(id) || id === after.id)).toEqual([...critical, after.id]);
    expect(ids.filter((id) => telemetry.includes(id))).toEqual(telemetry);
    expect(ids).toHaveLength(2 + 50 + 1 + 1);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ reason: 'storage-full', error: 'SQLITE_FULL', held: 50, dropped: 0, droppedCritical: 0, durationMs: 50_000, failedWrites: 50 });
    expect(reports()).toHaveLength(1);
    expect(logs.filter((l) => /works again/.test(l.msg))).toHaveLength(1);
    expect(holding.holding()).toMatchObject({ held: 0, failingSince: null });
    // Later appends are plain again: no second report.
    holding.append([rec(PRIORITY.info)]);
    expect(outages).toHaveLength(1);
  });

  it('stores held records on retry() when no new record comes', () => {
    const { holding, inner, outages, stored } = setup();
    inner.failing = 'SQLITE_FULL';
    const a = rec(PRIORITY.critical);
    holding.append([a]);
    holding.retry();
    expect(stored()).toEqual([]);
    inner.failing = undefined;
    holding.retry();
    expect(stored()).toContain(a.id);
    expect(outages).toHaveLength(1);
  });

  it('when the queue overflows, drops the oldest of the least important lane first and counts every drop', () => {
    const { holding, inner, outages, logs, storedEvents } = setup({ maxRecords: 4 });
    inner.failing = 'SQLITE_FULL';
    const c1 = rec(PRIORITY.critical);
    const t1 = rec(PRIORITY.telemetry);
    const w1 = rec(PRIORITY.warning);
    const t2 = rec(PRIORITY.telemetry);
    const c2 = rec(PRIORITY.critical);
    const t3 = rec(PRIORITY.telemetry);
    for (const r of [c1, t1, w1, t2, c2, t3]) holding.append([r]);
    expect(holding.holding()).toMatchObject({ held: 4, dropped: 2 });
    const c3 = rec(PRIORITY.critical);
    const c4 = rec(PRIORITY.critical);
    holding.append([c3, c4]); // now telemetry, then the warning go
    expect(holding.holding()).toMatchObject({ held: 4, dropped: 4 });
    const c5 = rec(PRIORITY.critical);
    holding.append([c5]); // only criticals left: the oldest critical goes
    expect(logs.filter((l) => /holding queue full/.test(l.msg))).toHaveLength(1);
    inner.failing = undefined;
    holding.retry();
    expect(storedEvents()).toEqual([c2, c3, c4, c5].map((r) => r.id));
    expect(outages[0]).toMatchObject({ held: 9, dropped: 5, droppedByKind: { telemetry: 3, event: 2 }, droppedCritical: 1 });
  });

  it('bounds the queue by bytes too', () => {
    const { holding, inner } = setup({ maxBytes: 2000 });
    inner.failing = 'SQLITE_FULL';
    for (let i = 0; i < 10; i++) holding.append([{ ...rec(PRIORITY.info), payload: 'x'.repeat(500) }]);
    const h = holding.holding();
    expect(h.heldBytes).toBeLessThanOrEqual(2000);
    expect(h.held + h.dropped).toBe(10);
    expect(h.dropped).toBeGreaterThan(0);
  });

  it('remembers acks it could not write, so delivered rows are not sent again, and writes them later', () => {
    const { holding, inner, outages, reports } = setup();
    const rows = [rec(PRIORITY.fault), rec(PRIORITY.fault), rec(PRIORITY.fault)];
    holding.append(rows);
    inner.failing = 'SQLITE_FULL';
    holding.ack([rows[0]!.id]);
    expect(holding.next(10).map((r) => r.id)).toEqual([rows[1]!.id, rows[2]!.id]);
    expect(holding.next(1).map((r) => r.id)).toEqual([rows[1]!.id]);
    expect(holding.holding().pendingAcks).toBe(1);
    inner.failing = undefined;
    holding.ack([rows[1]!.id]);
    expect(inner.stats().delivered).toBe(2);
    expect(outages).toHaveLength(1); // an outage without held records is still reported
    expect(holding.next(10).map((r) => r.id)).toEqual([rows[2]!.id, reports()[0]!.id]); // and its report
  });

  it('survives a failing maintenance round without throwing', () => {
    const { holding, inner, outages } = setup();
    inner.failing = 'SQLITE_FULL';
    expect(holding.maintain(0)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
    inner.failing = undefined;
    holding.maintain(0);
    expect(outages).toHaveLength(1);
  });

  it('reports an I/O error as storage-error with its code', () => {
    const { holding, inner, outages } = setup();
    inner.failing = 'SQLITE_IOERR_WRITE';
    holding.append([rec(PRIORITY.fault)]);
    inner.failing = undefined;
    holding.retry();
    expect(outages[0]).toMatchObject({ reason: 'storage-error', error: 'SQLITE_IOERR_WRITE', held: 1 });
  });

  it('holds the report itself when storage fails again, and reports both outages', () => {
    const { holding, inner, outages, reports } = setup();
    inner.failing = 'SQLITE_FULL';
    holding.append([rec(PRIORITY.fault)]);
    // Storage returns for exactly one write: the held record; the report then fails and is held.
    let writes = 0;
    const append = inner.append.bind(inner);
    inner.append = (records) => {
      if (++writes === 2) throw Object.assign(new Error('full'), { code: 'SQLITE_FULL' });
      return MemoryOutbox.prototype.append.call(inner, records);
    };
    inner.failing = undefined;
    holding.retry();
    expect(outages).toHaveLength(1);
    expect(holding.holding().held).toBe(1);
    inner.append = append;
    holding.retry();
    expect(outages).toHaveLength(2);
    expect(reports()).toHaveLength(2);
  });

  it('still throws programmer errors and never holds a malformed record', () => {
    const { holding, inner } = setup();
    inner.failing = 'SQLITE_FULL';
    expect(() => holding.append([{ ...rec(PRIORITY.fault), priority: 9 as Priority }])).toThrow(/unknown priority/);
    expect(holding.holding().held).toBe(0);
  });

  it('says at shutdown what it could not store', () => {
    const { holding, inner, logs } = setup();
    inner.failing = 'SQLITE_FULL';
    holding.append([rec(PRIORITY.critical)]);
    holding.close();
    expect(logs.find((l) => /held records are lost/.test(l.msg))).toMatchObject({ held: 1 });
  });

  it('is an Outbox: lastId and stats come from the store', () => {
    const { holding } = setup();
    const o: Outbox = holding;
    const a = rec(PRIORITY.info);
    o.append([a]);
    expect(o.lastId()).toBe(a.id);
    expect(o.stats().pending).toBe(1);
  });
});

describe('HoldingOutbox, catching up after an outage', () => {
  const ids = (rs: readonly NewRecord[]) => rs.map((r) => r.id);

  it('a nearly full disk takes the most important records first, 64 per transaction, and keeps the rest held', () => {
    const { holding, inner, outages, stored } = setup();
    inner.failing = 'SQLITE_FULL';
    const critical: NewRecord[] = [];
    const telemetry: NewRecord[] = [];
    for (let i = 0; i < 50; i++) {
      telemetry.push(rec(PRIORITY.telemetry));
      critical.push(rec(PRIORITY.critical));
      holding.append([telemetry.at(-1)!, critical.at(-1)!]);
    }
    inner.failing = undefined;
    inner.room = 70; // one transaction of 64 fits, the next 36 do not
    holding.retry();
    expect(stored()).toEqual([...ids(critical), ...ids(telemetry.slice(0, 14))]);
    const left = telemetry.slice(14);
    expect(holding.holding()).toMatchObject({ held: 36, heldBytes: left.reduce((n, r) => n + estimateRecordBytes(r), 0) });
    expect(holding.holding().failingSince).not.toBeNull();
    expect(outages).toEqual([]);
    inner.room = undefined;
    holding.retry();
    expect(holding.holding()).toMatchObject({ held: 0, heldBytes: 0, failingSince: null });
    expect(outages).toEqual([expect.objectContaining({ held: 100, dropped: 0, failedWrites: 51 })]);
  });

  it('close() stores what is held if storage works by then, and says nothing', () => {
    const { holding, inner, logs, stored, outages } = setup();
    inner.failing = 'SQLITE_FULL';
    const held = [rec(PRIORITY.critical), rec(PRIORITY.info)];
    holding.append(held);
    inner.failing = undefined;
    let atClose: string[] = [];
    inner.close = () => {
      atClose = stored();
      MemoryOutbox.prototype.close.call(inner);
    };
    holding.close();
    expect(atClose).toHaveLength(3); // and the outage's report
    expect(atClose).toEqual(expect.arrayContaining(ids(held)));
    expect(outages).toHaveLength(1);
    expect(logs.filter((l) => l.level >= 50 && /lost/.test(l.msg))).toEqual([]);
  });

  it('a clean close writes no log line', () => {
    const { holding, logs } = setup();
    holding.append([rec(PRIORITY.info)]);
    holding.close();
    expect(logs).toEqual([]);
  });

  it('the shutdown line names the first 20 records it could not store', () => {
    const { holding, inner, logs } = setup();
    inner.failing = 'SQLITE_FULL';
    const held = Array.from({ length: 25 }, () => rec(PRIORITY.fault));
    holding.append(held);
    holding.close();
    expect(logs.find((l) => /held records are lost/.test(l.msg))).toMatchObject({ held: 25, ids: ids(held.slice(0, 20)) });
  });

  it('each retry while storage still fails is one failed write, acks to write or not', () => {
    const { holding, inner, outages } = setup();
    const rows = [rec(PRIORITY.fault), rec(PRIORITY.fault)];
    holding.append(rows);
    inner.failing = 'SQLITE_FULL';
    holding.ack([rows[0]!.id]); // 1
    holding.append([rec(PRIORITY.fault)]); // 2
    for (let i = 0; i < 3; i++) holding.retry(); // 5
    inner.failing = undefined;
    holding.retry();
    expect(outages).toEqual([expect.objectContaining({ failedWrites: 5, held: 1 })]);
    expect(inner.stats().delivered).toBe(1);
  });

  it('next() gives at most the limit asked for while acks wait to be written', () => {
    const { holding, inner } = setup();
    const rows = Array.from({ length: 5 }, () => rec(PRIORITY.fault));
    holding.append(rows);
    inner.failing = 'SQLITE_FULL';
    holding.ack([rows[1]!.id, rows[4]!.id]);
    expect(ids(holding.next(2))).toEqual(ids([rows[0]!, rows[2]!]));
    expect(ids(holding.next(10))).toEqual(ids([rows[0]!, rows[2]!, rows[3]!]));
  });

  it('an outage is over only with a write: not while acks wait, not with an empty ack', () => {
    const { holding, inner, outages } = setup();
    const rows = [rec(PRIORITY.fault)];
    holding.append(rows);
    inner.failing = 'SQLITE_FULL';
    holding.maintain(0);
    holding.ack([rows[0]!.id]);
    inner.failing = undefined;
    holding.ack([]);
    holding.maintain(0); // works, but the ack is still to be written
    expect(holding.holding()).toMatchObject({ pendingAcks: 1 });
    expect(holding.holding().failingSince).not.toBeNull();
    expect(outages).toEqual([]);
    holding.retry();
    expect(holding.holding()).toMatchObject({ pendingAcks: 0, failingSince: null });
    expect(inner.stats().delivered).toBe(1);
    expect(outages).toHaveLength(1);
  });

  it('a maintenance round that works does not end an outage while records are held', () => {
    const { holding, inner, outages, stored } = setup();
    inner.failing = 'SQLITE_FULL';
    const held = rec(PRIORITY.critical);
    holding.append([held]);
    inner.failing = undefined;
    holding.maintain(0);
    expect(holding.holding()).toMatchObject({ held: 1 });
    expect(holding.holding().failingSince).not.toBeNull();
    holding.retry();
    expect(stored()).toContain(held.id);
    expect(outages).toHaveLength(1);
  });

  it('a programmer error from the store is thrown, not taken for an outage', () => {
    const { holding, inner } = setup();
    inner.ack = () => {
      throw new ElevgwError('OUTBOX_MISUSE', 'ack of an id never stored');
    };
    expect(() => holding.ack(['R99999'])).toThrow(/never stored/);
    expect(holding.holding().failingSince).toBeNull();
  });

  it('its log lines say what failed, the bounds that made it drop, and what the outage cost', () => {
    const { holding, inner, clock, logs } = setup({ maxRecords: 3 });
    clock.advance(7000);
    inner.failing = 'SQLITE_FULL';
    for (let i = 0; i < 5; i++) holding.append([rec(PRIORITY.info)]);
    clock.advance(42_000);
    inner.failing = undefined;
    holding.retry();
    expect(logs.find((l) => /storage failing/.test(l.msg))).toMatchObject({ err: 'SQLITE_FULL', message: 'SQLITE_FULL: database or disk is full' });
    expect(logs.find((l) => /holding queue full/.test(l.msg))).toMatchObject({ maxRecords: 3, maxBytes: 8 * 1024 * 1024 });
    expect(logs.find((l) => /works again/.test(l.msg))).toMatchObject({
      msg: 'outbox storage works again: 3 held records stored, 2 dropped',
      durationMs: 42_000,
      held: 5,
      dropped: 2,
    });
  });

  it('holds exactly maxBytes, and drops at one byte more', () => {
    const first = rec(PRIORITY.info);
    const size = estimateRecordBytes(first);
    const { holding, inner } = setup({ maxBytes: 3 * size });
    inner.failing = 'SQLITE_FULL';
    // Records of one size: ids of one length, payloads of one length.
    holding.append([first, rec(PRIORITY.info), rec(PRIORITY.info)]);
    expect(holding.holding()).toMatchObject({ held: 3, heldBytes: 3 * size, dropped: 0 });
    holding.append([rec(PRIORITY.info)]);
    expect(holding.holding()).toMatchObject({ held: 3, dropped: 1 });
  });

  it('names an outage by the failure’s code, its name without one, and unknown for a thrown non-error', () => {
    for (const [thrown, error] of [
      [Object.assign(new Error('EIO'), { code: 5 }), 'Error'],
      [new RangeError('odd'), 'RangeError'],
      ['a string', 'unknown'],
    ] as const) {
      const { holding, inner, outages } = setup();
      inner.append = () => {
        throw thrown;
      };
      holding.append([rec(PRIORITY.fault)]);
      inner.append = MemoryOutbox.prototype.append.bind(inner);
      holding.retry();
      expect(outages[0]).toMatchObject({ reason: 'storage-error', error });
    }
  });

  it('an empty append stores nothing and returns nothing', () => {
    const { holding, stored } = setup();
    expect(holding.append([])).toEqual([]);
    expect(stored()).toEqual([]);
  });
});
