import { PARTITIONED } from './migrations.js';
import type { SqlDb } from './sql.js';

/** A calendar month (UTC) as the bounds of a range partition, in epoch ms. */
export function monthBounds(ms: number, offset = 0): { name: string; from: number; to: number } {
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const f = new Date(from);
  const to = Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1);
  return { name: `${f.getUTCFullYear()}${String(f.getUTCMonth() + 1).padStart(2, '0')}`, from, to };
}

/**
 * Creates the month partitions of every time-ordered table from last month to `monthsAhead` months
 * ahead (PostgreSQL native declarative partitioning), so inserts never wait on DDL. Rows that
 * already sit in the default partition for a new month (a gateway whose clock ran ahead) are moved
 * into it, which is what lets ATTACH succeed. Returns the partitions created.
 */
export async function ensureMonthPartitions(db: SqlDb, nowMs: number, monthsAhead = 2): Promise<string[]> {
  if (db.dialect !== 'postgres') return [];
  const created: string[] = [];
  for (const [table, column] of Object.entries(PARTITIONED)) {
    for (let offset = -1; offset <= monthsAhead; offset++) {
      const m = monthBounds(nowMs, offset);
      const name = `${table}_p${m.name}`;
      const made = await db.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('elevgw-platform-partitions', 0))");
        const [exists] = await tx.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [name]);
        if (exists?.r) return false;
        const range = `${column} >= ${m.from} AND ${column} < ${m.to}`;
        await tx.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await tx.query(`WITH moved AS (DELETE FROM ${table}_default WHERE ${range} RETURNING *) INSERT INTO ${name} SELECT * FROM moved`);
        await tx.query(`ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES FROM (${m.from}) TO (${m.to})`);
        return true;
      });
      if (made) created.push(name);
    }
  }
  return created;
}
