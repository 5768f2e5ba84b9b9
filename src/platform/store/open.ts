import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ElevgwError } from '../../core/errors.js';
import { PostgresDb } from './postgres.js';
import { SqliteDb } from './sqlite.js';
import { SqlPlatformStore } from './store.js';
import type { PlatformStore } from './types.js';

/** `postgres://…` (or `postgresql://…`) opens PostgreSQL; anything else is a SQLite file path, the embedded default. */
function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

/**
 * `existing`: a report reads what the service stored; a SQLite path where there is no database
 * (a typo, another working directory) is refused rather than answered from a new, empty one.
 */
export function openStore(target: string, nowMs: number, o: { existing?: boolean } = {}): Promise<PlatformStore> {
  if (o.existing && !isPostgresUrl(target) && !existsSync(target))
    throw new ElevgwError('CONFIG_NOT_FOUND', `--db: no platform database at ${resolve(target)} (give the --db the platform service runs with)`);
  return SqlPlatformStore.open(isPostgresUrl(target) ? new PostgresDb(target) : new SqliteDb(target), nowMs);
}
