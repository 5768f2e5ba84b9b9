import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

/**
 * A real mosquitto (Debian package) on a random loopback port, started and stopped by the test.
 * `stop()` then `start()` simulates a broker outage on the same port.
 */
export class Mosquitto {
  private proc?: ChildProcess;
  private dir = mkdtempSync(join(tmpdir(), 'elevgw-mosq-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<Mosquitto> {
    return Mosquitto.startOn(await freePort());
  }

  /** On a given port, e.g. one a gateway config already points at. */
  static async startOn(port: number): Promise<Mosquitto> {
    const m = new Mosquitto(port);
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', ''].join('\n'));
    this.proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
