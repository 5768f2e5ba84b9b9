import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { readOutbox } from '../helpers/child-gateway.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

/** Starts and stops a gateway on `dbPath` (no drivers polled, no broker reached), as a restart after a power cut would. */
async function restartOn(dbPath: string): Promise<void> {
  const clock = new FakeClock(0, Date.UTC(2026, 2, 2));
  const config = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.test:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'ev-gw' });
  const broker = new FakeBroker(clock);
  broker.down();
  const gw = new Gateway({
    config,
    logger: silentLogger,
    clock,
    clockSynced: () => true,
    mqttConnect: broker.connect,
    diagSocket: false,
    driverFor: () => ({
      kind: 'none',
      open: async () => undefined,
      close: async () => undefined,
      poll: async () => [],
      health: () => ({ state: 'ok', link: 'open', transactions: 0, failures: 0, consecutiveFailures: 0, errorsByCode: {}, skippedPolls: 0 }),
    }),
  });
  await gw.start();
  const stopping = gw.stop();
  await clock.advanceAsync(10_000);
  await stopping;
}

const lossReports = (dbPath: string) =>
  readOutbox(dbPath, "kind = 'event'")
    .filter((r) => r.type === 'outbox-loss')
    .map((r) => JSON.parse(r.payload) as { data: { reason: string; evicted: number; byKind: Record<string, number> } });

describe('evictions are reported even when a power cut comes between the eviction and its report', () => {
  it('given rows evicted and the gateway killed before it reported them, the next start reports them once', async () => {
    const tmp = tempDir('elevgw-evict-');
    try {
      const dbPath = join(tmp.dir, 'outbox.db');
      await restartOn(dbPath); // a gateway that has run here before
      expect(lossReports(dbPath)).toEqual([]);
      // The eviction commits (as Gateway.maintain's would), then the power goes before the report is appended.
      const o = SqliteOutbox.open(dbPath, { maxBytes: 20_000, retentionMs: 86_400_000 });
      o.append(
        Array.from({ length: 200 }, (_, i) => ({
          id: `t${String(i).padStart(5, '0')}`,
          kind: 'telemetry' as const,
          elevatorId: 'E1',
          priority: PRIORITY.telemetry,
          createdAt: Date.UTC(2026, 2, 2),
          payload: 'x'.repeat(200),
        })),
      );
      const { evicted, evictedByKind } = o.maintain(Date.UTC(2026, 2, 2));
      o.close();
      expect(evicted).toBeGreaterThan(0);

      await restartOn(dbPath);
      // The start-up report knows the kinds as exactly as one sent right after the eviction.
      expect(lossReports(dbPath).map((r) => r.data)).toEqual([{ reason: 'size cap', evicted, byKind: evictedByKind }]);
      await restartOn(dbPath);
      expect(lossReports(dbPath), 'not reported twice').toHaveLength(1);
    } finally {
      tmp.cleanup();
    }
  });
});
