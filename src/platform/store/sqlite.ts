import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { InsertOptions, Row, SqlDb, SqlTx } from './sql.js';

/**
 * The embedded default: one SQLite file in WAL mode, so `elevgw platform` runs with nothing
 * installed. `synchronous=FULL`: a commit is on disk before the worker sends the PUBACK, or a power
 * cut would lose what the gateway already forgot. better-sqlite3 is synchronous, so the async
 * interface is a queue: one operation at a time, and a transaction's statements never interleave
 * with another's even though `fn` awaits between them.
 */
export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, { stmt: Database.Statement; order: number[] }>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: (() => void)[] = [];

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  query<R extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.serial(() => this.run<R>(text, params));
  }

  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const changed = { notify: false };
      const tx: SqlTx & { changed: typeof changed } = {
        dialect: 'sqlite',
        changed,
        query: async <R extends Row = Row>(text: string, params: readonly unknown[] = []) => this.run<R>(text, params),
        insertMany: async (table, columns, rows, opts) => this.insertMany(table, columns, rows, opts),
        lock: async () => undefined,
      };
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(tx);
        this.db.exec('COMMIT');
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
      if (changed.notify) for (const l of this.listeners) l();
      return result;
    });
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async notifyChange(tx: SqlTx): Promise<void> {
    (tx as SqlTx & { changed?: { notify: boolean } }).changed!.notify = true;
  }

  isTransient(e: unknown): boolean {
    const code = (e as { code?: string }).code ?? '';
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL';
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.db.close();
  }

  private serial<T>(op: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run<R>(text: string, params: readonly unknown[]): R[] {
    const { stmt, order } = this.prepare(text);
    const args = order.map((i) => params[i - 1] ?? null);
    if (stmt.reader) return stmt.all(...args) as R[];
    stmt.run(...args);
    return [];
  }

  private insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], opts: InsertOptions = {}): Row[] {
    if (rows.length === 0) return [];
    const values = columns.map((_, i) => `$${i + 1}`).join(', ');
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})${opts.onConflict ? ` ON CONFLICT ${opts.onConflict}` : ''}${opts.returning ? ` RETURNING ${opts.returning.join(', ')}` : ''}`;
    return rows.flatMap((r) => this.run<Row>(sql, r));
  }

  /** `$n` → `?` in order of appearance, remembering which parameter each `?` takes. */
  private prepare(text: string): { stmt: Database.Statement; order: number[] } {
    let p = this.statements.get(text);
    if (!p) {
      const order: number[] = [];
      const rewritten = text.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n));
        return '?';
      });
      p = { stmt: this.db.prepare(rewritten), order };
      this.statements.set(text, p);
    }
    return p;
  }
}
