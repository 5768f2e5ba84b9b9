// The tarball: one top directory, files owned by root (uid/gid 0, whoever built it), no write bit
// for group and others, entries sorted and dated at the commit, gzip without a timestamp, so two
// builds of the same tree differ only where the compilers do. Written beside the final name and
// renamed into place, with its .sha256 (`sha256sum -c` format, run in release/).
import { createHash } from 'node:crypto';
import { createReadStream, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { run } from './run.mjs';

/**
 * @param {string} top      the release's top directory (its name is the tarball's top directory)
 * @param {string} tarball  release/elevgw-<version>-<target>.tar.gz
 * @param {number} mtime    seconds since the epoch for every entry
 * @returns {Promise<{ sha256: string, bytes: number }>}
 */
export async function pack(top, tarball, mtime) {
  const tmp = `${tarball}.tmp-${process.pid}`;
  try {
    run('tar', [
      '--create',
      '--file',
      tmp,
      '--use-compress-program',
      'gzip -n',
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      `--mtime=@${mtime}`,
      '--mode=u+rwX,go+rX,go-w',
      '-C',
      dirname(top),
      basename(top),
    ]);
    const sha256 = await hashFile(tmp);
    renameSync(tmp, tarball);
    writeFileSync(`${tarball}.sha256.tmp`, `${sha256}  ${basename(tarball)}\n`);
    renameSync(`${tarball}.sha256.tmp`, `${tarball}.sha256`);
    return { sha256, bytes: statSync(tarball).size };
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function hashFile(file) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

export function releaseName(version, target) {
  return `elevgw-${version}-${target}`;
}

export function tarballPath(releaseDir, version, target) {
  return join(releaseDir, `${releaseName(version, target)}.tar.gz`);
}
