import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../../../src/config/load.js';
import { type EventPayload, payloadSchemas } from '../../../src/contract/payloads.js';
import { silentLogger } from '../../../src/core/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/platform/broker.js';
import { Gateway } from '../../../src/runtime/gateway.js';
import { startSimDiModuleRtu, type SimDiModuleRtu } from '../../../src/sim/di-module.js';
import { startPtyPair, type PtyPair } from '../../../src/sim/pty-pair.js';
import { SCENARIOS } from '../../../src/sim/scenarios.js';
import { tempDir } from '../../helpers/tmp.js';
import { expectTenSecondPowerCut, profileSiteYaml } from './site.js';

const { eventPayloadSchema } = payloadSchemas();

/**
 * `elevgw run` with boards/rs485-di-module.yaml against the simulator: the virtual elevator's
 * contacts, wired as the profile's comment says (fail-safe PIR, inspection and mains contacts),
 * are served as discrete inputs 0–7 by the simulator's Modbus RTU slave on one end of a socat pty
 * pair; the gateway reads the other end with the real RTU driver (FC2) and reports the power cut
 * of the power-loss scenario to a platform subscriber.
 */
describe('rs485-di-module profile against the simulator over Modbus RTU', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-profile-di-');
  let pair: PtyPair;
  let sim: SimDiModuleRtu;
  let broker: EmbeddedBroker;
  let sub: mqtt.MqttClient;
  let gw: Gateway;
  const events: EventPayload[] = [];

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    // Loops, so a full 10 s outage is seen however late the gateway comes up.
    sim = await startSimDiModuleRtu({ path: pair.a, unitId: 3, scenario: SCENARIOS['power-loss']!.scenario, timeScale: TIME_SCALE, loop: true });
    broker = await startEmbeddedBroker();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-di' });
    sub.on('message', (_t, p) => events.push(eventPayloadSchema.parse(JSON.parse(p.toString()))));
    await sub.subscribeAsync('elevgw/v1/di-gw/elevators/+/events', { qos: 1 });
    const config = loadConfig(
      tmp.file(
        'site.yaml',
        profileSiteYaml({
          gatewayId: 'di-gw',
          board: 'rs485-di-module',
          connection: `{ path: "${pair.b}", baudRate: 9600, parity: none, unitId: 3 }`,
          brokerUrl: broker.url,
          outboxPath: join(tmp.dir, 'outbox.db'),
          timeScale: TIME_SCALE,
        }),
      ),
    );
    gw = new Gateway({ config, logger: silentLogger });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sub?.endAsync();
    await broker?.close();
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('reports the 10 s power cut read from DI6, with door, zone, PIR, inspection and safety inputs read through the profile', async () => {
    const raised = await expectTenSecondPowerCut(events);
    // The car braked to a stop between floors 2 and 3, doors closed, nobody inside, safety chain closed.
    expect(raised.state).toMatchObject({ mainsPower: false, door: 'closed', doorZone: false, occupied: false, inspection: false, safetyCircuit: true });
    const health = gw.monitors.get('E1')!.driverHealth();
    expect(health.state).toBe('ok');
    expect(health.errorsByCode).toEqual({});
    expect(sim.server.requests).toBeGreaterThan(10);
  });
});
