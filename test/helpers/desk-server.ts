import { join } from 'node:path';
import { type FakeClock, systemTimers } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Operators } from '../../src/platform/http/auth.js';
import { LiveSnapshots } from '../../src/platform/http/live.js';
import { createHttpApi, listen } from '../../src/platform/http/server.js';
import { dutyDeskSnapshot } from '../../src/platform/http/snapshot.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';

export interface DeskServer {
  store: PlatformStore;
  live: LiveSnapshots;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

/**
 * The duty desk's HTTP API as `elevgw platform serve` builds it, on a SQLite store in `dir` and a
 * random loopback port, with the desk's 60 s silence: what the desk and API tests read and post to.
 */
export async function startDeskServer(o: {
  dir: string;
  clock: FakeClock;
  operators?: { name: string; token: string }[];
  metrics?: () => Record<string, unknown>;
}): Promise<DeskServer> {
  const { clock } = o;
  const store = await SqlPlatformStore.open(new SqliteDb(join(o.dir, 'p.db')), clock.wallNow());
  const live = new LiveSnapshots({ build: () => dutyDeskSnapshot(store, clock.wallNow(), 60_000), timers: systemTimers, wallNow: () => clock.wallNow(), log: silentLogger });
  const server = createHttpApi({
    store,
    operators: new Operators(o.operators ?? []),
    live,
    clock,
    silenceMs: 60_000,
    log: silentLogger,
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const base = (await listen(server, '127.0.0.1', 0)).url;
  return {
    store,
    live,
    base,
    async close() {
      live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}
