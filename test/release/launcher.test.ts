import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * bin/elevgw of a release (scripts/release/launcher.sh), in a release-shaped tree whose node is a
 * stand-in script that reports how it was called: the launcher must find its release through any
 * chain of links, hand every argument over untouched, and put ELEVGW_NODE_EXEC in front of Node.
 */

const LAUNCHER = join(REPO, 'scripts/release/launcher.sh');
let tmp: ReturnType<typeof tempDir>;
let top: string;

beforeEach(() => {
  tmp = tempDir('elevgw-launcher-');
  top = join(tmp.dir, 'releases', 'elevgw-9.9.9-linux-x64');
  for (const d of ['bin', 'node/bin', 'app/dist/src/cli']) mkdirSync(join(top, d), { recursive: true });
  copyFileSync(LAUNCHER, join(top, 'bin/elevgw'));
  chmodSync(join(top, 'bin/elevgw'), 0o755);
  writeFileSync(join(top, 'app/dist/src/cli/main.js'), '');
  script(join(top, 'node/bin/node'), 'node');
});
afterEach(() => tmp.cleanup());

/** A stand-in program printing its name, its own path and each argument on a line. */
function script(path: string, name: string): void {
  writeFileSync(path, `#!/bin/sh\necho "${name} $0"\nfor a in "$@"; do echo "arg[$a]"; done\n`);
  chmodSync(path, 0o755);
}

function call(path: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(path, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
}

describe('bin/elevgw', () => {
  it('runs the release node on the release app with every argument intact', () => {
    const r = call(join(top, 'bin/elevgw'), ['demo', '--duration', '20', 'two words', '*']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `node ${realpathSync(top)}/node/bin/node`,
      'arg[--use-openssl-ca]',
      `arg[${realpathSync(top)}/app/dist/src/cli/main.js]`,
      'arg[demo]',
      'arg[--duration]',
      'arg[20]',
      'arg[two words]',
      'arg[*]',
      '',
    ]);
  });

  it('finds its release through /usr/local/bin/elevgw → /opt/elevgw/current (absolute and relative links)', () => {
    symlinkSync('releases/elevgw-9.9.9-linux-x64', join(tmp.dir, 'current'));
    mkdirSync(join(tmp.dir, 'usr-local-bin'));
    symlinkSync(join(tmp.dir, 'current', 'bin', 'elevgw'), join(tmp.dir, 'usr-local-bin', 'elevgw'));
    symlinkSync('elevgw', join(tmp.dir, 'usr-local-bin', 'gw')); // a link to a link, relative
    const r = call(join(tmp.dir, 'usr-local-bin', 'gw'), ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      `node ${realpathSync(top)}/node/bin/node`,
      'arg[--use-openssl-ca]',
      `arg[${realpathSync(top)}/app/dist/src/cli/main.js]`,
      'arg[--version]',
    ]);
  });

  it('is found on PATH like an installed command', () => {
    const r = call('elevgw', ['x'], { PATH: `${join(top, 'bin')}:/usr/bin:/bin` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`node ${realpathSync(top)}/node/bin/node`);
  });

  it('puts ELEVGW_NODE_EXEC (split on blanks) in front of the bundled node', () => {
    script(join(tmp.dir, 'fake-qemu'), 'qemu');
    const r = call(join(top, 'bin/elevgw'), ['--version'], { ELEVGW_NODE_EXEC: `${join(tmp.dir, 'fake-qemu')} -L /usr/aarch64-linux-gnu` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `qemu ${join(tmp.dir, 'fake-qemu')}`,
      'arg[-L]',
      'arg[/usr/aarch64-linux-gnu]',
      `arg[${realpathSync(top)}/node/bin/node]`,
      'arg[--use-openssl-ca]',
      `arg[${realpathSync(top)}/app/dist/src/cli/main.js]`,
      'arg[--version]',
      '',
    ]);
  });

  it('gives every command the OS trust store, `run` and only `run` its V8 flags; ELEVGW_RUN_V8_FLAGS replaces the V8 flags', () => {
    const node = `node ${realpathSync(top)}/node/bin/node`;
    const main = `arg[${realpathSync(top)}/app/dist/src/cli/main.js]`;
    const run = call(join(top, 'bin/elevgw'), ['run', '--config', 'site.yaml']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      node,
      'arg[--use-openssl-ca]',
      'arg[--max-semi-space-size=1]',
      'arg[--lite-mode]',
      'arg[--no-expose-wasm]',
      'arg[--expose-gc]',
      main,
      'arg[run]',
      'arg[--config]',
      'arg[site.yaml]',
      '',
    ]);
    const replaced = call(join(top, 'bin/elevgw'), ['run'], { ELEVGW_RUN_V8_FLAGS: '--max-semi-space-size=2' });
    expect(replaced.stdout.split('\n')).toEqual([node, 'arg[--use-openssl-ca]', 'arg[--max-semi-space-size=2]', main, 'arg[run]', '']);
    const none = call(join(top, 'bin/elevgw'), ['run'], { ELEVGW_RUN_V8_FLAGS: '' });
    expect(none.stdout.split('\n')).toEqual([node, 'arg[--use-openssl-ca]', main, 'arg[run]', '']);
    const replay = call(join(top, 'bin/elevgw'), ['replay', 'run']);
    expect(replay.stdout.split('\n')).toEqual([node, 'arg[--use-openssl-ca]', main, 'arg[replay]', 'arg[run]', '']);
  });

  it('says what is missing when the release is incomplete, with exit 127', () => {
    chmodSync(join(top, 'node/bin/node'), 0o644);
    const r = call(join(top, 'bin/elevgw'), ['--version']);
    expect(r.status).toBe(127);
    expect(r.stderr).toContain(`${realpathSync(top)} is not a complete elevgw release`);
    expect(r.stdout).toBe('');
  });
});
