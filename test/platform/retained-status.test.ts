import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { dutyDeskSnapshot } from '../../src/platform/http/snapshot.js';
import { IngestWorker } from '../../src/platform/ingest/worker.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2026, 4, 11, 8);
const SILENCE_MS = 60_000;
const TOPIC = 'elevgw/v1/gw-s/status';

const status = (atMs: number) =>
  JSON.stringify({
    v: 1,
    minor: 1,
    monoMs: 5,
    bootId: '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
    gatewayId: 'gw-s',
    state: 'online',
    at: new Date(atMs).toISOString(),
    version: '0.1.0',
    clockSynced: true,
    uptimeS: 5,
    outbox: { pending: 0, oldestPendingAgeS: null, delivered: 1, evicted: 0, dbBytes: 1000 },
    elevators: [],
  });

/**
 * docs/platform.md, Ingest, "track": a gateway is `silent` when it says online but nothing has
 * arrived for `--silence` seconds. The broker hands its retained `online` status again to every
 * worker that subscribes; that copy is the broker repeating an old message, not the gateway
 * speaking, so a worker restart must not make a silent gateway look online.
 */
describe('a retained status re-sent to a restarted worker', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('leaves a silent gateway silent; the gateway speaking again makes it online', async () => {
    const tmp = tempDir('elevgw-retained-');
    cleanups.push(() => tmp.cleanup());
    const mosq = await Mosquitto.start();
    cleanups.push(() => mosq.close());
    const store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), T0);
    cleanups.push(() => store.close());
    const clock = new FakeClock(0, T0);
    const worker = () =>
      new IngestWorker({
        broker: { url: mosq.url },
        topicPrefix: 'elevgw/v1',
        group: 'retained',
        workerId: 'w1',
        sessions: 1,
        sessionExpiryS: 300,
        store,
        policy: rescuePolicy(),
        clock,
        timers: systemTimers,
        log: silentLogger,
      });
    const gateway = async () => (await dutyDeskSnapshot(store, clock.wallNow(), SILENCE_MS)).gateways.find((g) => g.gatewayId === 'gw-s');

    const gw = await mqtt.connectAsync(mosq.url, { clientId: 'gw-s', reconnectPeriod: 0 });
    cleanups.push(() => gw.endAsync(true));
    const first = worker();
    await first.start();
    await gw.publishAsync(TOPIC, status(T0), { qos: 1, retain: true });
    await vi.waitFor(async () => expect(await gateway()).toMatchObject({ liveness: 'online', lastSeenMs: T0 }), { timeout: 10_000, interval: 50 });
    await first.stop();

    // Two minutes without a word from the gateway; then a worker (re)starts and gets the retained copy.
    clock.advance(120_000);
    const restartedMs = clock.wallNow();
    const second = worker();
    await second.start();
    cleanups.push(() => second.stop());
    await vi.waitFor(async () => expect((await gateway())?.statusMs).toBe(restartedMs), { timeout: 10_000, interval: 50 });
    expect(await gateway()).toMatchObject({ liveness: 'silent', lastSeenMs: T0 });

    clock.advance(1000);
    await gw.publishAsync(TOPIC, status(clock.wallNow()), { qos: 1, retain: true });
    await vi.waitFor(async () => expect(await gateway()).toMatchObject({ liveness: 'online', lastSeenMs: clock.wallNow() }), { timeout: 10_000, interval: 50 });
  }, 60_000);
});
