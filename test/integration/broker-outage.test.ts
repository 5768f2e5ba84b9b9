import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { EventIdFactory } from '../../src/core/ids.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { parseScenario } from '../../src/sim/scenario.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig } from '../helpers/gateway.js';

const BACKLOG = 3000;

/**
 * A long broker outage: thousands of events wait in the outbox while mosquitto is down. When it
 * comes back they all arrive, in order, at the configured drain rate — and a critical fault raised
 * during the drain overtakes the backlog.
 */
describe('broker outage with a backlog of thousands of events', () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'outbox.db');
  let mosq: Mosquitto;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let sub: mqtt.MqttClient | undefined;
  const arrivals: { id: string; type: string; severity: string }[] = [];
  const backlogIds: string[] = [];

  beforeAll(async () => {
    // The events a gateway accumulated during a long outage, already committed.
    const outbox = SqliteOutbox.open(dbPath, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 });
    const ids = new EventIdFactory(Date.now);
    const records: NewRecord[] = Array.from({ length: BACKLOG }, (_, i) => {
      const id = ids.next();
      backlogIds.push(id);
      return { id, kind: 'event', elevatorId: 'E1', priority: PRIORITY.warning, createdAt: Date.now(), payload: JSON.stringify({ v: 1, id, type: 'door-open-too-long', severity: 'warning', n: i }) };
    });
    for (let i = 0; i < records.length; i += 500) outbox.append(records.slice(i, i + 500));
    outbox.close();

    // The platform holds a persistent session, so what the broker accepts while it reconnects is queued for it.
    mosq = await Mosquitto.startPersistent();
    sub = await mqtt.connectAsync(mosq.url, { clientId: 'platform-outage', clean: false, reconnectPeriod: 200 });
    sub.on('message', (_t, p) => {
      const e = JSON.parse(p.toString()) as { id: string; type: string; severity: string };
      arrivals.push({ id: e.id, type: e.type, severity: e.severity });
    });
    await sub.subscribeAsync('elevgw/v1/out-gw/elevators/+/events', { qos: 1 });
    await mosq.stop(); // the outage
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: parseScenario({ name: 'idle', durationS: 100_000 }), timeScale: 10, loop: false });
    const config = siteConfig({ simPort: sim.port, brokerUrl: mosq.url, outboxPath: dbPath, timeScale: 10, gatewayId: 'out-gw' });
    config.site.uplink.drainRatePerS = 300;
    gw = new Gateway({ config, logger: silentLogger });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sub?.endAsync();
    await sim?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  it('delivers the whole backlog in order, and a critical fault raised during the drain overtakes it', async () => {
    expect(gw.outbox.stats().pending).toBeGreaterThanOrEqual(BACKLOG);
    await mosq.start(); // the broker is back

    // While the backlog drains, a car travels and its door opens at speed: a critical fault.
    await vi.waitFor(() => expect(arrivals.length).toBeGreaterThan(200), { timeout: 30_000 });
    sim.sim.elevator.call(9);
    await vi.waitFor(() => expect(Math.abs(sim.sim.state().speedMps)).toBeGreaterThan(1), { timeout: 10_000 });
    sim.sim.elevator.openDoorWhileMoving(1500);

    await vi.waitFor(() => expect(gw.outbox.stats().pending).toBe(0), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(arrivals.filter((a) => backlogIds.includes(a.id)).length).toBe(BACKLOG), { timeout: 10_000 });

    const backlogOrder = arrivals.filter((a) => backlogIds.includes(a.id)).map((a) => a.id);
    expect(backlogOrder).toEqual(backlogIds);
    const critical = arrivals.findIndex((a) => a.type === 'door-open-while-moving');
    const lastBacklog = arrivals.findIndex((a) => a.id === backlogIds.at(-1));
    expect(critical, 'the critical fault arrived').toBeGreaterThan(0);
    expect(critical, 'the critical fault overtook the backlog').toBeLessThan(lastBacklog);
  }, 120_000);
});
