import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The gateway machine as the upgrade sees it, with scripts/install.sh's `--root` convention
 * (scripts/install-lib.sh): every path is the path on the gateway (/opt/elevgw …) and `path()` maps
 * it into the root; calls that act on the running system (systemctl, chown, logger) are made, or
 * with a root recorded one per line in `<root>/.elevgw-install.log`. The checks install.sh makes
 * (tarball checksum, manifest, validation as the service user) are install-lib.sh's own functions,
 * called here rather than written twice.
 */
export class GatewayMachine {
  readonly root: string;
  readonly log: string;

  constructor(
    root: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    if (root) {
      mkdirSync(root, { recursive: true });
      this.root = realpathSync(root) === '/' ? '' : realpathSync(root);
    } else this.root = '';
    if (!this.root && process.getuid?.() !== 0) throw new ElevgwError('CONFIG_INVALID', 'run as root (sudo), or give --root DIR');
    this.log = this.root ? join(this.root, '.elevgw-install.log') : '';
  }

  path(p: string): string {
    return this.root + p;
  }

  /** An action on the running system: made, or recorded under a root. */
  sys(cmd: string, args: string[]): Ran {
    if (!this.root) return run(cmd, args, this.env);
    appendFileSync(this.log, `${[cmd, ...args].join(' ')}\n`);
    return cmd === 'systemctl' ? this.fakeSystemctl(args) : { status: 0, stdout: '', stderr: '' };
  }

  /** `systemctl is-active elevgw.service`: a question, asked but never recorded. */
  serviceState(): string {
    const r = this.root ? this.fakeSystemctl(['is-active', 'elevgw.service']) : run('systemctl', ['is-active', 'elevgw.service'], this.env);
    return r.stdout.trim() || (this.root && !this.env.ELEVGW_FAKE_SYSTEMCTL ? 'unknown (--root: no service runs)' : 'unknown');
  }

  /** A line in the journal (and on stdout for whoever runs the upgrade). */
  journal(line: string, priority: 'info' | 'warning' | 'err' = 'info'): void {
    console.log(`elevgw upgrade: ${line}`);
    this.sys('logger', ['-t', 'elevgw-upgrade', '-p', `daemon.${priority}`, '--', line]);
  }

  /** Runs one function of scripts/install-lib.sh with these arguments (its `die` becomes a non-zero status). */
  lib(fn: string, ...args: string[]): Ran {
    return run('bash', ['-c', '. "$0"; init_root; "$@"', installLib(), fn, ...args], { ...this.env, ROOT: this.root });
  }

  /** A short bash program with install-lib.sh loaded and the root set ("$1"… are `args`). */
  libScript(script: string, ...args: string[]): Ran {
    return run('bash', ['-c', `. "$0"; init_root; ${script}`, installLib(), ...args], { ...this.env, ROOT: this.root });
  }

  /**
   * TEST SEAM ONLY (docs/install.md): under --root no systemd runs the service, so with
   * ELEVGW_FAKE_SYSTEMCTL set, systemctl's arguments go to that program instead (ROOT in its
   * environment), which a test uses to run `<root>/usr/local/bin/elevgw run` as its service.
   */
  private fakeSystemctl(args: string[]): Ran {
    const fake = this.env.ELEVGW_FAKE_SYSTEMCTL;
    if (!fake) return { status: 0, stdout: '', stderr: '' };
    return run(fake, args, { ...this.env, ROOT: this.root });
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Ran {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  if (r.error) return { status: 127, stdout: '', stderr: r.error.message };
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** In a release the app sits in app/ with scripts/ beside it; in a checkout, scripts/ is at the root. */
function installLib(): string {
  const lib = [join(packageRoot(), '..', 'scripts', 'install-lib.sh'), join(packageRoot(), 'scripts', 'install-lib.sh')].find((p) => existsSync(p));
  if (!lib) throw new ElevgwError('CONFIG_NOT_FOUND', `scripts/install-lib.sh is not beside this elevgw (${packageRoot()})`);
  return lib;
}
