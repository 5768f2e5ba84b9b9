import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventIdFactory } from '../src/core/ids.js';
import { SqliteOutbox } from '../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../src/outbox/types.js';
import { BenchSlave, periodJitter } from './rig-slave.js';
import { freePort, launcherFlags, percentile, round, runGateway as runBenchGateway, writeSite } from './rig.js';

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

/** Seconds until the gateway has (re)connected and the backlog starts shrinking (its reconnect back-off decides). */
async function drainStarted(dbPath: string): Promise<number> {
  const t0 = performance.now();
  const p0 = pendingIn(dbPath);
  for (let i = 0; i < 240 && pendingIn(dbPath) >= p0; i++) await sleep(500);
  return round((performance.now() - t0) / 1000, 1);
}

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
    out['reconnect: broker up → drain under way (s)'] = await drainStarted(big);
    await sleep(1000);
    const drainFrom = performance.now();
    out['drain to local mosquitto, QoS 1, unpaced (records/s)'] = await drainRate(big, 15_000);
    out['elevgw run RSS while draining (MiB)'] = rssMiB(gw.pid!);
    out['elevgw run peak RSS, start and drain (MiB)'] = peakMiB(gw.pid!);
    out['poll jitter p99 while draining unpaced (ms)'] = jitterSince(slave, drainFrom, 100);
    await Promise.all(running.splice(0).map(stop));

    // The same backlog at the configured pace (300/s, as a fleet coming back after an outage holds it).
    const pacedPort = await freePort();
    writeFileSync(
      site,
      readFileSync(site, 'utf8')
        .replace(/url: "[^"]+"/, `url: "mqtt://127.0.0.1:${pacedPort}"`)
        .replace('drainRatePerS: 100000', 'drainRatePerS: 300'),
    );
    running.push(startMosquitto(dir, pacedPort));
    const pacedGw = runBenchGateway(site, { nodeFlags: launcherFlags() });
    running.push(pacedGw);
    await drainStarted(big);
    await sleep(2000); // past the first second's burst
    const pacedFrom = performance.now();
    out['drain at uplink.drainRatePerS 300 (records/s)'] = await drainRate(big, 10_000);
    out['poll jitter p99 while draining at 300/s (ms)'] = jitterSince(slave, pacedFrom, 100);
    out['elevgw run RSS while draining at 300/s (MiB)'] = rssMiB(pacedGw.pid!);
  } finally {
    await Promise.all(running.map(stop));
    await slave.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
