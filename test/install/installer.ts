import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/built.js';

/**
 * Runs scripts/install.sh and scripts/uninstall.sh with --root, and reads what they left: the tree
 * and the calls recorded in <root>/.elevgw-install.log.
 */

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bash(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync('bash', [join(REPO, 'scripts', script), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const install = (tarball: string, root: string, ...args: string[]): Ran => bash('install.sh', [tarball, '--root', root, ...args]);
export const uninstall = (root: string, ...args: string[]): Ran => bash('uninstall.sh', ['--root', root, ...args]);

/** The calls recorded so far, one per line. */
export function calls(root: string): string[] {
  const log = join(root, '.elevgw-install.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Permission bits as `0750`. */
export function mode(path: string): string {
  return `0${(lstatSync(path).mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** A site config that passes --strict: real-looking ids and hosts, TLS, the password by reference. */
export function goodSite(dir: string, site = 'Jianghan Building 12'): string {
  const file = join(dir, 'site.yaml');
  writeFileSync(
    file,
    `version: 1
gateway: { id: jh-gw-0417, site: "${site}" }
elevators:
  - id: L1
    registrationCode: "31104201002023050417"
    rescueCode: "27-0417"
    board: generic-modbus-controller
    connection: { path: /dev/elevgw-rs485-A10KX3F2, baudRate: 9600, unitId: 1 }
    ratedSpeedMps: 1.0
    floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }]
uplink:
  url: mqtts://mqtt.platform.jianghan.gov.cn:8883
  username: jh-gw-0417
  password: { credential: broker-password }
outbox: { path: /var/lib/elevgw/outbox.db }
`,
  );
  return file;
}

export function credentialsFile(dir: string, text = 'broker-password=Zq8-real-secret\n'): string {
  const file = join(dir, 'credentials.in');
  writeFileSync(file, text);
  chmodSync(file, 0o644); // what the installer is given need not be private: what it installs is
  return file;
}

/**
 * `systemd-analyze verify` of a unit inside a --root tree: the tree needs the system's own units
 * (multi-user.target …) that the unit refers to, taken from this machine's systemd package.
 */
export function verifyUnit(root: string, unit = '/etc/systemd/system/elevgw.service'): Ran {
  const units = join(root, 'usr/lib/systemd/system');
  if (!existsSync(units)) {
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync('/usr/lib/systemd/system', units, { recursive: true, verbatimSymlinks: true });
  }
  const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, unit], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'notice' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
