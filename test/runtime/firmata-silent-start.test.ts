import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FirmataDriver } from '../../drivers/firmata/driver.js';
import { firmataIoConnector } from '../../drivers/firmata/firmata-io.js';
import type { Driver } from '../../drivers/types.js';
import type { FirmataBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile, type LoadedElevator } from '../../src/config/load.js';
import { DiagClient } from '../../src/cli/diag-client.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger, silentLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { StandardFirmataPeer } from '../helpers/standard-firmata.js';
import { tempDir } from '../helpers/tmp.js';
import { afterTurns } from '../helpers/turns.js';

const tmp = tempDir('elevgw-fstart-');
afterEach(() => {
  StandardFirmataPeer.reset();
  tmp.cleanup();
});

/**
 * A site whose first elevator is read through an Arduino that never answers (StandardFirmata not
 * loaded, or the board still in its bootloader) and whose second is a Modbus controller. firmata-io
 * waits up to 10 s for the handshake; the gateway's start, the second elevator and the diagnostics
 * socket must not wait with it. Every timer runs on one FakeClock: nothing here sleeps.
 */
describe('a gateway with a silent Firmata board', () => {
  it('starts, reads the other elevator and answers `elevgw health` while the handshake is pending; the board is lost once it times out', async () => {
    const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 0, 0, 0));
    const peer = new StandardFirmataPeer(); // the device exists; nothing on it ever answers
    const base = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, gatewayId: 'fs-gw' });
    const modbus = base.elevators[0]!;
    const arduino: LoadedElevator = {
      ...modbus,
      config: { ...modbus.config, id: 'F1', registrationCode: '31104201002026110009', connection: { path: peer.path, baudRate: 57600 } },
      board: loadBoardFile(join(BUILTIN_BOARDS_DIR, 'arduino-firmata-sensorbox.yaml'), 'firmata'),
    };
    const config = { ...base, elevators: [arduino, modbus] };
    const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock, loop: true });
    const modbusDriver = simDriverFor(sim, clock);
    const opened: string[] = [];
    const lines: { code?: string; err?: string; msg: string }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    const driverFor = (e: LoadedElevator): Driver => {
      opened.push(e.config.id);
      if (e.config.id !== 'F1') return modbusDriver(e);
      const connect = firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports, io: clock });
      return new FirmataDriver({ board: e.board as FirmataBoardProfile, connect, clock, logger });
    };
    const gw = new Gateway({ config, logger: silentLogger, clock, clockSynced: () => true, mqttConnect: new FakeBroker(clock, 5).connect, driverFor });

    let started = false;
    const starting = gw.start().then(() => (started = true));
    await afterTurns(() => expect(started).toBe(true), 5000);
    await peer.portOpen(); // the port is open, the handshake still pending
    expect(opened).toEqual(['F1', 'E1']);

    const client = await DiagClient.connect(config.diagSocketPath);
    client.send({ op: 'health' });
    const answer = await client.next();
    client.close();
    expect(answer?.kind === 'health' && answer.health.elevators.map((e) => [e.id, e.driver])).toEqual([
      ['F1', 'lost'],
      ['E1', 'ok'],
    ]);

    await clock.advanceAsync(10_000);
    expect(gw.status().elevators?.find((e) => e.id === 'F1')?.driver).toBe('lost');
    expect(JSON.stringify(lines.filter((l) => l.code === 'FIRMATA_IO'))).toMatch(/no Firmata handshake within 10000 ms/);
    await starting;
    const stopping = gw.stop();
    await clock.advanceAsync(10_000);
    await stopping;
  });

  it('its driver closes at once while the handshake is pending (the service stopping): the port closed, no failure logged', async () => {
    const clock = new FakeClock();
    const peer = new StandardFirmataPeer();
    const lines: { code?: string; msg: string }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'arduino-firmata-sensorbox.yaml'), 'firmata') as FirmataBoardProfile;
    const driver = new FirmataDriver({ board, connect: firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports, io: clock }), clock, logger });
    driver.openInBackground();
    await peer.portOpen();

    // No clock advance: a close that waited for the 10 s handshake timeout would never end here.
    let closed = false;
    const closing = driver.close().then(() => (closed = true));
    await afterTurns(() => expect(closed).toBe(true), 5000);
    await closing;
    expect(peer.port.isOpen).toBe(false);
    expect(lines.filter((l) => l.code === 'FIRMATA_IO')).toEqual([]);
  });
});
