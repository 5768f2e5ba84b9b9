import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

/**
 * A real mosquitto (Debian package) on a random loopback port, started and stopped by the test.
 * `stop()` then `start()` simulates a broker outage on the same port; `stop('SIGKILL')` a crash.
 */
export class Mosquitto {
  private proc?: ChildProcess;
  private dir = mkdtempSync(join(tmpdir(), 'elevgw-mosq-'));
  private constructor(
    readonly port: number,
    private readonly persistent = false,
    private readonly users?: Record<string, string>,
    private readonly acl?: string,
  ) {}

  /**
   * `users`: user → password (written with Debian's `mosquitto_passwd`); anonymous clients are then
   * refused. `acl`: mosquitto ACL file text (`user NAME` / `topic read|write|readwrite TOPIC`).
   */
  static async start(opts: { users?: Record<string, string>; acl?: string } = {}): Promise<Mosquitto> {
    return Mosquitto.startOn(await freePort(), opts);
  }

  /** With persistence: subscriber sessions (clean: false) and their queued messages survive a restart. */
  static async startPersistent(): Promise<Mosquitto> {
    return Mosquitto.startOn(await freePort(), { persistent: true });
  }

  /** On a given port, e.g. one a gateway config already points at. */
  static async startOn(port: number, opts: { persistent?: boolean; users?: Record<string, string>; acl?: string } = {}): Promise<Mosquitto> {
    const m = new Mosquitto(port, opts.persistent, opts.users, opts.acl);
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    // mosquitto started as root drops to its own user: the persistence directory must be writable for it.
    if (this.persistent) chmodSync(this.dir, 0o777);
    const persistence = this.persistent
      ? ['persistence true', `persistence_location ${this.dir}/`, 'max_queued_messages 100000', 'max_inflight_messages 100']
      : ['persistence false'];
    writeFileSync(conf, [`listener ${this.port} 127.0.0.1`, ...this.auth(), ...persistence, 'log_dest none', ''].join('\n'));
    this.proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    await waitForPort(this.port);
  }

  private auth(): string[] {
    if (!this.users) return ['allow_anonymous true'];
    const passwd = join(this.dir, 'mosquitto.passwd');
    Object.entries(this.users).forEach(([user, password], i) => {
      execFileSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', passwd, user, password], { stdio: 'ignore' });
    });
    // Read by the mosquitto user it drops to when started as root.
    chmodSync(this.dir, 0o755);
    chmodSync(passwd, 0o644);
    if (this.acl === undefined) return ['allow_anonymous false', `password_file ${passwd}`];
    const acl = join(this.dir, 'mosquitto.acl');
    writeFileSync(acl, this.acl);
    chmodSync(acl, 0o644);
    return ['allow_anonymous false', `password_file ${passwd}`, `acl_file ${acl}`];
  }

  /** SIGTERM: a clean shutdown. SIGKILL: the broker dies as in a crash, mid-packet, without saving anything. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  }

  /** A crash and a restart on the same port (resolves once it accepts connections again). */
  async crashAndRestart(): Promise<void> {
    await this.stop('SIGKILL');
    await this.start();
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
