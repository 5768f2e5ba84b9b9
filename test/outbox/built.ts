import { built } from '../helpers/built.js';

/**
 * The compiled outbox module, for child processes (Node 20 cannot run .ts), built first when any
 * source is newer than dist/ — the same helper (and lock) as every other child-process test.
 */
export function builtSqliteOutbox(): string {
  return built('src/outbox/sqlite.ts');
}
