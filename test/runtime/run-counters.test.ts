import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { TelemetryPayload } from '../../src/contract/payloads.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { contractProblems } from '../helpers/contract-check.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 08:00 in Wuhan: the hourly roll-up (and the counters' write) comes at 09:00. */
const START_WALL = Date.UTC(2026, 2, 2, 0, 0, 0);

/**
 * The run counter and running hours in telemetry are totals since installation: they survive a
 * clean restart exactly, and a power cut (a gateway that simply stops, SIGKILL-like: nothing in
 * its memory survives, only what is on disk) loses at most the open hour, as documented.
 */
describe('cumulative run counters across restarts', () => {
  const tmp = tempDir('elevgw-counters-', '/dev/shm');
  afterAll(() => tmp.cleanup());

  /** A whole gateway on the demo building, in sample time, on the database at `dbPath`. */
  function gateway(dbPath: string, wallStart: number) {
    const clock = new FakeClock(0, wallStart);
    const broker = new FakeBroker(clock, 5, { validate: (m) => contractProblems(m.topic, m.payload) });
    const sim = new SimHost({ scenario: SCENARIOS.demo!.scenario, clock, loop: true });
    const config = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'rc-gw' });
    config.site.uplink.telemetryIntervalS = 10;
    const gw = new Gateway({
      config,
      logger: silentLogger,
      clock,
      clockSynced: () => true,
      timeZone: 'Asia/Shanghai',
      mqttConnect: broker.connect,
      diagSocket: false,
      driverFor: simDriverFor(sim, clock),
    });
    // This gateway's own telemetry: a restarted one first sends what the previous process left in the outbox.
    const telemetry = () =>
      broker
        .on('elevgw/v1/rc-gw/elevators/E1/telemetry')
        .map((m) => JSON.parse(m.payload) as TelemetryPayload)
        .filter((t) => t.bootId === gw.bootId);
    return { gw, clock, broker, telemetry };
  }

  function storedTrips(dbPath: string): number {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare("SELECT value FROM meta WHERE key = 'run:E1:trips'").get() as { value: number } | undefined)?.value ?? 0;
    } finally {
      db.close();
    }
  }

  it('a clean stop keeps every count: the next start continues from it', async () => {
    const dbPath = join(tmp.dir, 'clean.db');
    const a = gateway(dbPath, START_WALL);
    await a.gw.start();
    await a.clock.advanceAsync(70 * MINUTE);
    const before = a.telemetry().at(-1)!;
    const stopping = a.gw.stop();
    await a.clock.advanceAsync(10_000);
    await stopping;
    expect(before.runCount, 'the demo building makes trips').toBeGreaterThan(10);
    expect(before.runningHours).toBeGreaterThan(0);
    expect(a.broker.invalid).toEqual([]);

    const b = gateway(dbPath, START_WALL + 2 * HOUR);
    await b.gw.start();
    await b.clock.advanceAsync(10_500);
    const after = b.telemetry()[0]!;
    // The first telemetry after the restart: the total at the stop, plus at most a trip of the first 10 s.
    expect(after.runCount).toBeGreaterThanOrEqual(before.runCount!);
    expect(after.runCount).toBeLessThanOrEqual(before.runCount! + 1);
    expect(after.runningHours).toBeGreaterThanOrEqual(before.runningHours!);
    expect(after.bootId, 'a new process start is a new timeline').not.toBe(before.bootId);
    const stopping2 = b.gw.stop();
    await b.clock.advanceAsync(10_000);
    await stopping2;
  }, 120_000);

  it('after a power cut the count goes back at most by the open hour, and never below the last roll-up', async () => {
    const dbPath = join(tmp.dir, 'cut.db');
    const c = gateway(dbPath, START_WALL);
    await c.gw.start();
    await c.clock.advanceAsync(59 * MINUTE);
    const beforeRollup = c.telemetry().at(-1)!.runCount!;
    await c.clock.advanceAsync(16 * MINUTE); // 09:00 rolls up and writes; then 15 minutes more
    const lastSeen = c.telemetry().at(-1)!.runCount!;
    // The power cut: gateway C never runs again (its clock never moves); only the database is left.
    const persisted = storedTrips(dbPath);
    expect(persisted, 'the 09:00 roll-up wrote the hour').toBeGreaterThanOrEqual(beforeRollup);
    expect(beforeRollup, 'the demo building makes trips').toBeGreaterThan(10);
    expect(lastSeen).toBeGreaterThan(persisted); // trips in the open quarter-hour, not yet written

    const d = gateway(dbPath, START_WALL + 2 * HOUR);
    await d.gw.start();
    await d.clock.advanceAsync(10_500);
    const after = d.telemetry()[0]!.runCount!;
    expect(after).toBeGreaterThanOrEqual(persisted);
    // What was lost is the open hour's trips only: less than an hour of them (here 15 minutes' worth).
    expect(lastSeen - after).toBeLessThanOrEqual(lastSeen - persisted);
    expect(lastSeen - after, 'less than the first hour (which is what was persisted) held').toBeLessThan(persisted);
    const stopping = d.gw.stop();
    await d.clock.advanceAsync(10_000);
    await stopping;
  }, 120_000);
});
