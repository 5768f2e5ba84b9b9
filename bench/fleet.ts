import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { packageRoot } from '../src/config/load.js';
import { freePort } from './rig.js';
import { Postgres } from '../test/helpers/postgres.js';
import { Fleet, fleetRound } from './fleet-publisher.js';

/** Light gateways in the fleet, two lifts each. */
const GATEWAYS = Number(process.env.ELEVGW_BENCH_FLEET ?? 500);
const RUN_MS = 15_000;
/** MQTT sessions per worker: each holds one QoS 1 message in a commit, so this bounds a commit's batch. */
const SESSIONS = Number(process.env.ELEVGW_BENCH_SESSIONS ?? 64);
const WORKER_COUNTS = (process.env.ELEVGW_BENCH_WORKERS ?? '1,2').split(',').map(Number);
/** The paced phase offers this share of the measured capacity, to read latency below saturation. */
const PACED_SHARE = 0.5;
/** Records of one gateway's backlog after an outage: 8 h of 2 lifts at 10 s telemetry, plus its events. */
const BACKLOG = 2 * 8 * 360 + 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mosquitto with no cap on queued messages: a slow subscriber must not make the broker drop what it was given. */
async function startMosquitto(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_dest none\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await canConnect(port)); i++) await sleep(50);
  return { url: `mqtt://127.0.0.1:${port}`, proc };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** `elevgw platform serve` (built), resolved with its HTTP address once subscribed. */
async function startWorker(db: string, broker: string, group: string, id: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    // A group per run: sessions of an earlier run's workers, never coming back, would otherwise keep their share.
    [
      join(packageRoot(), 'dist/src/cli/main.js'),
      'platform',
      'serve',
      '--db',
      db,
      '--broker',
      broker,
      '--group',
      group,
      '--worker-id',
      id,
      '--sessions',
      String(SESSIONS),
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /duty desk on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });
  return { proc, url };
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

async function storedRows(c: pg.Client): Promise<number> {
  const r = await c.query<{ n: string }>('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM telemetry) AS n');
  return Number(r.rows[0]!.n);
}

/** Polls until the stored count stops moving for 2 s (or reaches `target`); returns when the last row landed. */
async function settle(c: pg.Client, target: number): Promise<{ rows: number; at: number }> {
  let last = { rows: await storedRows(c), at: performance.now() };
  for (;;) {
    await sleep(200);
    const rows = await storedRows(c);
    if (rows !== last.rows) last = { rows, at: performance.now() };
    if (rows >= target || performance.now() - last.at > 2000) return last;
  }
}

/** Records the fleet queues at the broker for the capacity phase. */
const QUEUED = Number(process.env.ELEVGW_BENCH_QUEUED ?? 30_000);

async function withWorkers<T>(server: Postgres, broker: string, name: string, workers: number, fn: (c: pg.Client, urls: string[], db: string) => Promise<T>): Promise<T> {
  const url = await server.database(name);
  const procs = [];
  for (let i = 0; i < workers; i++) procs.push(await startWorker(url, broker, name, `w${i}`));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(
      c,
      procs.map((p) => p.url),
      url,
    );
  } finally {
    await c.end();
    for (const p of procs) await stop(p.proc);
  }
}

/**
 * Capacity: the workers subscribe and stop; the fleet then leaves QUEUED records of its mix (all
 * QoS 1) queued at the broker for their sessions, as after a platform outage; the workers start
 * again and the rate they store all of it at is measured, their start-up included — the
 * ingest path alone (broker → workers → PostgreSQL), not how fast this process can publish.
 */
async function capacity(server: Postgres, broker: string, workers: number): Promise<{ rate: number; perCommit: number }> {
  const name = `capacity_${workers}`;
  await withWorkers(server, broker, name, workers, async () => undefined);
  const fleet = await Fleet.connect(broker, GATEWAYS, { idPrefix: `c${workers}-` });
  fleet.allQos1 = true;
  for (let round = 0; fleet.sent.events.size + fleet.sent.telemetry.size < QUEUED; round++) await fleetRound(fleet, round);
  await fleet.close();
  const total = fleet.sent.events.size + fleet.sent.telemetry.size;
  const url = server.url(name);
  // From the workers' start (they connect, take back their sessions, subscribe) to the last row stored.
  const t0 = performance.now();
  const procs = [];
  for (let i = 0; i < workers; i++) procs.push(await startWorker(url, broker, name, `w${i}`));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    while ((await storedRows(c)) < total) await sleep(50);
    const rate = Math.round(total / ((performance.now() - t0) / 1000));
    const m = await Promise.all(procs.map(async (p) => (await fetch(`${p.url}/api/metrics`)).json() as Promise<{ received: number; commits: number }>));
    return {
      rate,
      perCommit: Math.round(
        m.reduce((a, x) => a + x.received, 0) /
          Math.max(
            1,
            m.reduce((a, x) => a + x.commits, 0),
          ),
      ),
    };
  } finally {
    await c.end();
    for (const p of procs) await stop(p.proc);
  }
}

/**
 * Latency: the fleet publishes its mix at `ratePerS`, each round spread over its period as real
 * gateways are not in step; p50/p99 of publish → commit from the workers' metrics (the light
 * gateways stamp `at` as they publish). Then one gateway drains an 8-hour backlog on top.
 */
async function latency(server: Postgres, broker: string, workers: number, ratePerS: number): Promise<{ p50Ms: number; p99Ms: number; backlogS: number }> {
  return withWorkers(server, broker, `latency_${workers}`, workers, async (c, urls) => {
    const fleet = await Fleet.connect(broker, GATEWAYS, { idPrefix: `l${workers}-` });
    try {
      const perRound = GATEWAYS * (2 + 0.75 + 0.3);
      const slices = 10;
      const t0 = performance.now();
      for (let round = 0; performance.now() - t0 < RUN_MS; round++) {
        for (let k = 0; k < slices; k++) {
          const s0 = performance.now();
          await fleetRound(fleet, round, 64, [Math.floor((k * GATEWAYS) / slices), Math.floor(((k + 1) * GATEWAYS) / slices)]);
          await sleep(Math.max(0, (perRound / ratePerS / slices) * 1000 - (performance.now() - s0)));
        }
      }
      await settle(c, fleet.sent.events.size + fleet.sent.telemetry.size);
      // Read before the backlog: its records carry `at` hours old, which is their age, not the service's latency.
      const metrics = await Promise.all(
        urls.map(async (u) => (await fetch(`${u}/api/metrics`)).json() as Promise<{ commitAgeP50Ms: number | null; commitAgeP99Ms: number | null }>),
      );
      const b0 = performance.now();
      const g = fleet.gateways[0]!;
      const hoursAgo = Date.now() - 8 * 3_600_000;
      for (let i = 0; i < BACKLOG; i++) {
        const m =
          i % 18 === 0 ? g.event(0, { type: 'alarm-pressed', phase: 'instant', severity: 'warning', data: { floor: 1, inZone: true, occupied: false } }) : g.telemetry(i % 2);
        await fleet.publish(0, { ...m, qos: 1, payload: m.payload.replace(/"at":"[^"]+"/, `"at":"${new Date(hoursAgo + i * 5000).toISOString()}"`) });
      }
      await settle(c, fleet.sent.events.size + fleet.sent.telemetry.size);
      return {
        p50Ms: Math.max(...metrics.flatMap((m) => m.commitAgeP50Ms ?? [])),
        p99Ms: Math.max(...metrics.flatMap((m) => m.commitAgeP99Ms ?? [])),
        backlogS: (performance.now() - b0) / 1000,
      };
    } finally {
      await fleet.close();
    }
  });
}

/**
 * `npm run bench -- fleet`: light gateways (bench/fleet-publisher.ts) → mosquitto → `elevgw
 * platform` workers → PostgreSQL 15 (fsync on), all on this machine. Messages per second stored
 * with 1 and 2 workers from a backlog queued at the broker, then with the fleet publishing at half
 * that rate: p50/p99 from publish to commit, and how long one gateway's 8-hour backlog takes on top.
 */
export async function benchFleet(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { fleet: 'skipped: mosquitto not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-fleet-'));
  chmodSync(dir, 0o777);
  const server = await Postgres.start();
  const broker = await startMosquitto(dir);
  const out: Record<string, number | string> = {
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? '?'}`,
    'light gateways (2 lifts each)': GATEWAYS,
    'sessions per worker': SESSIONS,
  };
  try {
    for (const workers of WORKER_COUNTS) {
      const { rate, perCommit } = await capacity(server, broker.url, workers);
      out[`${workers} worker(s): ${QUEUED} queued records stored into PostgreSQL (msg/s)`] = rate;
      out[`${workers} worker(s): messages per commit (mean)`] = perCommit;
      out[`${workers} worker(s): lifts at 10 s telemetry at that rate`] = rate * 10;
      const paced = Math.round(rate * PACED_SHARE);
      const l = await latency(server, broker.url, workers, paced);
      out[`${workers} worker(s): fleet at ${paced} msg/s, publish → commit p50 (ms)`] = l.p50Ms;
      out[`${workers} worker(s): fleet at ${paced} msg/s, publish → commit p99 (ms)`] = l.p99Ms;
      out[`${workers} worker(s): + one gateway's 8 h backlog (${BACKLOG} records) stored in (s)`] = Math.round(l.backlogS * 10) / 10;
    }
  } finally {
    await stop(broker.proc);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
