import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { type EventPayload, type StatsPayload, payloadSchemas } from '../../src/contract/payloads.js';
import { contractProblems } from '../helpers/contract-check.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig } from '../helpers/gateway.js';

const { eventPayloadSchema, statsPayloadSchema } = payloadSchemas();

/**
 * The whole slice: the trapped scenario served by the simulator as a Modbus TCP slave,
 * read by the real Modbus driver through boards/sim-modbus.yaml, the rules, the SQLite
 * outbox and a real mosquitto broker, to a platform subscriber.
 */
describe('trapped passenger, end to end', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir();
  let mosq: Mosquitto;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let sub: mqtt.MqttClient;
  const received: EventPayload[] = [];
  const stats: StatsPayload[] = [];
  /** The platform's contract check of every message of the gateway (test/helpers/contract-check.ts). */
  let check: mqtt.MqttClient;
  const checked: string[] = [];
  const invalid: string[] = [];

  beforeAll(async () => {
    mosq = await Mosquitto.start();
    sub = await mqtt.connectAsync(mosq.url, { clientId: 'platform-it' });
    sub.on('message', (t, p) => {
      if (t.endsWith('/stats')) stats.push(statsPayloadSchema.parse(JSON.parse(p.toString())));
      else received.push(eventPayloadSchema.parse(JSON.parse(p.toString())));
    });
    await sub.subscribeAsync(['elevgw/v1/it-gw/elevators/+/events', 'elevgw/v1/it-gw/elevators/+/stats'], { qos: 1 });
    check = await mqtt.connectAsync(mosq.url, { clientId: 'platform-contract', protocolVersion: 5 });
    check.on('message', (t, p) => {
      checked.push(t);
      invalid.push(...contractProblems(t, p.toString()));
    });
    await check.subscribeAsync('elevgw/v1/it-gw/#', { qos: 1 });
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.trapped!.scenario, timeScale: TIME_SCALE, loop: false });
    gw = new Gateway({
      config: siteConfig({ simPort: sim.port, brokerUrl: mosq.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: TIME_SCALE }),
      logger: silentLogger,
    });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sub?.endAsync();
    await check?.endAsync();
    await sim?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  it('delivers exactly one trapped raised event, with the registration code, stored in SQLite first', async () => {
    await vi.waitFor(() => expect(received.some((e) => e.type === 'trapped' && e.phase === 'cleared')).toBe(true), { timeout: 60_000, interval: 100 });
    const raised = received.filter((e) => e.type === 'trapped' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    const ev = raised[0]!;
    expect(ev.elevator?.registrationCode).toBe('31104201002026110001');
    expect(ev.severity).toBe('critical');
    expect(ev.code).toBe('11');
    expect(ev.state?.occupied).toBe(true);
    expect(ev.state?.door).toBe('closed');
    expect(ev.state?.doorZone).toBe(false);

    const db = new Database(join(tmp.dir, 'outbox.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT id, delivered_at FROM records WHERE id = ?').get(ev.id) as { id: string; delivered_at: number | null } | undefined;
      expect(row?.id).toBe(ev.id);
      expect(row?.delivered_at).not.toBeNull();
    } finally {
      db.close();
    }
  });

  it('rolls up statistics that reach the platform in the stats lane, with the fault counted', async () => {
    gw.rollup('hour');
    await vi.waitFor(() => expect(stats).toHaveLength(1), { timeout: 10_000 });
    const s = stats[0]!;
    expect(s.period).toBe('hour');
    expect(s.elevator.registrationCode).toBe('31104201002026110001');
    expect(s.trips).toBeGreaterThanOrEqual(1);
    expect(s.faults).toMatchObject({ trapped: 1 });
  });

  it('sends only valid contract 1.1 messages, each also readable by a 1.0 parser', () => {
    expect(new Set(checked.map((t) => t.split('/').slice(3).join('/')))).toEqual(new Set(['status', 'events', 'elevators/E1/info', 'elevators/E1/events', 'elevators/E1/stats']));
    expect(invalid).toEqual([]);
  });
});
