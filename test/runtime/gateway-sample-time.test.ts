import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { contractProblems } from '../helpers/contract-check.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { readOutbox } from '../helpers/child-gateway.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

const MINUTE = 60_000;

/**
 * A whole gateway in sample time: the simulated building (the demo loop: trips, a door opening
 * at speed, overspeed, a trapped passenger, a power cut, every 3 minutes) → the real Modbus
 * driver → rules → the SQLite outbox → the uplink, publishing into an in-memory broker. Every
 * timer runs on one FakeClock, so an hour with a 10-minute broker outage in its middle takes
 * well under two seconds and comes out the same every time.
 */
describe('a whole gateway for one simulated hour, with a 10-minute broker outage', () => {
  // On memory: this test is about the pipeline's logic and timing, not the SD card (power-cuts.test.ts is).
  const tmp = tempDir('elevgw-sample-', '/dev/shm');
  afterAll(() => tmp.cleanup());

  it('stores every event once and delivers each exactly once, in order per lane, the outage only delaying them', async () => {
    const started = performance.now();
    const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 0, 0, 0)); // 08:00 in Wuhan
    // The platform's side: every message the gateway publishes is checked against the contract table's schema for its topic.
    const broker = new FakeBroker(clock, 5, { validate: (m) => contractProblems(m.topic, m.payload) });
    const sim = new SimHost({ scenario: SCENARIOS.demo!.scenario, clock, loop: true });
    const dbPath = join(tmp.dir, 'outbox.db');
    const config = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'st-gw' });
    config.site.uplink.telemetryIntervalS = 10;
    config.site.uplink.drainRatePerS = 50;
    const gw = new Gateway({
      config,
      logger: silentLogger,
      clock,
      clockSynced: () => true,
      timeZone: 'Asia/Shanghai',
      mqttConnect: broker.connect,
      driverFor: simDriverFor(sim, clock),
    });
    const events = () => broker.on('elevgw/v1/st-gw/elevators/+/events').map((m) => JSON.parse(m.payload) as { id: string; type: string; phase: string; severity: string });

    await gw.start();
    await clock.advanceAsync(25 * MINUTE);
    const beforeOutage = events().length;
    broker.down();
    await clock.advanceAsync(10 * MINUTE);
    const duringOutage = events().length;
    const backlogAtReturn = gw.outbox.stats().pending;
    broker.up();
    await clock.advanceAsync(25 * MINUTE);
    const stopping = gw.stop();
    await clock.advanceAsync(10_000);
    await stopping;
    const wallMs = performance.now() - started;

    const stored = readOutbox(dbPath, "kind = 'event' AND elevator_id IS NOT NULL");
    const delivered = events();
    const ids = delivered.map((e) => e.id);
    // Every stored event arrived, nothing arrived twice, nothing arrived that was not stored.
    expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
    expect([...ids].sort()).toEqual(stored.map((r) => r.id).sort());
    expect(
      stored.every((r) => r.delivered),
      'every stored event acknowledged',
    ).toBe(true);
    // In order within each lane (append order = seq order); a more important lane may overtake.
    const seqOf = new Map(stored.map((r) => [r.id, r.seq]));
    const laneOf = new Map(stored.map((r) => [r.id, r.priority]));
    for (const lane of new Set(laneOf.values())) {
      const seqs = ids.filter((id) => laneOf.get(id) === lane).map((id) => seqOf.get(id)!);
      expect(seqs, `lane ${lane} in append order`).toEqual([...seqs].sort((a, b) => a - b));
    }
    // The hour really was busy, and the outage really held events back.
    const types = new Set(delivered.map((e) => e.type));
    for (const t of ['door-open-while-moving', 'overspeed', 'trapped', 'power-loss']) expect(types, t).toContain(t);
    expect(beforeOutage).toBeGreaterThan(20);
    expect(duringOutage, 'nothing published while the broker was down').toBe(beforeOutage);
    expect(backlogAtReturn, 'events kept coming during the outage, stored').toBeGreaterThan(10);
    expect(broker.on('elevgw/v1/st-gw/elevators/+/telemetry').length).toBeGreaterThan(250);
    expect(broker.on('elevgw/v1/st-gw/elevators/+/stats').length, 'the 09:00 roll-up').toBe(1);
    expect(broker.retained.get('elevgw/v1/st-gw/status')).toContain('"offline"');
    // Contract 1.1: every message valid for its topic, and still readable by a 1.0 parser.
    expect(broker.invalid.slice(0, 10), `${broker.invalid.length} invalid messages`).toEqual([]);
    expect(broker.on('elevgw/v1/st-gw/elevators/E1/info').length, 'the retained info at each connection').toBeGreaterThanOrEqual(2);
    // MQTT 5 on every connection: each publish says JSON, and telemetry expires after two periods.
    expect(new Set(broker.protocolVersions)).toEqual(new Set([5]));
    expect(broker.accepted.filter((m) => m.protocolVersion === 5 && m.properties?.contentType !== 'application/json')).toEqual([]);
    expect(new Set(broker.on('elevgw/v1/st-gw/elevators/+/telemetry').map((m) => m.properties?.messageExpiryInterval))).toEqual(new Set([20]));
    console.log(`whole gateway, 1 simulated hour: ${delivered.length} events, ${broker.accepted.length} messages, ${Math.round(wallMs)} ms wall`);
  });
});
