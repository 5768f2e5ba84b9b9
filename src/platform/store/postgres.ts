import pg from 'pg';
import type { InsertOptions, Row, SqlDb, SqlTx } from './sql.js';

/** bigint (int8) and count(*) come back as numbers: every one we store is an epoch ms or a count, well inside 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/** PostgreSQL's limit on parameters in one statement is 65535; stay well below. */
const MAX_PARAMS = 30_000;

/** The channel workers NOTIFY after a commit the duty desk should see (any worker's HTTP page listens). */
const CHANGE_CHANNEL = 'elevgw_platform_change';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL through `pg`: a pool for queries and transactions, and one extra connection that
 * LISTENs, so a duty-desk page served by one worker hears about rows another worker committed.
 */
export class PostgresDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private readonly listeners: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly url: string,
    poolSize = 4,
  ) {
    // A connect that gets no answer (a server host gone, packets dropped) fails after 10 s, so the
    // committer hears of the outage and retries, instead of waiting on it without a word.
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client that loses its server must not crash the worker; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<R extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query(text, params as unknown[])).rows as R[];
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlTx = {
      dialect: 'postgres',
      query: async <R extends Row = Row>(text: string, params: readonly unknown[] = []) => (await client.query(text, params as unknown[])).rows as R[],
      insertMany: (table, columns, rows, opts) => insertMany(client, table, columns, rows, opts),
      lock: async (keys) => {
        // Sorted, so two workers locking overlapping sets never deadlock on each other.
        for (const k of [...new Set(keys)].sort()) await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [k]);
      },
    };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
    if (!this.listener) void this.listen();
  }

  async notifyChange(tx: SqlTx): Promise<void> {
    // Delivered at commit, and only if the transaction commits.
    await tx.query(`SELECT pg_notify('${CHANGE_CHANNEL}', '')`);
  }

  /**
   * Only an answer of the server (`pg`'s DatabaseError, with a SQLSTATE) can be about the data, and
   * of those classes 08 connection, 40 rollback (deadlock, serialization), 53 resources, 57 operator
   * intervention (shutting down, starting up) and 58 system are not. Every other failure means the
   * server did not answer: a refused or reset connection (ECONNREFUSED, ECONNRESET, EPIPE,
   * ETIMEDOUT), a name that does not resolve (ENOTFOUND, EAI_AGAIN), "Connection terminated
   * unexpectedly", the pool's connect timeout. Their `code`, when they have one, is the socket's,
   * not a SQLSTATE, and says nothing about the message.
   */
  isTransient(e: unknown): boolean {
    if (e instanceof pg.DatabaseError) return /^(08|40|53|57|58)/.test(e.code ?? '');
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async listen(): Promise<void> {
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.url, types });
      try {
        await client.connect();
        client.on('notification', () => {
          for (const l of this.listeners) l();
        });
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
        this.listener = client;
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch {
        // the server is away: try again below
      }
      this.listener = undefined;
      await client.end().catch(() => undefined);
      if (!this.closed) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function insertMany(client: pg.PoolClient, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], opts: InsertOptions = {}): Promise<Row[]> {
  const out: Row[] = [];
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => `$${params.push(v ?? null)}`).join(', ')})`);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}${opts.onConflict ? ` ON CONFLICT ${opts.onConflict}` : ''}${opts.returning ? ` RETURNING ${opts.returning.join(', ')}` : ''}`;
    out.push(...(await client.query(sql, params)).rows);
  }
  return out;
}
