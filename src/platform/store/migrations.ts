import type { Dialect, SqlDb } from './sql.js';

/**
 * The platform's schema, versioned in code: each migration runs once, in order, in one transaction
 * with its `schema_migrations` row, so a worker that dies mid-migration leaves the previous version.
 * Workers starting together on PostgreSQL queue on an advisory lock; the first migrates.
 * Never edit a released migration: add the next one.
 */
interface Migration {
  version: number;
  name: string;
  up(d: Dialect): string[];
}

/** Tables ordered by a time column, partitioned by month on PostgreSQL (see partitions.ts). */
export const PARTITIONED: Record<string, string> = { events: 'id_ms', telemetry: 'id_ms', stats: 'id_ms', dead_letters: 'received_ms' };

const json = (d: Dialect) => (d === 'postgres' ? 'jsonb' : 'text');
const partitioned = (d: Dialect, table: string) => (d === 'postgres' ? ` PARTITION BY RANGE (${PARTITIONED[table]})` : '');
/** Rows outside every month partition (a gateway clock far off) land here instead of failing. */
const defaultPartition = (d: Dialect, table: string) => (d === 'postgres' ? [`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`] : []);
const serial = (d: Dialect) => (d === 'postgres' ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq integer PRIMARY KEY AUTOINCREMENT');

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'contract records, dead letters, gateways and elevators',
    up: (d) => [
      // The id is unique per gateway (docs/contract.md); id_ms is the time inside the ULID, so the
      // partition key is a function of the id and the primary key deduplicates across partitions.
      `CREATE TABLE events (gateway_id text NOT NULL, id text NOT NULL, id_ms bigint NOT NULL, elevator_id text, type text NOT NULL,
        phase text NOT NULL, severity text NOT NULL, code text, at_ms bigint NOT NULL, received_ms bigint NOT NULL, floor text,
        for_id text, payload ${json(d)} NOT NULL, PRIMARY KEY (gateway_id, id, id_ms))${partitioned(d, 'events')}`,
      ...defaultPartition(d, 'events'),
      'CREATE INDEX events_elevator ON events (gateway_id, elevator_id, type, at_ms)',
      'CREATE INDEX events_for ON events (gateway_id, for_id)',
      'CREATE INDEX events_type_at ON events (type, at_ms)',
      `CREATE TABLE telemetry (gateway_id text NOT NULL, id text NOT NULL, id_ms bigint NOT NULL, elevator_id text NOT NULL,
        at_ms bigint NOT NULL, received_ms bigint NOT NULL, payload ${json(d)} NOT NULL, PRIMARY KEY (gateway_id, id, id_ms))${partitioned(d, 'telemetry')}`,
      ...defaultPartition(d, 'telemetry'),
      'CREATE INDEX telemetry_elevator ON telemetry (gateway_id, elevator_id, at_ms)',
      `CREATE TABLE stats (gateway_id text NOT NULL, id text NOT NULL, id_ms bigint NOT NULL, elevator_id text NOT NULL, period text NOT NULL,
        from_ms bigint NOT NULL, to_ms bigint NOT NULL, received_ms bigint NOT NULL, payload ${json(d)} NOT NULL,
        PRIMARY KEY (gateway_id, id, id_ms))${partitioned(d, 'stats')}`,
      ...defaultPartition(d, 'stats'),
      'CREATE INDEX stats_elevator ON stats (gateway_id, elevator_id, from_ms)',
      d === 'postgres'
        ? `CREATE TABLE dead_letters (${serial(d)}, received_ms bigint NOT NULL, topic text NOT NULL, reason text NOT NULL, bytes integer NOT NULL,
            payload text NOT NULL, PRIMARY KEY (seq, received_ms))${partitioned(d, 'dead_letters')}`
        : `CREATE TABLE dead_letters (${serial(d)}, received_ms bigint NOT NULL, topic text NOT NULL, reason text NOT NULL, bytes integer NOT NULL, payload text NOT NULL)`,
      ...defaultPartition(d, 'dead_letters'),
      'CREATE INDEX dead_letters_received ON dead_letters (received_ms)',
      `CREATE TABLE gateways (gateway_id text PRIMARY KEY, status text, status_ms bigint, status_doc ${json(d)}, first_seen_ms bigint NOT NULL, last_seen_ms bigint NOT NULL)`,
      `CREATE TABLE elevators (gateway_id text NOT NULL, elevator_id text NOT NULL, registration_code text NOT NULL, rescue_code text NOT NULL,
        info ${json(d)}, info_at_ms bigint, state ${json(d)}, active_faults ${json(d)}, telemetry_at_ms bigint, first_seen_ms bigint NOT NULL, last_seen_ms bigint NOT NULL,
        PRIMARY KEY (gateway_id, elevator_id))`,
      // Faults raised and not yet cleared, kept by the ingest transaction from the events.
      `CREATE TABLE active_faults (gateway_id text NOT NULL, elevator_id text NOT NULL, type text NOT NULL, raised_id text NOT NULL,
        severity text NOT NULL, raised_at_ms bigint NOT NULL, received_ms bigint NOT NULL, floor text, PRIMARY KEY (gateway_id, elevator_id, type, raised_id))`,
    ],
  },
  {
    version: 2,
    name: 'rescue tickets and their transitions',
    up: (d) => [
      `CREATE TABLE tickets (id text PRIMARY KEY, gateway_id text NOT NULL, elevator_id text NOT NULL, registration_code text NOT NULL,
        rescue_code text NOT NULL, name text, address text, floor text, hotline text NOT NULL, maintenance_company text,
        state text NOT NULL, escalation integer NOT NULL, next_escalation_ms bigint, raised_at_ms bigint NOT NULL, opened_ms bigint NOT NULL,
        acknowledged_ms bigint, resolved_ms bigint, resolution text)`,
      'CREATE INDEX tickets_elevator ON tickets (gateway_id, elevator_id, state)',
      'CREATE INDEX tickets_escalation ON tickets (next_escalation_ms)',
      `CREATE TABLE ticket_transitions (${serial(d)}${d === 'postgres' ? ' PRIMARY KEY' : ''}, ticket_id text NOT NULL, kind text NOT NULL,
        state text NOT NULL, escalation integer NOT NULL, who text NOT NULL, at_ms bigint NOT NULL, note text)`,
      'CREATE INDEX ticket_transitions_ticket ON ticket_transitions (ticket_id, seq)',
    ],
  },
];

/** Brings the schema to the latest version; returns the versions applied now. */
export async function migrate(db: SqlDb, now: number): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('elevgw-platform-migrate', 0))");
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_ms bigint NOT NULL)');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of m.up(tx.dialect)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)', [m.version, m.name, now]);
      applied.push(m.version);
    }
    return applied;
  });
}
