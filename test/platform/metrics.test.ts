import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Operators } from '../../src/platform/http/auth.js';
import { LiveSnapshots } from '../../src/platform/http/live.js';
import { createHttpApi, listen } from '../../src/platform/http/server.js';
import { dutyDeskSnapshot } from '../../src/platform/http/snapshot.js';
import { IngestMetrics } from '../../src/platform/ingest/metrics.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { IngestItem, PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * docs/platform.md: `GET /api/metrics` serves the rows stored (by every worker) and this worker's
 * counters side by side; neither may hide the other, dead letters included.
 */
describe('/api/metrics', () => {
  const tmp = tempDir('elevgw-metrics-');
  const clock = new FakeClock(0, Date.UTC(2026, 4, 11, 8));
  const metrics = new IngestMetrics(() => clock.wallNow());
  const dead = (n: number): IngestItem => ({ kind: 'dead', topic: 'elevgw/v1/gw/elevators/L1/events', receivedMs: clock.wallNow(), reason: `bad ${n}`, raw: Buffer.from('x') });
  let store: PlatformStore;
  let server: Server;
  let live: LiveSnapshots;
  let base = '';

  beforeAll(async () => {
    store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), clock.wallNow());
    // Three dead letters stored by another worker (or before this one started) …
    await store.ingest([dead(1), dead(2), dead(3)], rescuePolicy());
    // … and one by this worker.
    const mine = [dead(4)];
    metrics.committed(mine, await store.ingest(mine, rescuePolicy()));
    live = new LiveSnapshots({ build: () => dutyDeskSnapshot(store, clock.wallNow(), 60_000), timers: systemTimers, wallNow: () => clock.wallNow(), log: silentLogger });
    server = createHttpApi({ store, operators: new Operators([]), live, clock, silenceMs: 60_000, log: silentLogger, metrics: () => metrics.snapshot() });
    base = (await listen(server, '127.0.0.1', 0)).url;
  });

  afterAll(async () => {
    live.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
    tmp.cleanup();
  });

  it('reports the dead-letter rows stored and the dead letters this worker kept, under their own names', async () => {
    const m = (await (await fetch(`${base}/api/metrics`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({ events: 0, telemetry: 0, stats: 0, deadLetters: 4, received: 1, deadLettered: 1, commits: 1 });
  });
});
