import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ElevgwError } from '../core/errors.js';

/**
 * One upgrade at a time: two would swap `current` under each other. The lock file holds the pid
 * of the upgrade that made it and the boot it ran in (`<pid> <boot id>`). A lock is taken over when
 * its upgrade is gone: its pid no longer runs, it was made in an earlier boot (a power cut left
 * it, and after a reboot its pid is some other process's), or its pid now runs something that is
 * no upgrade. A lock of one pid alone (an older release's) is judged by the pid. A lock held by a
 * running upgrade throws, or returns what `onHeld` makes of the holder's pid.
 */
export async function withUpgradeLock<T>(file: string, fn: () => Promise<T>, onHeld?: (pid: number) => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid} ${bootId() ?? ''}`.trim());
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const [pid, boot] = readFileSync(file, 'utf8').trim().split(/\s+/);
      const holder = Number(pid);
      if (heldBy(holder, boot)) {
        if (onHeld) return onHeld(holder);
        throw new ElevgwError('CONFIG_INVALID', `another upgrade (pid ${holder}) is running; wait for it (journalctl -t elevgw-upgrade)`);
      }
      rmSync(file, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/** Whether the upgrade that wrote the lock still runs. */
function heldBy(pid: number, boot: string | undefined): boolean {
  if (boot !== undefined && boot !== bootId()) return false;
  if (!alive(pid)) return false;
  const cmdline = commandLineOf(pid);
  // Unreadable (another user's process under hidepid): counted as the upgrade, the safe side.
  return cmdline === undefined || cmdline.includes('upgrade');
}

/** This boot's id (Linux); undefined where there is none. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
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
