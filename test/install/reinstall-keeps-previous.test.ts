import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';
import { ensureReleases, VERSION } from '../release/releases.js';

/**
 * docs/install.md: the release before the current one "is kept for going back", and installing the
 * same release again is a no-op. Installing over the current version (to get a new unit file, say)
 * must not remove the kept one, nor must going back to the kept one lose the release left.
 * The x64 release (built, or found up to date, as test/release builds it); a second version is
 * made from it by changing its version and manifest.
 */
let BASE = '';
const NEXT_VERSION = '99.0.0';
const tmp = tempDir('elevgw-reinstall-');
afterAll(() => tmp.cleanup());
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let next = '';

/** The same release as version NEXT_VERSION, with a manifest and .sha256 that match. */
function nextRelease(): string {
  const v = join(tmp.dir, 'v');
  mkdirSync(v, { recursive: true });
  expect(spawnSync('tar', ['-xzf', BASE, '-C', v]).status).toBe(0);
  const top = `elevgw-${NEXT_VERSION}-linux-x64`;
  expect(spawnSync('mv', [join(v, `elevgw-${VERSION}-linux-x64`), join(v, top)]).status).toBe(0);
  const dir = join(v, top);
  const changed = ['release.json', 'app/package.json'];
  for (const f of changed) {
    const t = readFileSync(join(dir, f), 'utf8').replace(`"version": "${VERSION}"`, `"version": "${NEXT_VERSION}"`);
    rmSync(join(dir, f));
    writeFileSync(join(dir, f), t);
  }
  const manifest = readFileSync(join(dir, 'MANIFEST.sha256'), 'utf8')
    .split('\n')
    .map((l) => (changed.includes(l.slice(66)) ? `${sha(readFileSync(join(dir, l.slice(66))))}  ${l.slice(66)}` : l))
    .join('\n');
  rmSync(join(dir, 'MANIFEST.sha256'));
  writeFileSync(join(dir, 'MANIFEST.sha256'), manifest);
  const tarball = join(tmp.dir, `${top}.tar.gz`);
  expect(spawnSync('tar', ['-C', v, '-I', 'gzip -1', '-cf', tarball, top]).status).toBe(0);
  writeFileSync(`${tarball}.sha256`, `${sha(readFileSync(tarball))}  ${top}.tar.gz\n`);
  rmSync(v, { recursive: true, force: true });
  return tarball;
}

beforeAll(async () => {
  BASE = (await ensureReleases(['linux-x64']))['linux-x64']!;
  next = nextRelease();
}, 20 * 60_000);

describe('install.sh over an installed release', () => {
  const root = join(tmp.dir, 'root');
  const releases = () => readdirSync(join(root, 'opt/elevgw/releases')).sort();
  const current = () => readlinkSync(join(root, 'opt/elevgw/current'));
  const run = (tarball: string) => {
    const r = spawnSync('bash', [join(REPO, 'scripts/install.sh'), tarball, '--root', root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  };

  it('installing the current version again keeps the release before it', () => {
    run(BASE);
    run(next);
    expect(releases()).toEqual([NEXT_VERSION, VERSION].sort());
    run(next);
    expect(releases()).toEqual([NEXT_VERSION, VERSION].sort());
    expect(current()).toBe(`releases/${NEXT_VERSION}`);
  }, 300_000);

  it('going back to the kept release keeps the one left, also when it is installed again', () => {
    run(BASE);
    expect(current()).toBe(`releases/${VERSION}`);
    expect(releases()).toEqual([NEXT_VERSION, VERSION].sort());
    run(BASE);
    expect(releases()).toEqual([NEXT_VERSION, VERSION].sort());
  }, 300_000);
});
