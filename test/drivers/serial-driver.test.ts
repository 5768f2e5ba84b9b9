import { afterTurns } from '../helpers/turns.js';
import { FieldBuses } from '../../drivers/buses.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { SerialFramedDriver } from '../../drivers/serial/driver.js';
import { mockBinding as MockBinding, type SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import type { RawPoint } from '../../drivers/types.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { encodeSensorboxFrame } from '../../src/sim/serial-sensorbox.js';
import type { SimState } from '../../src/sim/state.js';

const PATH = '/dev/ttyBOX';
const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'), 'serial-framed');
const base = new VirtualElevator().state();
const frame = (s: Partial<SimState> = {}) => encodeSensorboxFrame({ ...base, ...s });

/** node-serialport's mock ports, remembering each one the driver opens. */
function recordingMockPorts() {
  const opened: SerialPortMock[] = [];
  let attempts = 0;
  const ports: SerialPortFactory = (s) => {
    attempts++;
    const p = new SerialPortMock({ ...s, autoOpen: false });
    opened.push(p);
    return p;
  };
  return {
    ports,
    attempts: () => attempts,
    /** Bytes arriving from the box on the port the driver has open. */
    send(data: Buffer) {
      opened.at(-1)!.port!.emitData(data);
    },
    /** The USB adapter is pulled: the pending read fails with EIO, as the real binding's does. */
    async unplug() {
      const binding = opened.at(-1)!.port as unknown as { pendingRead: ((err?: Error) => void) | null };
      await afterTurns(() => expect(binding.pendingRead).not.toBeNull());
      MockBinding.reset();
      binding.pendingRead!(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    },
    written: () => opened.reduce((n, p) => n + (p.port?.recording.length ?? 0), 0),
  };
}

const byName = (points: RawPoint[]) => Object.fromEntries(points.map((p) => [p.point, p]));

let clock: FakeClock;
let mock: ReturnType<typeof recordingMockPorts>;
let driver: SerialFramedDriver;

beforeEach(async () => {
  MockBinding.reset();
  MockBinding.createPort(PATH, { echo: false, record: true });
  clock = new FakeClock(1000);
  mock = recordingMockPorts();
  driver = new SerialFramedDriver({ board, connection: { path: PATH, baudRate: 115200 }, ports: mock.ports, clock, logger: silentLogger, reopenMinMs: 500, reopenMaxMs: 2000 });
  await driver.open();
});

afterEach(async () => {
  await driver.close();
  MockBinding.reset();
});

describe('framed serial driver (serial-sensorbox profile over @serialport/binding-mock)', () => {
  it('reads nothing as bad before the first frame, then the latest frame as good values with their arrival time', async () => {
    expect((await driver.poll('fast')).every((p) => p.quality === 'bad')).toBe(true);
    mock.send(frame({ positionMm: -1234, speedMps: -1.5, doorClosed: false, doorOpen: true, doorZoneUpper: true, doorZoneLower: false, alarmButton: true, heartbeat: 300 }));
    await afterTurns(() => expect(driver.stats().frames).toBe(1));
    const p = byName(await driver.poll('fast'));
    expect(p.position).toMatchObject({ value: -1234, quality: 'good', at: 1000 });
    expect(p.speed!.value).toBe(-1500);
    expect([p.doorClosed!.value, p.doorOpen!.value, p.zoneUpper!.value, p.zoneLower!.value, p.alarmButton!.value]).toEqual([false, true, true, false, true]);
    expect(p.heartbeat!.value).toBe(300 & 0xff);
    expect(p.version!.value).toBe(1);
    expect(driver.health().state).toBe('ok');
  });

  it('keeps a value good within staleAfterMs and bad after it, without a new frame', async () => {
    mock.send(frame());
    await afterTurns(() => expect(driver.stats().frames).toBe(1));
    clock.advance(board.staleAfterMs);
    expect(byName(await driver.poll('fast')).position).toMatchObject({ quality: 'good', at: 1000 });
    clock.advance(1);
    expect((await driver.poll('fast')).every((p) => p.quality === 'bad')).toBe(true);
    expect(driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'SERIAL_STALE' });
  });

  it('skips garbage and a corrupted frame, counts them, and takes the next good frame', async () => {
    const corrupt = frame({ positionMm: 999 });
    corrupt[5]! ^= 0x10;
    mock.send(Buffer.concat([Buffer.from([0x00, 0xaa, 0x13, 0x55]), corrupt, frame({ positionMm: 4200 })]));
    await afterTurns(() => expect(driver.stats().frames).toBe(1));
    expect(byName(await driver.poll('fast')).position!.value).toBe(4200);
    expect(driver.stats()).toMatchObject({ checksumErrors: 1 });
    expect(driver.stats().skippedBytes).toBeGreaterThan(4);
    expect(driver.health()).toMatchObject({ state: 'ok', lastErrorCode: 'FRAME_INVALID' });
  });

  it('when the port disappears: every point bad at once, reopened with back-off, good again without a restart', async () => {
    mock.send(frame({ positionMm: 3000 }));
    await afterTurns(() => expect(driver.stats().frames).toBe(1));
    await mock.unplug();
    await afterTurns(() => expect(driver.health().state).toBe('lost'));
    expect((await driver.poll('fast')).every((p) => p.quality === 'bad')).toBe(true);
    expect(mock.attempts()).toBe(1); // within the back-off: no reopen yet

    clock.advance(500);
    await driver.poll('fast'); // device still gone: the reopen fails, the delay doubles
    expect(mock.attempts()).toBe(2);
    expect(driver.health().lastError).toMatch(/open \/dev\/ttyBOX/);
    clock.advance(500);
    await driver.poll('fast');
    expect(mock.attempts()).toBe(2);

    MockBinding.createPort(PATH, { echo: false, record: true }); // plugged back in
    clock.advance(500);
    await driver.poll('fast');
    expect(mock.attempts()).toBe(3);
    mock.send(frame({ positionMm: 6000 }));
    await afterTurns(async () => expect(byName(await driver.poll('fast')).position).toMatchObject({ value: 6000, quality: 'good' }));
    expect(driver.health().state).toBe('ok');
  });

  it('never writes to the box', async () => {
    mock.send(frame());
    await afterTurns(() => expect(driver.stats().frames).toBe(1));
    await driver.poll('fast');
    expect(mock.written()).toBe(0);
  });

  it('does not throw when the port cannot be opened; health says why', async () => {
    const d = new SerialFramedDriver({ board, connection: { path: '/dev/nothing', baudRate: 115200 }, ports: mock.ports, clock, logger: silentLogger });
    await d.open();
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'SERIAL_IO' });
    expect((await d.poll('fast')).every((p) => p.quality === 'bad')).toBe(true);
    expect(await d.poll('no-such-group')).toEqual([]);
    await d.close();
  });
});

describe('framed serial through the driver factory', () => {
  it('uses the real serial binding: a missing device is health lost, not an exception', async () => {
    const { createDriver } = await import('../../drivers/factory.js');
    const d = await createDriver({
      board,
      connection: { path: '/dev/elevgw-no-such-box', baudRate: 115200 },
      clock: new FakeClock(0),
      logger: silentLogger,
      buses: new FieldBuses(),
    });
    expect(d.kind).toBe('serial-framed');
    await d.open();
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'SERIAL_IO' });
    expect(d.health().lastError).toMatch(/no-such-box/);
    await d.close();
  });
});
