import { afterTurns } from '../helpers/turns.js';
import { FieldBuses } from '../../drivers/buses.js';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FirmataDriver } from '../../drivers/firmata/driver.js';
import { firmataIoConnector } from '../../drivers/firmata/firmata-io.js';
import type { FirmataConnector } from '../../drivers/firmata/io.js';
import { MockFirmataIo } from '../../drivers/firmata/mock-io.js';
import type { RawPoint } from '../../drivers/types.js';
import { firmataBoardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { isElevgwError } from '../../src/core/errors.js';
import { createLogger, silentLogger } from '../../src/core/log.js';
import { StandardFirmataPeer } from '../helpers/standard-firmata.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'arduino-firmata-sensorbox.yaml'), 'firmata');
const byName = (points: RawPoint[]) => Object.fromEntries(points.map((p) => [p.point, p]));

/** A connector handing out a fresh mock board per connection (each reconnect is a new USB session). */
function mockBoards() {
  const boards: MockFirmataIo[] = [];
  const connect: FirmataConnector = async () => {
    const io = new MockFirmataIo();
    boards.push(io);
    return io;
  };
  return { connect, boards, current: () => boards.at(-1)! };
}

let driver: FirmataDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function started(connect: FirmataConnector, b = board) {
  const clock = new FakeClock(0);
  driver = new FirmataDriver({ board: b, connect, clock, logger: silentLogger, reopenMinMs: 2000 });
  await driver.open();
  return { clock, driver };
}

describe('Firmata driver (arduino-firmata-sensorbox profile, mock IO)', () => {
  it('sets every pin up as an input (pull-ups where the profile says), analog channels as analog, never output', async () => {
    const m = mockBoards();
    await started(m.connect);
    const io = m.current();
    expect(io.modes.get(2)).toBe('pullup');
    expect(io.modes.get(6)).toBe('input');
    expect(io.modes.get(14)).toBe('analog'); // A0 on an Uno
    expect([...io.modes.values()]).not.toContain('output');
    expect(io.samplingIntervalMs).toBe(100);
  });

  it('reads nothing as bad until the board reports, then the reported levels and samples', async () => {
    const m = mockBoards();
    const { clock, driver: d } = await started(m.connect);
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    const io = m.current();
    for (const pin of [2, 3, 4, 5, 6, 7, 8, 9]) io.setDigital(pin, 1);
    io.setDigital(2, 0); // door closed contact closes → LOW
    io.setAnalog(0, 614);
    clock.advance(10);
    const p = byName(await d.poll('inputs'));
    expect(p.doorClosed).toMatchObject({ value: false, quality: 'good', at: 10 }); // raw LOW; the profile's invert makes it "closed"; a held level is current
    expect(p.doorOpen!.value).toBe(true);
    expect(p.upsBattery).toMatchObject({ value: 614, quality: 'good' });
    expect(d.health().state).toBe('ok');
  });

  it('holds digital levels while connected but lets an unreported analog value go stale', async () => {
    const m = mockBoards();
    const { clock, driver: d } = await started(m.connect);
    const io = m.current();
    for (const pin of [2, 3, 4, 5, 6, 7, 8, 9]) io.setDigital(pin, 1);
    io.setAnalog(0, 500);
    clock.advance(board.staleAfterMs + 1);
    const p = byName(await d.poll('inputs'));
    expect(p.doorClosed).toMatchObject({ quality: 'good', at: board.staleAfterMs + 1 }); // stamped with the poll: not stale downstream either
    expect(p.upsBattery!.quality).toBe('bad');
    expect(d.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'FIRMATA_STALE' });
  });

  it('when the Arduino is unplugged: every point bad at once, reconnected with back-off, good again', async () => {
    const m = mockBoards();
    const { clock, driver: d } = await started(m.connect);
    m.current().setDigital(2, 0);
    m.current().unplug();
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'FIRMATA_IO' });
    expect(m.boards).toHaveLength(1);
    clock.advance(2000);
    await d.poll('inputs'); // starts the reconnect in the background
    await afterTurns(() => expect(m.boards).toHaveLength(2));
    await afterTurns(() => expect(m.current().modes.get(2)).toBe('pullup'));
    m.current().setDigital(2, 1);
    expect(byName(await d.poll('inputs')).doorClosed).toMatchObject({ value: true, quality: 'good' });
  });

  it('never lets a poll wait for a slow handshake', async () => {
    let release: () => void = () => undefined;
    const slow: FirmataConnector = () =>
      new Promise((resolve) => {
        release = () => resolve(new MockFirmataIo());
      });
    const clock = new FakeClock(0);
    driver = new FirmataDriver({ board, connect: slow, clock, logger: silentLogger });
    void driver.open();
    expect((await driver.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    release();
  });

  it('does not throw when the board cannot be reached; retries after the back-off', async () => {
    let attempts = 0;
    const failing: FirmataConnector = async () => {
      attempts++;
      throw new Error('no Firmata handshake within 10000 ms (is StandardFirmata loaded?)');
    };
    const { clock, driver: d } = await started(failing);
    expect(d.health()).toMatchObject({ state: 'lost', lastError: expect.stringMatching(/StandardFirmata/) });
    await d.poll('inputs');
    expect(attempts).toBe(1);
    clock.advance(2000);
    await d.poll('inputs');
    await afterTurns(() => expect(attempts).toBe(2));
  });
});

describe('Firmata driver: a board whose pin set-up fails after the port opened', () => {
  /** Connects, then refuses an analog channel the way firmata-io does for one the board lacks. */
  class RefusingSetupIo extends MockFirmataIo {
    override analogRead(): void {
      throw new TypeError("Cannot set properties of undefined (setting 'report')");
    }
  }

  it('is closed again (its port free for the next attempt), its reports are no readings, and it is retried', async () => {
    const boards: RefusingSetupIo[] = [];
    const connect: FirmataConnector = async () => {
      boards.push(new RefusingSetupIo());
      return boards.at(-1)!;
    };
    const { clock, driver: d } = await started(connect);
    expect(boards[0]!.closed).toBe(true);
    expect(d.health()).toMatchObject({
      state: 'lost',
      lastErrorCode: 'FIRMATA_IO',
      lastError: expect.stringMatching(/mock firmata: setting the pins up failed: Cannot set properties of undefined/),
    });
    boards[0]!.setDigital(9, 0); // the abandoned board still reports "mains present"
    expect(byName(await d.poll('inputs')).mains).toMatchObject({ quality: 'bad' });
    clock.advance(2000);
    await d.poll('inputs');
    await afterTurns(() => expect(boards).toHaveLength(2));
    await afterTurns(() => expect(boards[1]!.closed).toBe(true));
  });

  it('a board unplugged and given up on feeds no readings either', async () => {
    const m = mockBoards();
    const { driver: d } = await started(m.connect);
    const old = m.current();
    old.unplug();
    old.setDigital(9, 0);
    expect(byName(await d.poll('inputs')).mains).toMatchObject({ quality: 'bad' });
  });
});

describe('Firmata driver: what a technician reads', () => {
  const reporting = (io: MockFirmataIo) => {
    for (const pin of [2, 3, 4, 5, 6, 7, 8, 9]) io.setDigital(pin, 1);
    io.setAnalog(0, 500);
  };

  it('an unknown poll group has no points; a group returns its own points only', async () => {
    const two = firmataBoardSchema().parse({
      ...board,
      pollGroups: [...board.pollGroups, { name: 'slow', intervalMs: 1000 }],
      points: board.points.map((p) => (p.name === 'upsBattery' ? { ...p, group: 'slow' } : p)),
    });
    const { driver: d } = await started(mockBoards().connect, two);
    expect(await d.poll('nothing')).toEqual([]);
    expect((await d.poll('slow')).map((p) => p.point)).toEqual(['upsBattery']);
    expect((await d.poll('inputs')).map((p) => p.point)).not.toContain('upsBattery');
  });

  it('a silent channel: degraded with the points named, counted once; again after a recovery', async () => {
    const m = mockBoards();
    const { clock, driver: d } = await started(m.connect);
    reporting(m.current());
    await d.poll('inputs');
    expect(d.health()).toMatchObject({ state: 'ok', failures: 0 });
    clock.advance(board.staleAfterMs + 1);
    for (let i = 0; i < 3; i++) await d.poll('inputs');
    expect(d.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'FIRMATA_STALE', lastError: 'no report for upsBattery', failures: 1 });
    m.current().setAnalog(0, 510);
    await d.poll('inputs');
    expect(d.health()).toMatchObject({ state: 'ok', lastErrorCode: 'FIRMATA_STALE' });
    clock.advance(board.staleAfterMs + 1);
    await d.poll('inputs');
    expect(d.health()).toMatchObject({ state: 'degraded', failures: 2 });
  });

  it('its log lines name the board; a board that cannot be reached is FIRMATA_IO, named by the board', async () => {
    const lines: { msg: string; board?: string; via?: string; code?: string }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    driver = new FirmataDriver({ board, connect: mockBoards().connect, clock: new FakeClock(0), logger });
    await driver.open();
    expect(lines.find((l) => l.msg === 'firmata board connected')).toMatchObject({ board: 'arduino-firmata-sensorbox', via: 'mock firmata' });
    await driver.close();
    driver = new FirmataDriver({
      board,
      connect: async () => {
        throw new Error('no Firmata handshake');
      },
      clock: new FakeClock(0),
      logger,
    });
    await driver.open();
    expect(driver.health()).toMatchObject({ lastErrorCode: 'FIRMATA_IO', lastError: 'open firmata board arduino-firmata-sensorbox: no Firmata handshake' });
    expect(lines.find((l) => l.code === 'FIRMATA_IO')).toMatchObject({ board: 'arduino-firmata-sensorbox' });
  });

  it('a board unplugged says so; a board given up on that reports its loss late changes nothing', async () => {
    const m = mockBoards();
    const { clock, driver: d } = await started(m.connect);
    const old = m.current();
    old.unplug('USB reset');
    expect(d.health().lastError).toBe('mock firmata lost: USB reset');
    clock.advance(2000);
    await d.poll('inputs');
    await afterTurns(() => expect(m.boards).toHaveLength(2));
    await afterTurns(async () => {
      reporting(m.current());
      await d.poll('inputs');
      expect(d.health().state).toBe('ok');
    });
    old.unplug('late');
    expect(d.health()).toMatchObject({ state: 'ok', link: 'open' });
    expect(byName(await d.poll('inputs')).doorClosed!.quality).toBe('good');
  });
});

describe('the arduino-firmata-sensorbox profile on an Uno running StandardFirmata (the real firmata-io)', () => {
  afterEach(() => StandardFirmataPeer.reset());

  it('connects, sets the contacts and A0 up, and reads the board good', async () => {
    StandardFirmataPeer.reset();
    const peer = new StandardFirmataPeer();
    const clock = new FakeClock(0);
    driver = new FirmataDriver({ board, connect: firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports }), clock, logger: silentLogger });
    const opening = driver.open();
    await peer.handshake();
    await opening;
    expect(driver.health()).toMatchObject({ link: 'open' });
    for (const pin of [3, 4, 5, 6, 7, 8, 9]) peer.digital(pin, 1);
    peer.digital(2, 0); // door closed: its contact pulls D2 LOW
    peer.analog(0, 614);
    await afterTurns(async () => {
      const p = byName(await driver!.poll('inputs'));
      expect(p.doorClosed).toMatchObject({ value: false, quality: 'good' });
      expect(p.upsBattery).toMatchObject({ value: 614, quality: 'good' });
    });
    expect(driver.health().state).toBe('ok');
  });
});

describe('the first reports after a connect', () => {
  afterEach(() => StandardFirmataPeer.reset());

  it('are awaited without a warning; a point still silent staleAfterMs after the set-up is one', async () => {
    StandardFirmataPeer.reset();
    const peer = new StandardFirmataPeer();
    const lines: { level: number; msg: string; code?: string }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    const clock = new FakeClock(0);
    driver = new FirmataDriver({ board, connect: firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports }), clock, logger });
    const opening = driver.open();
    await peer.handshake();
    await opening;
    expect((await driver.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true); // polled before the first reports arrive
    expect(driver.health().state).toBe('degraded');
    for (const pin of [2, 3, 4, 5, 6, 7]) peer.digital(pin, 1); // port 1 (D8 inspection, D9 mains) never reports
    peer.analog(0, 614);
    clock.advance(50);
    await afterTurns(async () => expect(byName(await driver!.poll('inputs')).upsBattery!.quality).toBe('good'));
    expect(driver.health().state).toBe('degraded'); // the silent port's first report may still be on its way
    expect(lines.filter((l) => l.level >= 40 || l.msg === 'reads good again')).toEqual([]);
    clock.advance(board.staleAfterMs);
    peer.analog(0, 615);
    await afterTurns(async () => expect(byName(await driver!.poll('inputs')).upsBattery!.value).toBe(615));
    expect(driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'FIRMATA_STALE', lastError: 'no report for inspection, mains' });
    expect(lines.filter((l) => l.code === 'FIRMATA_STALE')).toHaveLength(1);
  });
});

describe('a profile written for another board: checked against what StandardFirmata reports at open', () => {
  afterEach(() => StandardFirmataPeer.reset());

  it('names each point whose pin the board does not have, touches no pin, and frees the port', async () => {
    StandardFirmataPeer.reset();
    const peer = new StandardFirmataPeer(); // an Uno: D0–D19, A0–A5, D0/D1 its serial link
    const moved: Record<string, object> = { doorOpen: { pin: 50, mode: 'digital', pullup: true }, pir: { pin: 0, mode: 'digital' }, upsBattery: { pin: 7, mode: 'analog' } };
    const other = firmataBoardSchema().parse({ ...board, points: board.points.map((p) => (moved[p.name] ? { ...p, source: moved[p.name] } : p)) });
    driver = new FirmataDriver({
      board: other,
      connect: firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports }),
      clock: new FakeClock(0),
      logger: silentLogger,
    });
    const opening = driver.open();
    await peer.handshake();
    await opening;
    expect(driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'DRIVER_OPEN_FAILED' });
    expect(driver.health().lastError).toBe(
      'open firmata board arduino-firmata-sensorbox: board profile arduino-firmata-sensorbox.yaml does not fit the board: ' +
        'points[1] (doorOpen): pin 50 — the board reports pins 0–19; ' +
        'points[4] (pir): pin 0 — the board offers no input there (no mode at all: a pin StandardFirmata keeps, e.g. D0/D1 for its serial link on an Uno); ' +
        'points[8] (upsBattery): analog channel A7 — the board reports A0–A5',
    );
    expect(peer.port.isOpen).toBe(false);
    expect(peer.sent().includes(Buffer.from([0xf4]))).toBe(false); // no SET_PIN_MODE went out
  });
});

describe('Firmata without the optional firmata-io package', () => {
  it('reports health lost with a clear error instead of crashing', async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'firmata-io'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const { driver: d } = await started(firmataIoConnector({ path: '/dev/ttyACM0', baudRate: 57600, importFirmata: missing }));
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'DRIVER_OPEN_FAILED' });
    expect(d.health().lastError).toMatch(/optional package "firmata-io" \(npm install firmata-io\)/);
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
  });
});

describe('Firmata is read-only unless allow-listed', () => {
  it('refuses to drive an input pin or any unlisted pin, and never sets one to output', async () => {
    const m = mockBoards();
    const { driver: d } = await started(m.connect);
    for (const pin of [2, 13]) {
      const err = await d.writePin(pin, true).catch((e: unknown) => e);
      expect(isElevgwError(err, 'WRITE_NOT_ALLOWED')).toBe(true);
    }
    expect([...m.current().modes.values()]).not.toContain('output');
    expect(m.current().writes).toEqual([]);
  });

  it('drives a pin the profile allow-lists, and no other', async () => {
    const m = mockBoards();
    const { driver: d } = await started(m.connect, firmataBoardSchema().parse({ ...board, writable: [{ pin: 13 }] }));
    await d.writePin(13, true);
    expect(m.current().modes.get(13)).toBe('output');
    expect(m.current().writes).toEqual([{ pin: 13, value: 1 }]);
    const refused = await d.writePin(12, true).catch((e: unknown) => e);
    expect(isElevgwError(refused, 'WRITE_NOT_ALLOWED') && refused.context).toEqual({ board: 'arduino-firmata-sensorbox', pin: 12 });
    expect((refused as Error).message).toBe('board "arduino-firmata-sensorbox" does not allow driving pin 12 (writable: [{"pin":13}])');
  });

  it('an allow-listed pin cannot be driven while the board is not connected: says why', async () => {
    const failing: FirmataConnector = async () => {
      throw new Error('no Firmata handshake');
    };
    const { driver: d } = await started(failing, firmataBoardSchema().parse({ ...board, writable: [{ pin: 13 }] }));
    const err = await d.writePin(13, true).catch((e: unknown) => e);
    expect(isElevgwError(err, 'DRIVER_OPEN_FAILED')).toBe(true);
    expect((err as Error).message).toBe('firmata board not connected: open firmata board arduino-firmata-sensorbox: no Firmata handshake');
  });

  it('refuses a profile that allow-lists an input pin', () => {
    const r = firmataBoardSchema().safeParse({ ...board, writable: [{ pin: 2 }] });
    expect(r.error?.issues[0]).toMatchObject({ path: ['writable', 0, 'pin'], message: 'pin 2 is an input point: an input is never driven' });
  });
});

describe('Firmata through the driver factory, without the package or the board', () => {
  it('opening reports lost instead of throwing', async () => {
    const { createDriver } = await import('../../drivers/factory.js');
    const d = await createDriver({
      board,
      connection: { path: '/dev/elevgw-no-such-arduino', baudRate: 57600 },
      clock: new FakeClock(0),
      logger: silentLogger,
      buses: new FieldBuses(),
    });
    expect(d.kind).toBe('firmata');
    await d.open();
    expect(d.health().state).toBe('lost');
    expect(d.health().lastError).toMatch(/firmata-io|no-such-arduino/);
    await d.close();
  });
});
