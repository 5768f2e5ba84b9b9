import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { GpioDriver } from '../../../drivers/gpio/driver.js';
import { loadConfig } from '../../../src/config/load.js';
import { type EventPayload, payloadSchemas } from '../../../src/contract/payloads.js';
import { silentLogger } from '../../../src/core/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/platform/broker.js';
import { Gateway } from '../../../src/runtime/gateway.js';
import { startSimGpio, type SimGpioBoard } from '../../../src/sim/contact-boards.js';
import { SCENARIOS } from '../../../src/sim/scenarios.js';
import { tempDir } from '../../helpers/tmp.js';
import { expectTenSecondPowerCut, profileSiteYaml } from './site.js';

const { eventPayloadSchema } = payloadSchemas();

/**
 * `elevgw run` with boards/pi-gpio-sensorbox.yaml against the simulator: the virtual elevator
 * drives the header's (fake) lines through the profile's wiring (opto-isolated, active-low), the
 * real GPIO driver debounces them, and the gateway reports the power cut of the power-loss
 * scenario, seen on the UPS "mains OK" contact, to a platform subscriber.
 */
describe('pi-gpio-sensorbox profile against the simulator', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-profile-gpio-');
  let broker: EmbeddedBroker;
  let sub: mqtt.MqttClient;
  let sim: SimGpioBoard;
  let gw: Gateway;
  const events: EventPayload[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-gpio' });
    sub.on('message', (_t, p) => events.push(eventPayloadSchema.parse(JSON.parse(p.toString()))));
    await sub.subscribeAsync('elevgw/v1/gpio-gw/elevators/+/events', { qos: 1 });
    const config = loadConfig(
      tmp.file(
        'site.yaml',
        profileSiteYaml({ gatewayId: 'gpio-gw', board: 'pi-gpio-sensorbox', brokerUrl: broker.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: TIME_SCALE }),
      ),
    );
    const board = config.elevators[0]!.board;
    if (board.transport !== 'gpio') throw new Error(`pi-gpio-sensorbox uses ${board.transport}`);
    // Loops, so a full 10 s outage is seen however late the gateway comes up.
    sim = startSimGpio({ board, scenario: SCENARIOS['power-loss']!.scenario, timeScale: TIME_SCALE, loop: true });
    gw = new Gateway({
      config,
      logger: silentLogger,
      // The profile's own transport, on the simulator's lines instead of onoff/sysfs.
      driverFor: (e) => new GpioDriver({ board, lines: async () => sim.lines, clock: gw.clock, logger: silentLogger.child({ elevator: e.config.id }) }),
    });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
    await sub?.endAsync();
    await broker?.close();
    tmp.cleanup();
  });

  it('reports the 10 s power cut read from the mains contact, with door, zone and PIR read through the profile', async () => {
    const raised = await expectTenSecondPowerCut(events);
    // The car braked to a stop between floors 2 and 3, doors closed, nobody inside.
    expect(raised.state).toMatchObject({ mainsPower: false, door: 'closed', doorZone: false, occupied: false, inspection: false });
    expect(gw.monitors.get('E1')!.driverHealth().state).toBe('ok');
  });
});
