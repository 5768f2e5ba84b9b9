import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FakeClock } from '../../src/core/clock.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY, type NewRecord, type Outbox, type Priority, type RecordKind } from '../../src/outbox/types.js';
import { HoldingOutbox, type HoldingOptions, type StorageOutage } from '../../src/runtime/holding.js';

/** A MemoryOutbox whose writes fail like SQLite's on a full file system while `failing` is set. */
class FullDiskOutbox extends MemoryOutbox {
  failing: string | undefined;
  private fail(): void {
    if (this.failing) throw Object.assign(new Error(`${this.failing}: database or disk is full`), { code: this.failing });
  }
  override append(records: NewRecord[]) {
    this.fail();
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
  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) });
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
