// The Node runtime a release bundles: the registry package node-linux-<arch> (the official
// binary plus its headers in include/node), fetched with `npm pack` (integrity-checked against
// the registry) into release/.cache/node/, once per version. The headers are what the native
// modules are compiled against; only bin/node and LICENSE go into the release.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, run } from './run.mjs';

/**
 * The unpacked package for a target (cached).
 * @param {import('./targets.mjs').Target} target
 * @param {string} cacheDir release/.cache
 * @returns {string} the package directory: bin/node, LICENSE, include/node/…
 */
export function nodePackage(target, cacheDir) {
  const dir = join(cacheDir, 'node', `${target.nodePackage}-${target.nodeVersion}`);
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    run('npm', ['pack', `${target.nodePackage}@${target.nodeVersion}`, '--pack-destination', tmp, '--silent', '--no-audit', '--no-fund'], { cwd: tmp });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${target.nodePackage}@${target.nodeVersion} wrote no tarball`);
    run('tar', ['xzf', tgz, '--no-same-owner'], { cwd: tmp });
    rmSync(join(tmp, tgz));
    writeFileSync(join(tmp, 'package', '.complete'), '');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    renameSync(join(tmp, 'package'), dir);
    rmSync(tmp, { recursive: true, force: true });
  }
  checkNodePackage(target, dir);
  return dir;
}

/** The package must be what the target needs: the right version, headers present, a binary for the target's CPU. */
function checkNodePackage(target, dir) {
  const header = join(dir, 'include', 'node', 'node_version.h');
  for (const f of [join(dir, 'bin', 'node'), join(dir, 'LICENSE'), header, join(dir, 'include', 'node', 'common.gypi')]) {
    if (!existsSync(f)) throw new Error(`${target.nodePackage}@${target.nodeVersion} has no ${f.slice(dir.length + 1)}: cannot build against it`);
  }
  const h = readFileSync(header, 'utf8');
  const part = (n) => new RegExp(`#define NODE_${n}_VERSION (\\d+)`).exec(h)?.[1];
  const version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  if (version !== target.nodeVersion) throw new Error(`${target.nodePackage}@${target.nodeVersion}: headers are for Node ${version}`);
  const machine = elfMachine(join(dir, 'bin', 'node'));
  if (machine !== target.elfMachine) throw new Error(`${target.nodePackage}: bin/node is for ${machine}, not ${target.elfMachine}`);
}

/** The CPU an ELF file is built for, as readelf names it (e.g. AArch64). */
export function elfMachine(file) {
  const m = /Machine:\s+(.+)/.exec(capture('readelf', ['-h', file]));
  if (!m) throw new Error(`${file} is not an ELF file`);
  return m[1].trim();
}
