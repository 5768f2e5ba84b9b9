import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Child-process tests run the compiled gateway (Node 20 cannot run .ts), so they must never run a
 * dist/ that is older than the sources. `npm test` builds before vitest; a test file run alone, or
 * right after someone edited a source, gets it built here. Several test files (vitest forks) may
 * ask at once: a lock file makes the first build and the others wait for it and re-check, so a
 * run builds at most once.
 */

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(REPO, 'dist');
const LOCK = join(DIST, '.build.lock');
/** What `elevgw` and the modules tests load in child processes are compiled from. */
const SOURCE_DIRS = ['src', 'drivers', 'bench'];
const LOCK_WAIT_MS = 180_000;

let checked = false;

/** Builds dist/ unless every source has an output at least as new. Synchronous, so a module can call it at import. */
function ensureBuilt(): void {
  if (checked) return;
  if (stale().length > 0) {
    withLock(() => {
      if (stale().length === 0) return; // another test file built it while we waited
      const startedAt = Date.now();
      const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: REPO, encoding: 'utf8' });
      // tsc emits despite type errors elsewhere in the tree (noEmitOnError is off), so only what it wrote counts;
      // a source edited while tsc ran is left for the next check.
      const left = stale().filter((s) => statSync(join(REPO, s)).mtimeMs < startedAt);
      if (left.length > 0) throw new Error(`could not build dist/ (still older than ${left.slice(0, 3).join(', ')}):\n${tsc.stdout}${tsc.stderr}`);
    });
  }
  checked = true;
}

/** The compiled path of a source file, e.g. `src/cli/main.ts` → `<repo>/dist/src/cli/main.js`, built if needed. */
export function built(source: string): string {
  ensureBuilt();
  return join(DIST, source.replace(/\.ts$/, '.js'));
}

/** Sources (repo-relative) whose compiled .js is missing or older. */
function stale(): string[] {
  const out: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of tsFiles(join(REPO, dir))) {
      const rel = relative(REPO, file);
      const js = join(DIST, rel.replace(/\.ts$/, '.js'));
      if (!existsSync(js) || statSync(js).mtimeMs < statSync(file).mtimeMs) out.push(rel);
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function withLock(fn: () => void): void {
  mkdirSync(DIST, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!holderAlive()) {
        try {
          unlinkSync(LOCK); // left by a build that was killed
        } catch {
          /* someone else removed it first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${LOCK} held for over ${LOCK_WAIT_MS / 1000} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    fn();
  } finally {
    unlinkSync(LOCK);
  }
}

function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(LOCK, 'utf8'));
  } catch {
    return true; // being created or removed right now: look again
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // Created, pid not written yet — or its creator died in between.
    try {
      return Date.now() - statSync(LOCK).mtimeMs < 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
