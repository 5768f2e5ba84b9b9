import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventIdFactory } from '../src/core/ids.js';
import { SqliteOutbox } from '../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../src/outbox/types.js';

const RECORDS = 20_000;
const BATCH = 100;
/** Single-record commits each fsync: stop after this many or this long, whichever comes first. */
const SINGLE_MAX_RECORDS = 5_000;
const SINGLE_BUDGET_MS = 5_000;

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

/**
 * Outbox throughput on a real file in the temp dir (on the Pi: the SD card, if TMPDIR points there):
 * appends with one record per commit (one fsync each) and in batches of 100, then a drain as the
 * uplink does it — next() a window, ack each record on its PUBACK.
 */
export async function benchOutbox(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-outbox-'));
  const ids = new EventIdFactory(Date.now);
  const payload = JSON.stringify({ v: 1, type: 'door-fault', data: { pad: 'x'.repeat(500) } });
  const record = (i: number): NewRecord => ({
    id: ids.next(),
    kind: i % 10 === 0 ? 'event' : 'telemetry',
    elevatorId: `E${i % 4}`,
    priority: i % 10 === 0 ? PRIORITY.fault : PRIORITY.telemetry,
    createdAt: Date.now(),
    payload,
  });
  const open = (name: string) => SqliteOutbox.open(join(dir, name), { maxBytes: 1024 * 1024 * 1024, retentionMs: 86_400_000 });
  try {
    const single = open('single.db');
    let singles = 0;
    let t = performance.now();
    while (singles < SINGLE_MAX_RECORDS && performance.now() - t < SINGLE_BUDGET_MS) single.append([record(singles++)]);
    const singleMs = performance.now() - t;
    single.close();

    const batched = open('batched.db');
    t = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) batched.append(Array.from({ length: BATCH }, (_, j) => record(i + j)));
    const batchMs = performance.now() - t;

    const inflight = new Set<number>();
    let drained = 0;
    t = performance.now();
    for (let page = batched.next(BATCH, inflight); page.length > 0; page = batched.next(BATCH, inflight)) {
      for (const r of page) batched.ack([r.id]); // one ack per PUBACK, as the uplink does
      drained += page.length;
    }
    const drainMs = performance.now() - t;
    const dbBytes = batched.stats().dbBytes;
    batched.close();

    const figures: Record<string, number | string> = {
      'outbox.append.single.records_per_s': rate(singles, singleMs),
      'outbox.append.single.records': singles,
      'outbox.append.batch100.records_per_s': rate(RECORDS, batchMs),
      'outbox.drain.next100_ack1.records_per_s': rate(drained, drainMs),
      'outbox.db_bytes_per_record': Math.round(dbBytes / RECORDS),
      'outbox.payload_bytes': payload.length,
      'outbox.tmpdir': tmpdir(),
    };
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [k, v] of Object.entries(await benchOutbox())) console.log(`${k.padEnd(42)} ${v}`);
}
