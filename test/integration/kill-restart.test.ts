import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { CLI, readOutbox, runGateway, stopChild as killed } from '../helpers/child-gateway.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';
import { siteYaml } from '../helpers/gateway.js';

/**
 * Power cut between store and send: the gateway process is killed with SIGKILL after the
 * event is committed to SQLite but before any broker could take it; on restart it is delivered
 * with the same id.
 */
describe('gateway killed with SIGKILL after storing, before publishing', () => {
  const tmp = tempDir();
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let mosq: Mosquitto | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    expect(existsSync(CLI), 'child-gateway.ts builds dist/ when it is older than the sources').toBe(true);
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS['door-open-while-moving']!.scenario, timeScale: 10, loop: true });
  });

  afterAll(async () => {
    if (child) await killed(child, 'SIGKILL');
    await sim?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  it('delivers the stored event after restart, with the id it was stored under', async () => {
    const brokerPort = await freePort(); // nothing listens here during the first run
    const dbPath = join(tmp.dir, 'outbox.db');
    const config = tmp.file('site.yaml', siteYaml({ simPort: sim.port, brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, outboxPath: dbPath, timeScale: 10 }));

    child = runGateway(config);
    await vi.waitFor(() => expect(readOutbox(dbPath, "kind = 'event' AND elevator_id IS NOT NULL").some((r) => r.type === 'door-open-while-moving')).toBe(true), {
      timeout: 60_000,
      interval: 100,
    });
    await killed(child, 'SIGKILL');
    const stored = readOutbox(dbPath, "kind = 'event' AND elevator_id IS NOT NULL");
    const target = stored.find((r) => r.type === 'door-open-while-moving')!;
    expect(target.delivered).toBe(false);

    mosq = await Mosquitto.startOn(brokerPort);
    const sub = await mqtt.connectAsync(mosq.url, { clientId: 'platform-kill' });
    const ids: string[] = [];
    sub.on('message', (_t, p) => ids.push((JSON.parse(p.toString()) as { id: string }).id));
    await sub.subscribeAsync('elevgw/v1/it-gw/elevators/+/events', { qos: 1 });

    child = runGateway(config);
    // Every event committed before the kill arrives, under the id it was stored with.
    await vi.waitFor(() => expect(ids).toEqual(expect.arrayContaining(stored.map((r) => r.id))), { timeout: 60_000, interval: 100 });
    expect(ids).toContain(target.id);
    await killed(child, 'SIGTERM');
    await sub.endAsync();
  });
});
