import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventIdFactory } from '../src/core/ids.js';
import { SqliteOutbox } from '../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../src/outbox/types.js';
import { packageRoot } from '../src/config/load.js';
import { BenchSlave, periodJitter } from './rig-slave.js';
import { freePort, launcherFlags, percentile, round, runGateway as runBenchGateway, writeSite } from './rig.js';
import { startSimModbusTcp } from '../src/sim/host.js';
import { parseSimScenario } from '../src/sim/scenario.js';

const BACKLOG = Number(process.env.ELEVGW_BENCH_BACKLOG ?? 1_000_000);

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

/** n warning events appended in batches of 10k, as a long outage leaves them. */
function fillBacklog(dbPath: string, n: number): { fillMs: number; dbBytes: number } {
  const ids = new EventIdFactory(Date.now);
  const outbox = SqliteOutbox.open(dbPath, { maxBytes: 4 * 1024 * 1024 * 1024, retentionMs: 86_400_000 });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 10_000) {
    const batch: NewRecord[] = [];
    for (let j = 0; j < 10_000 && i + j < n; j++) {
      const id = ids.next();
      batch.push({
        id,
        kind: 'event',
        elevatorId: 'E1',
        priority: PRIORITY.warning,
        createdAt: Date.now(),
        payload: JSON.stringify({ v: 1, id, type: 'door-open-too-long', n: i + j }),
      });
    }
    outbox.append(batch);
  }
  const fillMs = performance.now() - t0;
  const dbBytes = outbox.stats().dbBytes;
  outbox.close();
  return { fillMs, dbBytes };
}
/** `elevgw run` (built) on the demo site, pointed at a simulator, a broker port and an outbox, with extra uplink settings. */
function runGateway(dir: string, o: { simPort: number; brokerPort: number; dbPath: string; uplink: string }): ChildProcess {
  const config = join(dir, `site-${o.brokerPort}.yaml`);
  const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
    .replace('port: 1502', `port: ${o.simPort}`)
    .replace('url: mqtt://127.0.0.1:1883', `url: mqtt://127.0.0.1:${o.brokerPort}\n  ${o.uplink}`)
    .replace('path: ../data/demo-outbox.db', `path: ${o.dbPath}`);
  writeFileSync(config, demo);
  return spawn(process.execPath, [join(packageRoot(), 'dist/src/cli/main.js'), 'run', '--config', config, '--log-level', 'error'], { stdio: 'ignore' });
}

function startMosquitto(dir: string, port: number): ChildProcess {
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n`);
  return spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
}

async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records drained per second over `windowMs`, read from the outbox file. */
async function drainRate(dbPath: string, windowMs: number): Promise<number> {
  const p0 = pendingIn(dbPath);
  const w0 = performance.now();
  await sleep(windowMs);
  const p1 = pendingIn(dbPath);
  return Math.round((p0 - p1) / ((performance.now() - w0) / 1000));
}

function peakMiB(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Poll-period jitter p99 (ms) of the answers the slave sent between `from` and now (performance.now()). */
function jitterSince(slave: BenchSlave, from: number, periodMs: number): number {
  const answers = (slave.answers.at(-1) ?? []).filter((a) => a.at >= from);
  return round(percentile(periodJitter(answers, periodMs), 99), 1);
}

/**
 * A gateway with a 1,000,000-event backlog polling one controller every 100 ms, run with the
 * release launcher's V8 flags as a Pi runs it: RSS, peak and
 * poll jitter while offline, then the drain rate into a local mosquitto with the rate limit
 * lifted (what the link and broker allow, not the configured pace), with RSS, peak and jitter.
 * Then a 3,000-event backlog at the default-like `uplink.drainRatePerS` of 300: the pace a fleet
 * coming back after an outage holds (the broker-outage test checks order and completeness, not pace).
 */
export async function benchDrain(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { drain: 'skipped: mosquitto not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-drain-'));
  chmodSync(dir, 0o777);
  const out: Record<string, number | string> = {};
  const big = join(dir, 'outbox.db');
  const filled = fillBacklog(big, BACKLOG);
  out['backlog records'] = BACKLOG;
  out['backlog fill, batches of 10k (records/s)'] = Math.round(BACKLOG / (filled.fillMs / 1000));
  out['backlog database size (MiB)'] = Math.round(filled.dbBytes / 1024 / 1024);

  const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 1e6 }), timeScale: 1, loop: false });
  const slave = await BenchSlave.start();
  const running: (ChildProcess | undefined)[] = [];
  try {
    const port = await freePort();
    const site = writeSite(dir, { elevators: [{ id: 'E1', port: slave.port }], brokerUrl: `mqtt://127.0.0.1:${port}`, periodMs: 100 });
    writeFileSync(site, readFileSync(site, 'utf8').replace('telemetryIntervalS: 10 }', 'telemetryIntervalS: 10, drainRatePerS: 100000, inflightWindow: 256 }'));
    const gw = runBenchGateway(site, { nodeFlags: launcherFlags() }); // as the release runs it
    running.push(gw);
    await sleep(3000); // started: the backlog counted, polling
    const offlineFrom = performance.now();
    await sleep(10_000);
    out['elevgw run RSS with the backlog, offline (MiB)'] = rssMiB(gw.pid!);
    out['elevgw run peak RSS so far (MiB)'] = peakMiB(gw.pid!);
    out['poll jitter p99 offline, 100 ms polls (ms)'] = jitterSince(slave, offlineFrom, 100);
    running.push(startMosquitto(dir, port));
    await sleep(3000);
    const drainFrom = performance.now();
    out['drain to local mosquitto, QoS 1 (records/s)'] = await drainRate(big, 15_000);
    out['elevgw run RSS while draining (MiB)'] = rssMiB(gw.pid!);
    out['elevgw run peak RSS, start and drain (MiB)'] = peakMiB(gw.pid!);
    out['poll jitter p99 while draining (ms)'] = jitterSince(slave, drainFrom, 100);
    await Promise.all(running.splice(0).map(stop));

    const paced = join(dir, 'paced.db');
    fillBacklog(paced, 3000);
    const pacedPort = await freePort();
    running.push(startMosquitto(dir, pacedPort));
    running.push(runGateway(dir, { simPort: sim.port, brokerPort: pacedPort, dbPath: paced, uplink: 'drainRatePerS: 300' }));
    await sleep(2000); // started, connected, past the first second's burst
    out['drain at uplink.drainRatePerS 300 (records/s)'] = await drainRate(paced, 5000);
  } finally {
    await Promise.all(running.map(stop));
    await slave.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
