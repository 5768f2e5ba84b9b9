import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Fleet } from '../../bench/fleet-publisher.js';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { IngestWorker } from '../../src/platform/ingest/worker.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * PUBACK only after the commit: a worker whose database never commits never acknowledges, so when
 * it goes away the broker gives the message to the same worker id when it comes back — and only a
 * commit makes the broker forget it.
 */
describe('ingest acknowledges a message only after its database commit', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const worker = (url: string, store: PlatformStore) =>
    new IngestWorker({
      broker: { url },
      topicPrefix: 'elevgw/v1',
      group: 'ack',
      workerId: 'w1',
      sessions: 1,
      sessionExpiryS: 300,
      store,
      policy: rescuePolicy(),
      clock: new FakeClock(0, Date.UTC(2026, 4, 11)),
      timers: systemTimers,
      log: silentLogger,
    });

  it('a message whose commit never returned is delivered again to the restarted worker, and stored once', async () => {
    const tmp = tempDir('elevgw-ack-');
    cleanups.push(() => tmp.cleanup());
    const mosq = await Mosquitto.start();
    cleanups.push(() => mosq.close());
    const store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), Date.UTC(2026, 4, 11));
    cleanups.push(() => store.close());

    // A database that hangs: the commit is under way when the worker goes.
    let reached = 0;
    const hanging: PlatformStore = Object.assign(Object.create(store) as PlatformStore, {
      ingest: () => {
        reached++;
        return new Promise<never>(() => undefined);
      },
    });
    const first = worker(mosq.url, hanging);
    await first.start();
    const fleet = await Fleet.connect(mosq.url, 1);
    cleanups.push(() => fleet.close());
    const g = fleet.gateways[0]!;
    const trapped = await fleet.trapped(0, 0);
    await vi.waitFor(() => expect(reached).toBe(1), { timeout: 10_000, interval: 20 });
    // The worker's connection drops with the commit unfinished (as when its process dies).
    await (first as unknown as { sessions: { clients: { end(force: boolean): void }[] } }).sessions.clients[0]!.end(true);

    const second = worker(mosq.url, store);
    await second.start();
    cleanups.push(() => second.stop());
    await vi.waitFor(async () => expect((await store.counts()).events).toBe(2), { timeout: 10_000, interval: 50 });
    await trapped();
    await vi.waitFor(async () => expect((await store.counts()).events).toBe(3), { timeout: 10_000, interval: 50 });
    const ids = (await store.events({ gatewayId: g.gatewayId, limit: 10 })).map((e) => e.id).sort();
    expect(ids).toEqual([...fleet.sent.events].sort());
  });
});
