// One build per target at a time: a test and a developer (or two test files) asking for the same
// release wait for the first build and then find it fresh, instead of compiling it twice on a
// 2-core machine. A lock left by a killed build (its pid is gone) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const WAIT_MS = 15 * 60_000;

/** Runs fn holding the lock file; other processes wait for it. */
export async function withLock(file, fn, onWait = () => {}) {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (!holderAlive(file)) {
        try {
          unlinkSync(file);
        } catch {
          // another waiter removed it first
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} held for over ${WAIT_MS / 60_000} min`);
      if (!told) onWait();
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    unlinkSync(file);
  }
}

function holderAlive(file) {
  let pid;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return true; // being created or removed right now: look again
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // pid not written yet — or its creator died in between
    try {
      return Date.now() - statSync(file).mtimeMs < 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
