import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { FirmataDriver } from '../../../drivers/firmata/driver.js';
import { loadConfig } from '../../../src/config/load.js';
import { type EventPayload, payloadSchemas } from '../../../src/contract/payloads.js';
import { silentLogger } from '../../../src/core/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/platform/broker.js';
import { Gateway } from '../../../src/runtime/gateway.js';
import { startSimFirmata, type SimFirmataBoard } from '../../../src/sim/contact-boards.js';
import { SCENARIOS } from '../../../src/sim/scenarios.js';
import { tempDir } from '../../helpers/tmp.js';
import { expectTenSecondPowerCut, profileSiteYaml } from './site.js';

const { eventPayloadSchema } = payloadSchemas();

/**
 * `elevgw run` with boards/arduino-firmata-sensorbox.yaml against the simulator: the virtual
 * elevator plays a StandardFirmata board (mock IO) whose pins follow the profile's wiring
 * (contacts to GND on pull-ups, read inverted; PIR active-high), digital pins reporting on change;
 * the real Firmata driver reads them and the gateway reports the power cut of the power-loss
 * scenario, seen on the UPS "mains OK" contact, to a platform subscriber.
 */
describe('arduino-firmata-sensorbox profile against the simulator', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-profile-firmata-');
  let broker: EmbeddedBroker;
  let sub: mqtt.MqttClient;
  let sim: SimFirmataBoard;
  let gw: Gateway;
  const events: EventPayload[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-firmata' });
    sub.on('message', (_t, p) => events.push(eventPayloadSchema.parse(JSON.parse(p.toString()))));
    await sub.subscribeAsync('elevgw/v1/firmata-gw/elevators/+/events', { qos: 1 });
    const config = loadConfig(
      tmp.file(
        'site.yaml',
        profileSiteYaml({
          gatewayId: 'firmata-gw',
          board: 'arduino-firmata-sensorbox',
          connection: '{ path: /dev/ttyACM0, baudRate: 57600 }', // never opened: the simulator's board is injected
          brokerUrl: broker.url,
          outboxPath: join(tmp.dir, 'outbox.db'),
          timeScale: TIME_SCALE,
        }),
      ),
    );
    const board = config.elevators[0]!.board;
    if (board.transport !== 'firmata') throw new Error(`arduino-firmata-sensorbox uses ${board.transport}`);
    // Loops, so a full 10 s outage is seen however late the gateway comes up. UPS battery 13.5 V on A0.
    sim = startSimFirmata({ board, scenario: SCENARIOS['power-loss']!.scenario, timeScale: TIME_SCALE, loop: true, unwired: { upsBattery: 13.5 / 0.01955 } });
    gw = new Gateway({
      config,
      logger: silentLogger,
      // The profile's own transport, on the simulator's board instead of firmata-io on a USB port.
      driverFor: (e) => new FirmataDriver({ board, connect: sim.connect, clock: gw.clock, logger: silentLogger.child({ elevator: e.config.id }) }),
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

  it('reports the 10 s power cut read from the mains pin, with door, zone and PIR read through the profile', async () => {
    const raised = await expectTenSecondPowerCut(events);
    // The car braked to a stop between floors 2 and 3, doors closed, nobody inside.
    expect(raised.state).toMatchObject({ mainsPower: false, door: 'closed', doorZone: false, occupied: false, inspection: false });
    expect(sim.boards).toHaveLength(1);
    expect(sim.boards[0]!.writes).toEqual([]); // monitoring only
    expect(gw.monitors.get('E1')!.driverHealth().state).toBe('ok');
  });
});
