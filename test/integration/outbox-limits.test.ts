import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import type { NewRecord, Outbox, StoredRecord } from '../../src/outbox/types.js';
import { startEmbeddedBroker } from '../../src/platform/broker.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig } from '../helpers/gateway.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Forwards to the real outbox and remembers everything appended, so the test can see evictions. */
class RecordingOutbox implements Outbox {
  readonly appended: NewRecord[] = [];
  constructor(private readonly inner: Outbox) {}
  append(records: NewRecord[]): StoredRecord[] {
    this.appended.push(...records);
    return this.inner.append(records);
  }
  next(limit: number, exclude?: ReadonlySet<number>) {
    return this.inner.next(limit, exclude);
  }
  ack(ids: readonly string[]) {
    this.inner.ack(ids);
  }
  lastId() {
    return this.inner.lastId();
  }
  stats() {
    return this.inner.stats();
  }
  maintain(now: number) {
    return this.inner.maintain(now);
  }
  close() {
    this.inner.close();
  }
}

async function busySim() {
  const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.demo!.scenario, timeScale: 20, loop: true });
  cleanups.push(() => sim.close());
  return sim;
}

// The size cap; a really full file system (SQLITE_FULL) is full-disk.test.ts.
describe('outbox over its size cap', () => {
  it('evicts telemetry before any fault, never a critical event while telemetry remains, and reports the eviction', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const sim = await busySim();
    const brokerPort = await freePort(); // offline: everything piles up
    const config = siteConfig({ simPort: sim.port, brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 20 });
    config.site.uplink.telemetryIntervalS = 0.5;
    config.site.outbox.maxMb = 0.06;
    config.site.outbox.maintainIntervalS = 0.25;
    const outbox = new RecordingOutbox(SqliteOutbox.open(config.outboxPath, { maxBytes: 0.06 * 1024 * 1024, retentionMs: 86_400_000 }));
    const gw = new Gateway({ config, logger: silentLogger, outbox });
    await gw.start();
    cleanups.push(() => gw.stop());

    await vi.waitFor(
      () => {
        const report = outbox.appended.find((r) => r.payload.includes('"outbox-loss"') && r.payload.includes('size cap'));
        expect(report).toBeDefined();
        expect(outbox.appended.some((r) => r.priority === 0 && r.elevatorId !== null)).toBe(true);
      },
      { timeout: 60_000, interval: 200 },
    );
    const pending = new Set(outbox.next(100_000).map((r) => r.id));
    const criticalFaults = outbox.appended.filter((r) => r.priority === 0 && r.elevatorId !== null);
    const evictedTelemetry = outbox.appended.filter((r) => r.kind === 'telemetry' && !pending.has(r.id));
    expect(evictedTelemetry.length, 'telemetry was evicted').toBeGreaterThan(0);
    for (const c of criticalFaults) expect(pending, 'a critical fault was evicted').toContain(c.id);
    const faultsEvicted = outbox.appended.filter((r) => r.kind === 'event' && !pending.has(r.id));
    const telemetryStillPending = outbox.next(100_000).filter((r) => r.kind === 'telemetry').length;
    if (faultsEvicted.length > 0) expect(telemetryStillPending, 'events evicted while telemetry remained').toBe(0);
    const report = JSON.parse(outbox.appended.find((r) => r.payload.includes('size cap'))!.payload) as { data: { evicted: number; byKind: Record<string, number> } };
    expect(report.data.byKind.telemetry).toBeGreaterThan(0);
    expect(outbox.stats().evicted).toBeGreaterThan(0);
  }, 90_000);
});

describe('corrupt outbox database at start', () => {
  it('moves it aside, starts a new one, reports the loss upstream and keeps working', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const dbPath = join(tmp.dir, 'outbox.db');
    writeFileSync(dbPath, Buffer.from('this is not an SQLite database, it is what a dying SD card left behind'.repeat(100)));
    const broker = await startEmbeddedBroker();
    cleanups.push(() => broker.close());
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-corrupt' });
    cleanups.push(() => sub.endAsync());
    const got: { type: string; severity: string; data?: Record<string, unknown> }[] = [];
    sub.on('message', (_t, p) => got.push(JSON.parse(p.toString()) as (typeof got)[number]));
    await sub.subscribeAsync(['elevgw/v1/it-gw/events', 'elevgw/v1/it-gw/elevators/+/events'], { qos: 1 });
    const sim = await busySim();
    const gw = new Gateway({ config: siteConfig({ simPort: sim.port, brokerUrl: broker.url, outboxPath: dbPath, timeScale: 20 }), logger: silentLogger });
    await gw.start();
    cleanups.push(() => gw.stop());

    await vi.waitFor(() => expect(got.some((e) => e.type === 'outbox-loss')).toBe(true), { timeout: 20_000 });
    const loss = got.find((e) => e.type === 'outbox-loss')!;
    expect(loss.severity).toBe('critical');
    expect(String(loss.data?.movedTo)).toMatch(/outbox\.db\.corrupt-/);
    expect(readdirSync(tmp.dir).some((f) => f.startsWith('outbox.db.corrupt-'))).toBe(true);
    expect(existsSync(dbPath)).toBe(true);
    // And it keeps working: faults from the running scenario still arrive.
    await vi.waitFor(() => expect(got.some((e) => e.type === 'door-open-while-moving')).toBe(true), { timeout: 30_000 });
  }, 60_000);
});
