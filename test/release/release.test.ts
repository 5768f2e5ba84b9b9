import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { NODE_EXEC, VERSION, ensureReleases, extract, installLinks, pathWithoutNode, runIsolated, type TargetName } from './releases.js';

/**
 * Issue 10's release acceptance: each target's tarball, extracted into an empty directory and
 * run through its launcher the way an installed gateway is called (/usr/local/bin/elevgw →
 * /opt/elevgw/current/bin/elevgw), with no network (a namespace with only loopback), an empty
 * HOME, `npm_config_offline=true` and a PATH without the system node, prints its version and runs
 * the demo to a fault event. /proc shows which binary ran it and that the release's own
 * better-sqlite3 and serialport modules were loaded. The arm releases run under qemu-user.
 *
 * Builds what is missing or stale first (scripts/release/build.mjs; all three at once, several
 * minutes on 2 cores when nothing is cached, seconds when the inputs have not changed).
 */

const TARGETS: TargetName[] = ['linux-x64', 'linux-arm64', 'linux-armv7l'];
/** A platform event line of the demo for a fault being raised, e.g. `12:00:01 !! E1 (…) trapped 困人 [11] raised (critical) floor 6`. */
const FAULT_RAISED = /^\d\d:\d\d:\d\d !! E1 \(\d{20}\) [a-z-]+ .* raised \((?:critical|fault|warning)\)/m;
const NATIVES = ['app/node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'app/node_modules/@serialport/bindings-cpp/build/Release/bindings.node'];

const tmp = tempDir('elevgw-release-');
let tarballs: Record<string, string> = {};

beforeAll(async () => {
  tarballs = await ensureReleases(TARGETS);
}, 20 * 60_000);
afterAll(() => tmp.cleanup());

describe.concurrent('a release extracted into an empty directory runs offline on its bundled Node', () => {
  it('linux-x64: the bundled x86-64 Node runs --version and the demo to a fault event', async () => {
    const { top, run } = await unpack('linux-x64');
    const node = realpathSync(join(top, 'node/bin/node'));

    const version = await run(['--version']);
    expect(version.stdout.trim()).toBe(VERSION);
    expect(version.code).toBe(0);

    const demo = await run(['demo', '--duration', '20'], FAULT_RAISED);
    expect(demo.stdout, demo.stderr).toMatch(FAULT_RAISED);
    expect(demo.code, demo.stderr).toBe(0);
    // The pid the launcher exec'd into is the bundled node, not /usr/bin/node.
    expect(demo.exe).toBe(node);
    for (const n of NATIVES) expect(demo.mapped).toContain(realpathSync(join(top, n)));
  }, 300_000);

  for (const target of ['linux-arm64', 'linux-armv7l'] as const) {
    it(`${target}: its bundled Node, under qemu, runs --version and the demo to a fault event with its own native modules`, async () => {
      const { top, run } = await unpack(target);

      const version = await run(['--version']);
      expect(version.stdout.trim(), version.stderr).toBe(VERSION);
      expect(version.code).toBe(0);

      const demo = await run(['demo', '--duration', '30'], FAULT_RAISED);
      expect(demo.stdout, demo.stderr).toMatch(FAULT_RAISED);
      expect(demo.code, demo.stderr).toBe(0);
      // qemu-user is the process; the guest binaries it loaded are in its mappings.
      expect(demo.exe).toBe(NODE_EXEC[target].split(' ')[0]);
      expect(demo.mapped).toContain(realpathSync(join(top, 'node/bin/node')));
      for (const n of NATIVES) expect(demo.mapped).toContain(realpathSync(join(top, n)));

      // `upgrade` runs itself again in a session of its own: behind qemu too, as the launcher ran it.
      const upgrade = await run(['upgrade', join(top, '..', 'absent.tar.gz'), '--root', join(top, '..', 'gateway')]);
      expect(upgrade.stderr).toContain('no release is installed');
      expect(upgrade.code, upgrade.stderr).toBe(2);
    }, 300_000);
  }
});

describe('what a release holds', () => {
  it('one top directory; its .sha256 and MANIFEST.sha256 check out and the manifest lists every file', async () => {
    const tarball = tarballs['linux-arm64']!;
    const [sum, name] = readFileSync(`${tarball}.sha256`, 'utf8').trim().split(/\s+/);
    expect(name).toBe(`elevgw-${VERSION}-linux-arm64.tar.gz`);
    expect(createHash('sha256').update(readFileSync(tarball)).digest('hex')).toBe(sum);

    const dir = join(tmp.dir, 'contents');
    mkdirSync(dir);
    const top = await extract(tarball, dir, 'linux-arm64');
    expect(readdirSync(dir)).toEqual([`elevgw-${VERSION}-linux-arm64`]);

    const check = spawnSync('sha256sum', ['--check', '--strict', '--quiet', 'MANIFEST.sha256'], { cwd: top, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    const listed = readFileSync(join(top, 'MANIFEST.sha256'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.slice(66))
      .sort();
    expect(listed).toEqual(regularFiles(top).filter((f) => f !== 'MANIFEST.sha256'));

    const info = JSON.parse(readFileSync(join(top, 'release.json'), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ name: 'elevgw', version: VERSION, target: 'linux-arm64', node: { version: '22.23.5' } });
    expect(info.git).toMatchObject({ commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(info.symlinks).toEqual({ 'app/boards': '../boards', 'app/config': '../config', 'app/docs': '../docs' });

    // The app without tests and bench; data beside it; an executable launcher and Node.
    expect(readdirSync(join(top, 'app/dist')).sort()).toEqual(['drivers', 'src']);
    for (const f of ['boards/sim-modbus.yaml', 'config/demo.yaml', 'config/site.example.yaml', 'docs/release.md', 'node/LICENSE', 'app/package.json']) {
      expect(statSync(join(top, f)).isFile(), f).toBe(true);
    }
    for (const f of ['bin/elevgw', 'node/bin/node']) expect(statSync(join(top, f)).mode & 0o755, f).toBe(0o755);
    // Build and test tooling stays out: scripts/ holds what a gateway runs, and the only .node files are modules elevgw loads.
    expect(readdirSync(join(top, 'scripts')).sort()).toEqual(['elevgw.service', 'install-lib.sh', 'install.sh', 'journald', 'udev', 'uninstall.sh']);
    expect(listed.filter((f) => f.endsWith('.node')).map((f) => f.split('/').at(-1))).not.toContain('test_extension.node');
    expect([...(info.nativeModules as string[])].sort()).toEqual(listed.filter((f) => f.endsWith('.node')));
  }, 120_000);
});

/** Extracts a target's release and returns a runner calling it like an installed gateway, isolated. */
async function unpack(target: TargetName) {
  const root = join(tmp.dir, target);
  const home = join(root, 'home');
  const runTmp = join(root, 'tmp');
  for (const d of [root, home, runTmp, join(root, 'extracted')]) mkdirSync(d, { recursive: true });
  const top = await extract(tarballs[target]!, join(root, 'extracted'), target);
  const launcher = installLinks(root, top);
  const env = { HOME: home, PATH: pathWithoutNode(root), TMPDIR: runTmp, npm_config_offline: 'true', ELEVGW_NODE_EXEC: NODE_EXEC[target] };
  return {
    top,
    run: async (args: string[], watchFor?: RegExp) => {
      const r = await runIsolated(launcher, args, env, watchFor);
      expect(readdirSync(home), 'nothing is written to HOME (no npm cache, no config)').toEqual([]);
      return r;
    },
  };
}

function regularFiles(top: string): string[] {
  return readdirSync(top, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(top, join(e.parentPath, e.name)))
    .sort();
}
