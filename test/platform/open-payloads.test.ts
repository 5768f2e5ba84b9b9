import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * docs/contract.md, Versions: objects are open, and zod's parse drops fields it does not know —
 * "store the message as received, not as parsed, to keep them". A newer gateway's fields must be in
 * the stored evidence, at the top and inside nested objects alike.
 */
describe('the platform stores a payload as received', () => {
  const tmp = tempDir('elevgw-open-');
  const NOW = Date.UTC(2026, 4, 11, 8);
  const routes = ingestRoutes('elevgw/v1');
  let store: PlatformStore;
  beforeAll(async () => {
    store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), NOW);
  });
  afterAll(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('keeps fields of a newer minor version, and still reads the known ones into its columns and ticket', async () => {
    const gw = new LightGateway('gw-open', 1, () => NOW);
    const raise = gw.trapped(0).raise;
    const original = JSON.parse(raise.payload) as Record<string, unknown> & { state: Record<string, unknown> };
    const sent = { ...original, futureField: 42, state: { ...original.state, futureSignal: true } };
    const item = toIngestItem(routes, { topic: raise.topic, payload: Buffer.from(JSON.stringify(sent)), receivedMs: NOW });
    expect(item.kind).toBe('event');
    const result = await store.ingest([item], rescuePolicy());
    expect(result.ticketsOpened).toEqual([raise.id]);

    const [row] = await store.events({ gatewayId: 'gw-open', limit: 10 });
    expect(row?.id).toBe(raise.id);
    expect(row?.payload).toEqual(sent);
  });
});
