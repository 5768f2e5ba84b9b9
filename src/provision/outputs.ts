import { chmodSync, chownSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ElevgwError } from '../core/errors.js';
import { RELATIVE } from './site-yaml.js';

/** The files `init` writes under --out-dir, with the modes that keep secrets to their readers. */
export interface OutputPaths {
  dir: string;
  /** The site config: readable by the service's group (0640). */
  site: string;
  /** name=value secrets, root's only (0600); the unit hands it to the service (LoadCredential=). */
  credentials: string;
  /** The gateway's private key (0600). It is reused when present, never replaced. */
  key: string;
  /** The signing request for the platform's CA (0644: it is public). */
  csr: string;
  /** Where the certificate the CA issues is to be put. */
  cert: string;
  /** A copy of the broker's CA certificate, so the directory is complete wherever it is copied to. */
  ca: string;
}

export function outputPaths(outDir: string): OutputPaths {
  const dir = resolve(outDir);
  return {
    dir,
    site: join(dir, 'site.yaml'),
    credentials: join(dir, 'credentials'),
    key: join(dir, RELATIVE.key),
    csr: join(dir, 'tls/gateway.csr'),
    cert: join(dir, RELATIVE.cert),
    ca: join(dir, RELATIVE.ca),
  };
}

export const MODES = { site: 0o640, credentials: 0o600, key: 0o600, csr: 0o644, ca: 0o644, dir: 0o750 } as const;

/** The elevgw service account, when it exists and we are root: files it must read are handed to it. */
export interface ServiceAccount {
  uid: number;
  gid: number;
}

/**
 * Refuses before anything is generated when files of an earlier init are there: a second init
 * by mistake must not replace a gateway's working config. With `force`, each is kept as a backup.
 */
export function refuseOverwrite(files: readonly string[], force: boolean): string[] {
  const existing = files.filter((f) => existsSync(f));
  if (existing.length > 0 && !force) {
    throw new ElevgwError(
      'INIT_REFUSED',
      `already provisioned: ${existing.join(', ')} exist(s); nothing was changed. Re-run with --force to replace them (each is kept as FILE.bak-TIME)`,
      { existing },
    );
  }
  return existing;
}

/** `site.yaml.bak-20261201T094501Z`: the time makes a second --force keep the first backup. */
function backupName(file: string, wallNow: number): string {
  return `${file}.bak-${new Date(wallNow)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** Moves a file aside (mode and owner kept); returns the backup's path. */
export function keepBackup(file: string, wallNow: number): string {
  let bak = backupName(file, wallNow);
  for (let n = 1; existsSync(bak); n++) bak = `${backupName(file, wallNow)}.${n}`;
  renameSync(file, bak);
  return bak;
}

/**
 * Makes `dir` and its missing parents 0750 whatever the umask (mkdir's mode is masked by it, and
 * under umask 077 the elevgw group could not enter them to read its config and key). Directories
 * that were already there keep their mode: someone chose it.
 */
export function makeDirs(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: MODES.dir });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    chmodSync(d, MODES.dir);
    if (d === first || dirname(d) === d) return;
  }
}

/**
 * Writes a file whole or not at all (temp file, fsync, rename), with its mode set before any
 * byte of a secret is in it: the umask must not decide who can read a key.
 */
export function writeFileAtomic(path: string, data: string, mode: number, owner?: ServiceAccount): void {
  makeDirs(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    fchmodSync(fd, mode);
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  if (owner) chownSync(tmp, owner.uid, owner.gid);
  renameSync(tmp, path);
}

/**
 * The credentials file with `name` set to `value`, keeping every other line of an existing file
 * (a TLS passphrase someone added by hand). Values are one line: a newline in a password would
 * make a second, bogus credential.
 */
export function credentialsText(existing: string | undefined, name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new ElevgwError('INIT_REFUSED', 'the broker password contains a line break');
  const kept = (existing ?? '')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(`${name}=`))
    .join('\n');
  const head = existing === undefined ? '# elevgw secrets, name=value per line (mode 0600). The unit hands this file to the service with LoadCredential=.\n' : '';
  return `${head}${kept ? `${kept}\n` : ''}${name}=${value}\n`;
}

export function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The `elevgw` account from passwd/group text; undefined when there is none (a laptop, a CI box). */
export function serviceAccount(passwd: string, group: string, name = 'elevgw'): ServiceAccount | undefined {
  const user = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const grp = group.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!user || !grp) return undefined;
  const uid = Number(user.split(':')[2]);
  const gid = Number(grp.split(':')[2]);
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
}
