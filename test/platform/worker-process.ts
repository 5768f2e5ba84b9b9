import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from '../helpers/child-gateway.js';

/**
 * `elevgw platform serve` as a child process, as systemd would run one worker: the test can
 * SIGKILL it mid-stream and start it again with the same worker id. Resolves once it prints its
 * duty-desk address, i.e. once every session is connected and subscribed.
 */
export class WorkerProcess {
  proc: ChildProcess | undefined;
  url = '';

  constructor(private readonly args: string[]) {}

  static async start(o: { db: string; broker: string; workerId: string; sessions?: number; extra?: string[] }): Promise<WorkerProcess> {
    const w = new WorkerProcess([
      'platform',
      'serve',
      '--db',
      o.db,
      '--broker',
      o.broker,
      '--worker-id',
      o.workerId,
      '--sessions',
      String(o.sessions ?? 8),
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'warn',
      ...(o.extra ?? []),
    ]);
    await w.start();
    return w;
  }

  async start(): Promise<void> {
    const p = spawn(process.execPath, [CLI, ...this.args], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc = p;
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      p.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /duty desk on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      p.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready: ${out}`)));
    });
  }

  async metrics(): Promise<{ pending: number; stored: number; sessionsConnected: number }> {
    return (await fetch(`${this.url}/api/metrics`)).json() as Promise<{ pending: number; stored: number; sessionsConnected: number }>;
  }

  /** SIGKILL: the worker dies mid-commit, as in a power cut; nothing of it runs again. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  }
}
