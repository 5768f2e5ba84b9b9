import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ElevgwError } from '../core/errors.js';

/**
 * One upgrade at a time: two would swap `current` under each other. The lock file holds the pid
 * of the upgrade that made it; one left by an upgrade that died (its pid gone) is taken over.
 */
export async function withUpgradeLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = Number(readFileSync(file, 'utf8'));
      if (alive(holder)) throw new ElevgwError('CONFIG_INVALID', `another upgrade (pid ${holder}) is running; wait for it (journalctl -t elevgw-upgrade)`);
      rmSync(file, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
