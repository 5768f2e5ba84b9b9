/**
 * The little SQL both databases understand, behind one interface, so the platform's queries,
 * migrations and workflows are written once. Parameters are PostgreSQL-style `$1 … $n`; the
 * SQLite adapter rewrites them. Times are epoch milliseconds in integer columns and documents are
 * JSON (jsonb on PostgreSQL, text on SQLite): no date or JSON operators in shared SQL.
 */
export type Dialect = 'postgres' | 'sqlite';

export type Row = Record<string, unknown>;

export interface SqlQuery {
  readonly dialect: Dialect;
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface InsertOptions {
  /** What follows ON CONFLICT: `DO NOTHING` skips duplicates; an upsert names its target and SET. */
  onConflict?: string;
  /** Columns returned for the rows actually inserted. */
  returning?: readonly string[];
}

export interface SqlTx extends SqlQuery {
  /** Many rows of the same columns: a multi-row INSERT on PostgreSQL, a prepared statement on SQLite. */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], opts?: InsertOptions): Promise<Row[]>;
  /**
   * Serialises transactions that touch the same keys (one elevator's faults and tickets) across
   * workers until commit: advisory locks on PostgreSQL; SQLite has a single writer anyway.
   */
  lock(keys: readonly string[]): Promise<void>;
}

export interface SqlDb extends SqlQuery {
  /** One transaction; rolled back if `fn` throws. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Called after a commit that asked for it (`notifyChange`), in this process or another worker. */
  onChange(listener: () => void): void;
  /** Inside a transaction: listeners hear of it once it commits. */
  notifyChange(tx: SqlTx): Promise<void>;
  /** Whether an error means "try again later" (connection lost, deadlock, busy) rather than bad data. */
  isTransient(e: unknown): boolean;
  close(): Promise<void>;
}

/** A JSON column's value as a document: PostgreSQL's driver parses jsonb, SQLite returns text. */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** A value for a JSON column. PostgreSQL rejects \u0000 in jsonb text, so it never reaches the database. */
export function toJson(v: unknown): string {
  return JSON.stringify(v).replaceAll('\\u0000', '\\ufffd');
}
