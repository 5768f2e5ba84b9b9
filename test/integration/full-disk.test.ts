import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { Gateway } from '../../src/runtime/gateway.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import type { NewRecord, Outbox, StoredRecord } from '../../src/outbox/types.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { fillUp } from '../helpers/full-fs.js';
import { siteConfig } from '../helpers/gateway.js';

/**
 * A real full file system: the outbox lives on a small tmpfs this test mounts, and a filler file
 * takes every free byte while the gateway runs against the simulator and a broker. SQLite then
 * fails mid-write with SQLITE_FULL. The gateway must keep monitoring, hold what it detects, store
 * and deliver it once space returns, report the outage upstream once, log it once, and lose
 * nothing it had already committed.
 */

/** The SQLite outbox, noting every write it refused. */
class FailureLog implements Outbox {
  readonly failed: { op: string; code: string }[] = [];
  constructor(private readonly inner: SqliteOutbox) {}
  private write<T>(op: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.failed.push({ op, code: String((e as { code?: unknown }).code) });
      throw e;
    }
  }
  append(records: NewRecord[]): StoredRecord[] {
    return this.write('append', () => this.inner.append(records));
  }
  ack(ids: readonly string[]) {
    this.write('ack', () => this.inner.ack(ids));
  }
  maintain(now: number) {
    return this.write('maintain', () => this.inner.maintain(now));
  }
  next(limit: number, exclude?: ReadonlySet<number>) {
    return this.inner.next(limit, exclude);
  }
  lastId() {
    return this.inner.lastId();
  }
  stats() {
    return this.inner.stats();
  }
  close() {
    this.inner.close();
  }
}

/** Rows as SQLite has them committed, read through a connection of our own. */
function committed(dbPath: string): Map<string, { kind: string; delivered: boolean }> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, kind, delivered_at FROM records').all() as { id: string; kind: string; delivered_at: number | null }[];
    return new Map(rows.map((r) => [r.id, { kind: r.kind, delivered: r.delivered_at !== null }]));
  } finally {
    db.close();
  }
}

describe('outbox on a really full file system', () => {
  const mnt = mkdtempSync(join(tmpdir(), 'elevgw-full-'));
  const dbPath = join(mnt, 'outbox.db');
  const filler = join(mnt, 'filler');
  let mounted = false;
  let broker: EmbeddedBroker | undefined;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>> | undefined;
  let platform: mqtt.MqttClient | undefined;
  let gw: Gateway | undefined;

  beforeAll(() => {
    // Not a skip: without root the claim is untested, and that must show as a failure.
    if (process.getuid?.() !== 0) throw new Error(`full-disk test: mounting a tmpfs needs root (uid ${process.getuid?.()}); run it as root, as CI does`);
    // Room for SQLite's WAL to reach its 1000-page checkpoint (4 MiB) once space returns.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
    mounted = true;
  });

  afterAll(async () => {
    await gw?.stop();
    await platform?.endAsync();
    await sim?.close();
    await broker?.close();
    if (mounted) {
      try {
        execFileSync('umount', [mnt]);
      } catch {
        execFileSync('umount', ['-l', mnt]); // something still holds a file open: detach anyway
      }
    }
    rmdirSync(mnt);
  });

  it('keeps monitoring, holds what it detects, delivers it when space returns, reports once, loses nothing committed', async () => {
    broker = await startEmbeddedBroker();
    const received = new Map<string, { type?: string; data?: Record<string, unknown> }>();
    platform = await mqtt.connectAsync(broker.url, { clientId: 'platform-full-disk' });
    platform.on('message', (_t, p) => {
      const m = JSON.parse(p.toString()) as { id?: string; type?: string; data?: Record<string, unknown> };
      if (m.id) received.set(m.id, m);
    });
    await platform.subscribeAsync(['elevgw/v1/it-gw/events', 'elevgw/v1/it-gw/elevators/+/events', 'elevgw/v1/it-gw/elevators/+/telemetry'], { qos: 1 });
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.demo!.scenario, timeScale: 20, loop: true });

    const config = siteConfig({ simPort: sim.port, brokerUrl: broker.url, outboxPath: dbPath, timeScale: 20 });
    config.site.uplink.telemetryIntervalS = 0.5; // a record every 25 ms: the WAL needs new pages soon after the fill
    config.site.outbox.maxMb = 64; // the file system, not the size cap, is the limit here
    config.site.outbox.maintainIntervalS = 0.5;
    const logs: { msg: string; err?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as (typeof logs)[number]) });
    const store = new FailureLog(SqliteOutbox.open(dbPath, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 }));
    gw = new Gateway({ config, logger, outbox: store });
    await gw.start();
    const monitor = gw.monitors.get('E1')!;

    // Running and delivering: a fault has gone out.
    await vi.waitFor(() => expect([...received.values()].some((m) => m.type === 'door-open-while-moving')).toBe(true), { timeout: 30_000, interval: 100 });
    const before = committed(dbPath);
    expect(before.size).toBeGreaterThan(0);

    // Take every free byte. The event loop is ours meanwhile, so the gateway's next write meets a full disk.
    const fillerBytes = fillUp(filler);
    expect(fillerBytes).toBeGreaterThan(0);
    await vi.waitFor(() => expect(gw!.outbox.holding().failingSince).not.toBeNull(), { timeout: 20_000, interval: 50 });
    expect(store.failed[0]?.code).toBe('SQLITE_FULL');
    const samplesAtFailure = monitor.samples;
    // Monitoring goes on: the rules keep raising faults (two kinds, so it spans part of the scenario), which cannot be stored.
    const heldEvents = () =>
      gw!.outbox
        .heldRecords()
        .filter((r) => r.kind === 'event' && r.elevatorId !== null)
        .map((r) => JSON.parse(r.payload) as { type: string; phase: string });
    const raisedTypes = () =>
      new Set(
        heldEvents()
          .filter((e) => e.phase === 'raised')
          .map((e) => e.type),
      );
    await vi.waitFor(() => expect(raisedTypes().size).toBeGreaterThanOrEqual(2), { timeout: 40_000, interval: 100 });
    expect(monitor.samples).toBeGreaterThan(samplesAtFailure);
    expect(monitor.driverHealth().state).toBe('ok');
    const raisedWhileFull = [...raisedTypes()];
    const heldEventCount = heldEvents().length;

    // Space returns. What is held is read in the same tick, so nothing is stored in between.
    const heldIds = gw.outbox.heldRecords().map((r) => r.id);
    unlinkSync(filler);
    await vi.waitFor(() => expect(gw!.outbox.holding()).toMatchObject({ failingSince: null, held: 0, pendingAcks: 0 }), { timeout: 20_000, interval: 50 });

    // Everything committed before the fill, and everything held, is stored and reaches the platform.
    const wanted = [...before.keys(), ...heldIds];
    await vi.waitFor(
      () => {
        const missing = wanted.filter((id) => !received.has(id));
        expect(missing, `${missing.length} of ${wanted.length} not delivered`).toEqual([]);
      },
      { timeout: 30_000, interval: 200 },
    );
    // …and is marked delivered in the database (the ack is written after the PUBACK, so wait for it).
    await vi.waitFor(
      () => {
        const after = committed(dbPath);
        const undelivered = wanted.filter((id) => after.get(id)?.delivered !== true);
        expect(undelivered, `${undelivered.length} of ${wanted.length} not stored as delivered`).toEqual([]);
      },
      { timeout: 10_000, interval: 200 },
    );

    // Reported upstream once, with what happened; a later fault arrives after the report, and still only one.
    const reports = () => [...received.values()].filter((m) => m.type === 'outbox-loss');
    await vi.waitFor(() => expect(reports()).toHaveLength(1), { timeout: 10_000 });
    const report = reports()[0]!.data!;
    expect(report).toMatchObject({ reason: 'storage-full', error: 'SQLITE_FULL', dropped: 0 });
    expect(report.held).toBe(heldIds.length);
    expect(report.durationS).toBeGreaterThan(0);
    const seen = received.size;
    await vi.waitFor(() => expect(received.size).toBeGreaterThan(seen + 5), { timeout: 20_000 });
    expect(reports()).toHaveLength(1);

    // Logged once each, however many polls failed to store; nothing else complained.
    expect(store.failed.length).toBeGreaterThan(3);
    expect(new Set(store.failed.map((f) => f.code))).toEqual(new Set(['SQLITE_FULL']));
    expect(logs.filter((l) => /storage failing/.test(l.msg))).toHaveLength(1);
    expect(logs.filter((l) => /storage works again/.test(l.msg))).toHaveLength(1);
    expect(logs.filter((l) => /poll failed|scheduled job failed|publish failed/.test(l.msg))).toEqual([]);
    console.log(
      `full disk: filler ${fillerBytes} B, ${store.failed.length} failed writes, ${heldIds.length} records held (${heldEventCount} events, raised: ${raisedWhileFull.join(', ')}), reported durationS ${String(report.durationS)}`,
    );
  }, 150_000);
});
