import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withUpgradeLock } from '../../src/install/lock.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The upgrade lock after a power cut: the lock file stays, and after the reboot its pid is some
 * other process's (pid 1, a daemon). Such a lock must not block every later upgrade; a lock whose
 * upgrade really runs must still refuse a second one.
 */
let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  tmp = tempDir('elevgw-lock-');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  tmp.cleanup();
});

/** A live process with the given arguments (its command line as /proc shows it). */
async function running(...args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  children.push(child);
  await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  return child.pid!;
}

const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const lockFile = () => join(tmp.dir, '.upgrade.lock');
const upgrade = () => withUpgradeLock(lockFile(), async () => readFileSync(lockFile(), 'utf8'));

describe('the upgrade lock', () => {
  it('holds the upgrade pid and this boot, and is gone after the upgrade', async () => {
    expect(await upgrade()).toBe(`${process.pid} ${bootId()}`);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('a lock left in an earlier boot is taken over, whatever runs under its pid now', async () => {
    const pid = await running('elevgw', 'upgrade');
    writeFileSync(lockFile(), `${pid} 00000000-0000-4000-8000-000000000000`);
    expect(await upgrade()).toBe(`${process.pid} ${bootId()}`);
  });

  it('a lock whose pid now runs something that is no upgrade is taken over (an older lock of a pid alone too)', async () => {
    const pid = await running('some-daemon');
    writeFileSync(lockFile(), `${pid} ${bootId()}`);
    expect(await upgrade()).toContain(String(process.pid));
    writeFileSync(lockFile(), String(pid));
    expect(await upgrade()).toContain(String(process.pid));
  });

  it('a lock whose upgrade still runs refuses a second upgrade, and stays', async () => {
    const pid = await running('elevgw', 'upgrade', 'elevgw-0.1.1-linux-arm64.tar.gz');
    writeFileSync(lockFile(), `${pid} ${bootId()}`);
    await expect(upgrade()).rejects.toThrow(`another upgrade (pid ${pid}) is running`);
    writeFileSync(lockFile(), String(pid));
    await expect(upgrade()).rejects.toThrow(`another upgrade (pid ${pid}) is running`);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(pid));
  });
});
