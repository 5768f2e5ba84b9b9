import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresDb } from '../../src/platform/store/postgres.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { monthBounds } from '../../src/platform/store/partitions.js';
import { Postgres } from '../helpers/postgres.js';
import { storeContract } from './store-contract.js';

let server: Postgres;
let n = 0;
beforeAll(async () => {
  server = await Postgres.start();
});
afterAll(async () => {
  await server?.stop();
});

const NOW = Date.UTC(2026, 4, 11);
storeContract('PostgreSQL 15', async () => SqlPlatformStore.open(new PostgresDb(await server.database(`contract_${n++}`)), NOW));

describe('PostgreSQL: time-ordered tables partitioned by month', () => {
  it('creates last month to two months ahead at start, moves rows a new partition must hold out of the default one', async () => {
    const url = await server.database('partitions');
    const store = await SqlPlatformStore.open(new PostgresDb(url), NOW);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const parts = async (table: string) =>
        (
          await c.query<{ name: string }>('SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1', [table])
        ).rows.map((r) => r.name);
      expect(await parts('events')).toEqual(['events_default', 'events_p202604', 'events_p202605', 'events_p202606', 'events_p202607']);
      expect(await parts('dead_letters')).toContain('dead_letters_p202605');
      // A row from a gateway whose clock ran five months ahead waits in the default partition …
      const ahead = monthBounds(NOW, 5);
      await c.query("INSERT INTO telemetry (gateway_id, id, id_ms, elevator_id, at_ms, received_ms, payload) VALUES ('g', 'x', $1, 'E1', $1, $1, '{}')", [ahead.from + 1]);
      // … and moves into its month's partition when the service creates it, three months later.
      expect(await store.maintainPartitions(monthBounds(NOW, 3).from)).toContain(`telemetry_p${ahead.name}`);
      const where = await c.query<{ t: string }>("SELECT tableoid::regclass::text AS t FROM telemetry WHERE id = 'x'");
      expect(where.rows).toEqual([{ t: `telemetry_p${ahead.name}` }]);
    } finally {
      await c.end();
      await store.close();
    }
  });

  it('migrations are versioned and run once, even when two workers start together', async () => {
    const url = await server.database('migrations');
    const [a, b] = await Promise.all([SqlPlatformStore.open(new PostgresDb(url), NOW), SqlPlatformStore.open(new PostgresDb(url), NOW)]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)).toEqual([1, 2]);
    } finally {
      await c.end();
      await a.close();
      await b.close();
    }
  });
});
