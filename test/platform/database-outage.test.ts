import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Fleet, fleetRound } from '../../bench/fleet-publisher.js';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { createLogger, silentLogger } from '../../src/core/log.js';
import { Operators } from '../../src/platform/http/auth.js';
import { LiveSnapshots } from '../../src/platform/http/live.js';
import { createHttpApi, listen } from '../../src/platform/http/server.js';
import { dutyDeskSnapshot } from '../../src/platform/http/snapshot.js';
import { IngestWorker } from '../../src/platform/ingest/worker.js';
import { PostgresDb } from '../../src/platform/store/postgres.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { Postgres } from '../helpers/postgres.js';

const NOW = Date.UTC(2026, 4, 11, 8);

/**
 * docs/platform.md, Ingest: a transient database failure is retried with back-off while the messages
 * stay unacknowledged. With PostgreSQL stopped, `pg` fails with a socket error (ECONNREFUSED), not a
 * SQLSTATE: that is the database being away, not bad data, so nothing becomes a dead letter and what
 * was held is stored once PostgreSQL is back, without restarting the worker.
 */
describe('PostgreSQL stopped and started again under a running worker', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('holds the messages, answers /healthz 503, and stores everything once the database is back', async () => {
    const pg = await Postgres.start({ fsync: false });
    cleanups.push(() => pg.stop());
    const url = await pg.database('outage');
    const store = await SqlPlatformStore.open(new PostgresDb(url), NOW);
    cleanups.push(() => store.close());
    const mosq = await Mosquitto.start();
    cleanups.push(() => mosq.close());

    const lines: { msg: string }[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as { msg: string });
          done();
        },
      }),
    });
    const clock = new FakeClock(0, NOW);
    const worker = new IngestWorker({
      broker: { url: mosq.url },
      topicPrefix: 'elevgw/v1',
      group: 'outage',
      workerId: 'w1',
      sessions: 2,
      sessionExpiryS: 300,
      store,
      policy: rescuePolicy(),
      clock,
      timers: systemTimers,
      log,
    });
    await worker.start();
    cleanups.push(() => worker.stop());
    const live = new LiveSnapshots({ build: () => dutyDeskSnapshot(store, clock.wallNow(), 60_000), timers: systemTimers, wallNow: () => clock.wallNow(), log: silentLogger });
    cleanups.push(() => live.close());
    const server: Server = createHttpApi({ store, operators: new Operators([]), live, clock, silenceMs: 60_000, log: silentLogger });
    const base = (await listen(server, '127.0.0.1', 0)).url;
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const health = async () => {
      const r = await fetch(`${base}/healthz`);
      return { status: r.status, body: (await r.json()) as { ok: boolean; error?: { code: string } } };
    };

    const fleet = await Fleet.connect(mosq.url, 2);
    cleanups.push(() => fleet.close());
    await fleetRound(fleet, 0);
    await vi.waitFor(async () => expect((await store.counts()).events).toBe(fleet.sent.events.size), { timeout: 15_000, interval: 100 });
    expect((await health()).status).toBe(200);

    const ingest = vi.spyOn(store, 'ingest');
    await pg.halt();
    for (let round = 1; round <= 4; round++) await fleetRound(fleet, round);
    await vi.waitFor(() => expect(lines.map((l) => l.msg)).toContain('database unavailable; retrying with back-off, messages stay unacknowledged'), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await health()).toEqual({ status: 503, body: { ok: false, error: expect.objectContaining({ code: 'DATABASE_UNREACHABLE' }) } });
    // Several retries fail meanwhile, each still one outage to the log: counted, not slept for.
    const tried = ingest.mock.calls.length;
    await vi.waitFor(() => expect(ingest.mock.calls.length).toBeGreaterThanOrEqual(tried + 3), { timeout: 10_000, interval: 50 });

    await pg.resume();
    await vi.waitFor(async () => expect((await store.counts()).events).toBe(fleet.sent.events.size), { timeout: 30_000, interval: 200 });
    const counts = await store.counts();
    expect(counts.telemetry).toBe(fleet.sent.telemetry.size);
    expect(counts.deadLetters).toBe(0);
    expect((await health()).status).toBe(200);
    const said = lines.map((l) => l.msg).filter((m) => m.startsWith('database'));
    expect(said).toEqual(['database unavailable; retrying with back-off, messages stay unacknowledged', 'database available again; the held messages are being stored']);
  }, 90_000);
});

/** The error kinds `pg` gives when the server does not answer are not about the data. */
describe('PostgresDb.isTransient', () => {
  const db = new PostgresDb('postgres://elevgw@127.0.0.1:1/none');

  it('takes a refused connection, a socket or DNS error and a dropped connection for an outage', async () => {
    const down = new PostgresDb(`postgres://elevgw:pw@127.0.0.1:${await freePort()}/platform`);
    const refused = await down.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    await down.close();
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(db.isTransient(refused)).toBe(true);
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])
      expect(db.isTransient(Object.assign(new Error(code), { code })), code).toBe(true);
    expect(db.isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(db.isTransient(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('classifies an answer of the server by its SQLSTATE: shutdown and deadlock are retried, bad data is not', () => {
    const answer = (code: string) => Object.assign(new pg.DatabaseError('from the server', 0, 'error'), { code });
    for (const code of ['08006', '40P01', '53300', '57P01', '57P03', '58030']) expect(db.isTransient(answer(code)), code).toBe(true);
    for (const code of ['22P02', '23505', '42P01', '22021']) expect(db.isTransient(answer(code)), code).toBe(false);
  });
});
