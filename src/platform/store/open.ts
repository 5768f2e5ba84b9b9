import { PostgresDb } from './postgres.js';
import { SqliteDb } from './sqlite.js';
import { SqlPlatformStore } from './store.js';
import type { PlatformStore } from './types.js';

/** `postgres://…` (or `postgresql://…`) opens PostgreSQL; anything else is a SQLite file path, the embedded default. */
function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

export function openStore(target: string, nowMs: number): Promise<PlatformStore> {
  return SqlPlatformStore.open(isPostgresUrl(target) ? new PostgresDb(target) : new SqliteDb(target), nowMs);
}
