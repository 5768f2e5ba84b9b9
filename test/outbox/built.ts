import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(dir: string): number {
  return Math.max(...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(dir, f)).mtimeMs));
}

/**
 * The compiled outbox module, for child processes (Node 20 cannot run .ts). `npm test` builds
 * dist/ before vitest; when run alone, build it here if it is missing or older than the sources.
 * Type errors elsewhere in the tree do not stop tsc from emitting, so only the file's presence counts.
 */
export function builtSqliteOutbox(): string {
  const out = join(REPO, 'dist/src/outbox/sqlite.js');
  const sources = Math.max(newestMtime(join(REPO, 'src/outbox')), newestMtime(join(REPO, 'src/core')));
  if (!existsSync(out) || statSync(out).mtimeMs < sources) {
    spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: REPO, stdio: 'ignore' });
  }
  if (!existsSync(out) || statSync(out).mtimeMs < sources) throw new Error(`could not build ${out}`);
  return out;
}
