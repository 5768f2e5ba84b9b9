import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventIdFactory } from '../src/core/ids.js';
import { SqliteOutbox } from '../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../src/outbox/types.js';
import { packageRoot } from '../src/config/load.js';
import { startSimModbusTcp } from '../src/sim/host.js';
import { parseScenario } from '../src/sim/scenario.js';

const BACKLOG = Number(process.env.ELEVGW_BENCH_BACKLOG ?? 1_000_000);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

function pendingIn(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM records WHERE delivered_at IS NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * A gateway with a 1,000,000-event backlog: RSS while offline, then the drain rate into a local
 * mosquitto with the rate limit lifted (what the link and broker allow, not the configured pace).
 */
export async function benchDrain(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { drain: 'skipped: mosquitto not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-drain-'));
  chmodSync(dir, 0o777);
  const dbPath = join(dir, 'outbox.db');
  const out: Record<string, number | string> = {};
  const ids = new EventIdFactory(Date.now);
  const outbox = SqliteOutbox.open(dbPath, { maxBytes: 4 * 1024 * 1024 * 1024, retentionMs: 86_400_000 });
  const t0 = performance.now();
  for (let i = 0; i < BACKLOG; i += 10_000) {
    const batch: NewRecord[] = [];
    for (let j = 0; j < 10_000 && i + j < BACKLOG; j++) {
      const id = ids.next();
      batch.push({ id, kind: 'event', elevatorId: 'E1', priority: PRIORITY.warning, createdAt: Date.now(), payload: JSON.stringify({ v: 1, id, type: 'door-open-too-long', n: i + j }) });
    }
    outbox.append(batch);
  }
  out['backlog records'] = BACKLOG;
  out['backlog fill, batches of 10k (records/s)'] = Math.round(BACKLOG / ((performance.now() - t0) / 1000));
  out['backlog database size (MiB)'] = Math.round(outbox.stats().dbBytes / 1024 / 1024);
  outbox.close();

  const port = await freePort();
  const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: parseScenario({ name: 'idle', durationS: 1e6 }), timeScale: 1, loop: false });
  const config = join(dir, 'site.yaml');
  const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
    .replace('port: 1502', `port: ${sim.port}`)
    .replace('url: mqtt://127.0.0.1:1883', `url: mqtt://127.0.0.1:${port}\n  drainRatePerS: 100000\n  inflightWindow: 256`)
    .replace('path: ../data/demo-outbox.db', `path: ${dbPath}`);
  writeFileSync(config, demo);
  const gw = spawn(process.execPath, [join(packageRoot(), 'dist/src/cli/main.js'), 'run', '--config', config, '--log-level', 'error'], { stdio: 'ignore' });
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n`);
  let mosq: ReturnType<typeof spawn> | undefined;
  try {
    await new Promise((r) => setTimeout(r, 8000));
    out['elevgw run RSS, 1M backlog, offline (MiB)'] = rssMiB(gw.pid!);
    mosq = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 3000));
    const p0 = pendingIn(dbPath);
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 15_000));
    const p1 = pendingIn(dbPath);
    out['drain to local mosquitto, QoS 1 (records/s)'] = Math.round((p0 - p1) / ((performance.now() - w0) / 1000));
    out['elevgw run RSS while draining (MiB)'] = rssMiB(gw.pid!);
  } finally {
    gw.kill('SIGTERM');
    await new Promise((r) => gw.once('exit', r));
    mosq?.kill('SIGTERM');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
