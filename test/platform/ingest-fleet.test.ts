import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Fleet, fleetRound } from '../../bench/fleet-publisher.js';
import { PostgresDb } from '../../src/platform/store/postgres.js';
import type { SqlDb } from '../../src/platform/store/sql.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Postgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { WorkerProcess } from './worker-process.js';

/**
 * The acceptance run of the ingest service: 200 light gateways publish the contract's mix into a
 * real mosquitto; `elevgw platform` workers (child processes) share the stream through an MQTT 5
 * shared subscription and store it; one worker is SIGKILLed mid-stream and started again. Every
 * event the fleet sent is stored exactly once, every black box is joined, and the only dead
 * letters are the three malformed messages the test injects.
 */
const GATEWAYS = 200;
const ROUNDS = 12;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fleetRun(o: { db: string; open(): SqlDb; workers: string[] }): Promise<void> {
  const mosq = await Mosquitto.startPersistent();
  cleanups.push(() => mosq.close());
  const workers: WorkerProcess[] = [];
  for (const id of o.workers) workers.push(await WorkerProcess.start({ db: o.db, broker: mosq.url, workerId: id }));
  cleanups.push(async () => {
    for (const w of workers) await w.kill('SIGTERM');
  });
  const db = o.open();
  cleanups.push(() => db.close());
  const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  const fleet = await Fleet.connect(mosq.url, GATEWAYS);
  cleanups.push(() => fleet.close());
  for (const [i, g] of fleet.gateways.entries()) {
    await fleet.publish(i, g.status('online'));
    for (let lift = 0; lift < g.lifts; lift++) await fleet.publish(i, g.info(lift));
  }
  // Three malformed messages, on purpose: not JSON, breaking the contract, naming another gateway than its topic.
  const [a, b] = fleet.gateways;
  await fleet.publishRaw(0, a!.t.elevatorEvents('E1'), '{"v":1,');
  await fleet.publishRaw(0, a!.t.elevatorEvents('E1'), JSON.stringify({ v: 1, id: 'x', type: 'trapped' }));
  await fleet.publishRaw(
    1,
    b!.t.elevatorEvents('E1'),
    a!.event(0, { type: 'alarm-pressed', phase: 'instant', severity: 'warning', data: { floor: 1, inZone: true, occupied: true } }).payload,
  );

  const victim = workers[0]!;
  let round = 0;
  const publishing = (async () => {
    for (; round < ROUNDS; round++) await fleetRound(fleet, round);
  })();
  // Mid-stream: once a fifth of the events are stored, the first worker dies without warning …
  await vi.waitFor(async () => expect(await count('events')).toBeGreaterThan(500), { timeout: 60_000, interval: 50 });
  await victim.kill('SIGKILL');
  const atKill = await count('events');
  // … the stream goes on (to the other worker, or queued by the broker for the dead one's sessions) …
  await vi.waitFor(() => expect(round).toBeGreaterThanOrEqual(Math.min(ROUNDS, 7)), { timeout: 60_000, interval: 50 });
  // … and it comes back with the same worker id, taking back its sessions.
  await victim.start();
  await publishing;

  const sent = fleet.sent;
  expect(sent.events.size).toBeGreaterThan(2000);
  await vi.waitFor(async () => expect(await count('events')).toBe(sent.events.size), { timeout: 60_000, interval: 200 });
  expect(atKill).toBeLessThan(sent.events.size);

  const stored = await db.query<{ id: string }>('SELECT id FROM events');
  expect(stored.length).toBe(sent.events.size);
  expect(new Set(stored.map((r) => r.id))).toEqual(sent.events);
  // Telemetry is QoS 0 (a stale running state is not resent): never more than sent, never twice.
  const telemetry = await db.query<{ id: string }>('SELECT id FROM telemetry');
  expect(new Set(telemetry.map((r) => r.id)).size).toBe(telemetry.length);
  expect(telemetry.every((r) => sent.telemetry.has(r.id))).toBe(true);

  const store = await SqlPlatformStore.open(o.open(), Date.now());
  cleanups.push(() => store.close());
  expect(sent.blackboxRaises.size).toBeGreaterThan(100);
  for (const [raisedId, { gatewayId, followUpId }] of sent.blackboxRaises) {
    const box = await store.blackbox(gatewayId, raisedId);
    expect(box, raisedId).toMatchObject({ followUpId, complete: true, before: [expect.any(Array), expect.any(Array)], after: [expect.any(Array), expect.any(Array)] });
  }
  const dead = await store.deadLetters(100);
  expect(dead.map((d) => d.reason).sort()).toEqual([
    expect.stringMatching(/^breaks the contract \(event\)/),
    expect.stringMatching(/^not JSON/),
    expect.stringMatching(/^payload gatewayId "fleet-gw00000" is not the topic's "fleet-gw00001"/),
  ]);
  // Every trapped raise opened a ticket, and its clear resolved it.
  const tickets = await store.tickets(0);
  expect(tickets.length).toBe(sent.blackboxRaises.size);
  expect(tickets.every((t) => t.state === 'resolved' && t.resolution === 'fault-cleared')).toBe(true);
}

describe('ingest workers on a shared subscription', () => {
  it('PostgreSQL, two workers, one SIGKILLed and restarted mid-stream: every event stored exactly once', async () => {
    const pg = await Postgres.start();
    cleanups.push(() => pg.stop());
    const url = await pg.database('fleet');
    await fleetRun({ db: url, open: () => new PostgresDb(url), workers: ['a', 'b'] });
  }, 90_000);

  it('SQLite (the embedded default), one worker, SIGKILLed and restarted mid-stream: every event stored exactly once', async () => {
    const tmp = tempDir('elevgw-fleet-');
    cleanups.push(() => tmp.cleanup());
    const file = join(tmp.dir, 'platform.db');
    await fleetRun({ db: file, open: () => new SqliteDb(file), workers: ['solo'] });
  }, 90_000);
});
