import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `path` until the file system says ENOSPC, in ever smaller pieces, so not one page is left. */
export function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(1 << 16, 0xa5);
  let written = 0;
  try {
    for (let size = buf.length; size >= 1; ) {
      try {
        written += writeSync(fd, buf, 0, size);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        size >>= 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/**
 * A tmpfs this test process mounts (root only; not a skip: without root the claim is untested, and
 * that must show as a failure), at `elevgw-tmpfs-<pid>-…` under the temp directory. A process
 * killed before its afterAll (Stryker stops a runner whose mutant hangs) leaves its mount behind,
 * holding memory and a directory no one can remove: each mount made here first takes away those
 * of processes no longer alive.
 */
export function mountTmpfs(options: string): { dir: string; unmount(): void } {
  if (process.getuid?.() !== 0) throw new Error(`mounting a tmpfs needs root (uid ${process.getuid?.()}); run it as root, as CI does`);
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const point = line.split(' ')[1] ?? '';
    const pid = /\/elevgw-tmpfs-(\d+)-[^/]*$/.exec(point)?.[1];
    if (pid !== undefined && !alive(Number(pid))) unmount(point);
  }
  const dir = mkdtempSync(join(tmpdir(), `elevgw-tmpfs-${process.pid}-`));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  } catch (e) {
    rmdirSync(dir);
    throw e;
  }
  return { dir, unmount: () => unmount(dir) };
}

function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir]);
  rmdirSync(dir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
