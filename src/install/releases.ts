import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GatewayMachine } from './system.js';

/** /opt/elevgw/releases/<version> behind the /opt/elevgw/current symlink, as scripts/install.sh lays them out. */
const RELEASES = '/opt/elevgw/releases';
const CURRENT = '/opt/elevgw/current';

export interface Tarball {
  file: string;
  /** elevgw-<version>-<target>: the tarball's one top directory. */
  top: string;
  version: string;
  target: string;
}

export interface Staged extends Tarball {
  /** Where the checked release lies until the swap moves it to releases/<version>. */
  dir: string;
  /** releases/<version> was installed already (the one before the current one) and is intact: nothing unpacked. */
  reused: boolean;
}

export class NotStaged extends Error {}

/** Name check as install.sh makes it: elevgw-<version>-linux-<arch>.tar.gz. */
export function parseTarball(file: string): Tarball {
  const m = /^(elevgw-(.+)-(linux-(?:arm64|armv7l|x64)))\.tar\.gz$/.exec(basename(file));
  if (!m) throw new NotStaged(`${file} is not named like a release (elevgw-<version>-linux-<arch>.tar.gz)`);
  return { file, top: m[1]!, version: m[2]!, target: m[3]! };
}

/** The version `current` points to; undefined when nothing is installed. */
export function currentVersion(m: GatewayMachine): string | undefined {
  try {
    const link = readlinkSync(m.path(CURRENT));
    return link.startsWith('releases/') ? link.slice('releases/'.length) : undefined;
  } catch {
    return undefined;
  }
}

export function releaseDir(m: GatewayMachine, version: string): string {
  return m.path(`${RELEASES}/${version}`);
}

/** `outboxSchema` of a release's release.json (the outbox schema version it runs); undefined when it does not say. */
export function outboxSchemaOf(dir: string): number | undefined {
  try {
    const v = (JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as { outboxSchema?: unknown }).outboxSchema;
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the tarball exactly as install.sh does (its .sha256, the CPU, then every file against
 * MANIFEST.sha256 and the symlinks release.json lists) and unpacks it beside the releases. A
 * version already installed is reused only when its manifest is the tarball's and it is intact.
 * Throws NotStaged with the reason.
 */
export function stage(m: GatewayMachine, t: Tarball): Staged {
  const check = (r: { status: number; stderr: string }) => {
    if (r.status !== 0) throw new NotStaged(r.stderr.trim().replace(/^[\w.-]+: /, '') || 'the release check failed');
  };
  if (!existsSync(t.file)) throw new NotStaged(`no such file: ${t.file}`);
  check(m.lib('check_tarball_sum', t.file));
  check(m.lib('check_arch', t.target));
  check(m.lib('ensure_dir', '/opt/elevgw/releases', '0755', 'root:root'));
  const dest = releaseDir(m, t.version);
  const staging = mkdtempSync(join(m.path(RELEASES), '.staging.'));
  chmodSync(staging, 0o755); // validated as the service user from here
  try {
    if (existsSync(dest)) {
      const manifest = spawnSync('tar', ['-xzf', t.file, '-O', `${t.top}/MANIFEST.sha256`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (manifest.status !== 0) throw new NotStaged(`${t.file} has no ${t.top}/MANIFEST.sha256`);
      if (readFileSync(join(dest, 'MANIFEST.sha256'), 'utf8') !== manifest.stdout) {
        throw new NotStaged(`version ${t.version} is already installed with other contents (${dest}); a rebuilt release must carry a new version`);
      }
      if (!problem(m, dest, t)) {
        rmSync(staging, { recursive: true, force: true });
        return { ...t, dir: dest, reused: true };
      }
    }
    const untar = spawnSync('tar', ['-xzf', t.file, '-C', staging], { encoding: 'utf8' });
    if (untar.status !== 0) throw new NotStaged(`cannot unpack ${t.file}: ${untar.stderr.trim()}`);
    if (readdirSync(staging).join() !== t.top) throw new NotStaged(`${t.file} must hold exactly one directory, ${t.top}`);
    const wrong = problem(m, join(staging, t.top), t);
    if (wrong) throw new NotStaged(`${t.file} is not a sound release: ${wrong}`);
    return { ...t, dir: join(staging, t.top), reused: false };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function problem(m: GatewayMachine, dir: string, t: Tarball): string {
  const r = m.lib('release_problem', dir, t.version, t.target);
  return r.status === 0 ? r.stdout.trim() : r.stderr.trim() || 'cannot check it';
}

/** Moves a staged release to releases/<version> (a damaged copy there is replaced). */
export function place(m: GatewayMachine, s: Staged): void {
  if (s.reused) return;
  const dest = releaseDir(m, s.version);
  rmSync(dest, { recursive: true, force: true });
  renameSync(s.dir, dest);
  rmSync(join(s.dir, '..'), { recursive: true, force: true });
}

/** Points `current` at releases/<version> with one rename: it is never missing, not even for an instant. */
export function pointCurrentAt(m: GatewayMachine, version: string): void {
  const tmp = m.path('/opt/elevgw/.current.new');
  rmSync(tmp, { force: true });
  symlinkSync(`releases/${version}`, tmp);
  renameSync(tmp, m.path(CURRENT));
}

/** Removes every release but `keep`, and staging directories left by an upgrade that died. */
export function pruneReleases(m: GatewayMachine, keep: string[]): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(m.path(RELEASES))) {
    if (keep.includes(name)) continue;
    rmSync(join(m.path(RELEASES), name), { recursive: true, force: true });
    if (!name.startsWith('.staging.')) removed.push(name);
  }
  return removed;
}
