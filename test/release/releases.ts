import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/built.js';

/**
 * Release tarballs for the tests, built by `scripts/release/build.mjs` — the same program as
 * `npm run release` — which keeps a release whose inputs (git tree hash) have not changed, so a
 * second run costs seconds. All targets a test file needs are built at once: the native compiles
 * then share the machine's two cores instead of queueing.
 */

export type TargetName = 'linux-x64' | 'linux-arm64' | 'linux-armv7l';

export const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

/** How this x86-64 machine runs each target's Node (no binfmt_misc here): the launcher's ELEVGW_NODE_EXEC. */
export const NODE_EXEC: Record<TargetName, string> = {
  'linux-x64': '',
  'linux-arm64': '/usr/bin/qemu-aarch64-static -L /usr/aarch64-linux-gnu',
  'linux-armv7l': '/usr/bin/qemu-arm-static -L /usr/arm-linux-gnueabihf',
};

function tarballOf(target: TargetName): string {
  return join(REPO, 'release', `elevgw-${VERSION}-${target}.tar.gz`);
}

/** Builds (or finds up to date) the releases of these targets, in parallel; resolves to their tarballs. */
export async function ensureReleases(targets: TargetName[]): Promise<Record<string, string>> {
  await Promise.all(targets.map((t) => exec(process.execPath, [join(REPO, 'scripts/release/build.mjs'), '--target', t], { cwd: REPO })));
  return Object.fromEntries(targets.map((t) => [t, tarballOf(t)]));
}

/** Extracts a release into `dir` (empty); returns its top directory. */
export async function extract(tarball: string, dir: string, target: TargetName): Promise<string> {
  await exec('tar', ['-xzf', tarball, '-C', dir]);
  return join(dir, `elevgw-${VERSION}-${target}`);
}

/**
 * The installed shape: /usr/local/bin/elevgw → /opt/elevgw/current/bin/elevgw, current → the
 * release directory. Returns the outer link, the one users call.
 */
export function installLinks(root: string, top: string): string {
  mkdirSync(join(root, 'opt'), { recursive: true });
  mkdirSync(join(root, 'usr-local-bin'), { recursive: true });
  symlinkSync(top, join(root, 'opt', 'current'));
  symlinkSync('../opt/current/bin/elevgw', join(root, 'usr-local-bin', 'elevgw'));
  return join(root, 'usr-local-bin', 'elevgw');
}

/**
 * A PATH directory with only `readlink` (which the launcher needs to follow its links): the
 * system node is not on it, so only the bundled one can run the app.
 */
export function pathWithoutNode(root: string): string {
  const bin = join(root, 'path-bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync('/usr/bin/readlink', join(bin, 'readlink'));
  return bin;
}

export interface Observed {
  code: number | null;
  stdout: string;
  stderr: string;
  /** /proc/<pid>/exe and the files mapped into it, read when `watchFor` first matched stdout. */
  exe?: string;
  mapped?: string[];
}

/**
 * Runs the launcher with nothing but loopback: a network namespace (unshare -n) whose only
 * interface is lo, so no network use can go unnoticed. `unshare` and `sh -c exec` keep the pid,
 * and so does the launcher's own exec, so the pid ends up as the node process (or the qemu one
 * running it) that /proc then shows.
 */
export function runIsolated(launcher: string, args: string[], env: Record<string, string>, watchFor?: RegExp): Promise<Observed> {
  const child = spawn('/usr/bin/unshare', ['-n', '/bin/sh', '-c', '/usr/bin/ip link set lo up && exec "$@"', 'sh', launcher, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Observed = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => {
    seen.stdout += d.toString();
    if (watchFor && seen.exe === undefined && watchFor.test(seen.stdout)) {
      try {
        seen.exe = readlinkSync(`/proc/${child.pid}/exe`);
        seen.mapped = [
          ...new Set(
            readFileSync(`/proc/${child.pid}/maps`, 'utf8')
              .split('\n')
              .map((l) => l.split(/\s+/)[5] ?? '')
              .filter((p) => p.startsWith('/')),
          ),
        ];
      } catch (e) {
        seen.exe = `unreadable: ${(e as Error).message}`;
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (seen.stderr += d.toString()));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ ...seen, code }));
  });
}

function exec(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}
