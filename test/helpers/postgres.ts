import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

/** Debian's postgresql package (scripts/test-peers.mjs installs it). */
const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A real PostgreSQL server on a temporary data directory and a random loopback port, started and
 * stopped by the test. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * user the package created (runuser); as anyone else, as that user. `fsync` stays on unless asked
 * otherwise: the ingest tests are about what a commit means.
 */
export class Postgres {
  private proc?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(opts: { fsync?: boolean } = {}): Promise<Postgres> {
    const dir = mkdtempSync(join(tmpdir(), 'elevgw-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, uid('postgres'), gid('postgres'));
    const p = new Postgres(await freePort(), dir);
    p.run(join(PG_BIN, 'initdb'), ['-D', p.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await p.launch(opts.fsync !== false);
    return p;
  }

  private fsync = true;

  private async launch(fsync: boolean): Promise<void> {
    this.fsync = fsync;
    const asRoot = process.getuid?.() === 0;
    const args = ['-D', this.data, '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', `fsync=${fsync ? 'on' : 'off'}`, '-c', 'max_connections=200'];
    this.proc = spawn(asRoot ? 'runuser' : join(PG_BIN, 'postgres'), asRoot ? ['-u', 'postgres', '--', join(PG_BIN, 'postgres'), ...args] : args, { stdio: 'ignore' });
    await this.ready();
  }

  /** Stops the server and keeps its data: the database is down until `resume()`, on the same port. */
  async halt(): Promise<void> {
    await this.shutdown();
  }

  async resume(): Promise<void> {
    await this.launch(this.fsync);
  }

  /** Until the server accepts connections (the port opens before recovery and start-up finish). */
  private async ready(): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (this.proc?.exitCode !== null) throw new Error('postgres exited during start-up');
      if (spawnSync(join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(this.port)]).status === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`postgres did not accept connections on port ${this.port}`);
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** A connection URL for a database, created empty on first use. */
  async database(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return this.url(name);
  }

  url(db: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  async stop(): Promise<void> {
    await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async shutdown(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      // SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect. As root
      // the child is runuser, so the postmaster is signalled by the pid it wrote.
      const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(Number.isInteger(pid) && pid > 0 ? pid : p.pid!, 'SIGINT');
    });
  }

  private run(bin: string, args: string[]): void {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: install Debian's postgresql (scripts/test-peers.mjs)`);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'ignore' });
    else execFileSync(bin, args, { stdio: 'ignore' });
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
