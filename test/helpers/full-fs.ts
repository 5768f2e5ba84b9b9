import { closeSync, openSync, writeSync } from 'node:fs';

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
