import { join } from 'node:path';
import { FirmataDriver } from '../../../drivers/firmata/driver.js';
import { MockFirmataIo } from '../../../drivers/firmata/mock-io.js';
import { GpioDriver } from '../../../drivers/gpio/driver.js';
import { FakeGpioLines } from '../../../drivers/gpio/fake-lines.js';
import type { Level } from '../../../drivers/gpio/lines.js';
import { BusQueue } from '../../../drivers/kernel/bus-queue.js';
import type { SerialPortFactory } from '../../../drivers/kernel/serial-port.js';
import { ModbusDriver } from '../../../drivers/modbus/driver.js';
import { modbusRtuLink, RtuPorts } from '../../../drivers/modbus/rtu-link.js';
import { RetrofitDriver } from '../../../drivers/retrofit/driver.js';
import { FakeI2cBus } from '../../../drivers/retrofit/fake-i2c.js';
import type { I2cDevice } from '../../../drivers/retrofit/i2c.js';
import { johnnyFiveLink, loadJohnnyFive } from '../../../drivers/retrofit/johnny-five.js';
import { MockIoBoard } from '../../../drivers/retrofit/mock-board.js';
import { piRetrofitConnector } from '../../../drivers/retrofit/pi-i2c.js';
import { SerialFramedDriver } from '../../../drivers/serial/driver.js';
import type { ModbusBoardProfile } from '../../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../../src/config/load.js';
import { FakeClock } from '../../../src/core/clock.js';
import { ElevgwError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { VirtualElevator } from '../../../src/sim/elevator.js';
import { startModbusRtuServer, type ModbusRtuServer } from '../../../src/sim/modbus-rtu-server.js';
import { Bmp280Device } from '../../../src/sim/raw-sensors/bmp280-device.js';
import { Mpu6050Device } from '../../../src/sim/raw-sensors/mpu6050-device.js';
import { encodeSensorboxFrame } from '../../../src/sim/serial-sensorbox.js';
import { FakeCable, type FakeEnd } from '../fake-cable.js';
import { settle } from '../../helpers/turns.js';
import { BACKOFF, driverContract, type DriverRig } from './driver-contract.js';

const boardFile = (id: string) => join(BUILTIN_BOARDS_DIR, `${id}.yaml`);

/** Counts how often a factory is called: one call per open attempt. */
function counting<A extends unknown[], R>(fn: (...a: A) => R): { fn: (...a: A) => R; calls: () => number } {
  let n = 0;
  return {
    fn: (...a) => {
      n++;
      return fn(...a);
    },
    calls: () => n,
  };
}

// Modbus RTU: the real RTU link and port over an in-memory cable to the simulator's RTU slave.
driverContract('modbus (RTU over a fake cable to the simulator slave)', async () => {
  const board = loadBoardFile(boardFile('generic-modbus-controller')) as ModbusBoardProfile;
  const cable = new FakeCable();
  const settings = { path: 'master', baudRate: 115_200, parity: 'none' as const };
  const serve = () =>
    startModbusRtuServer({ path: 'slave', baudRate: 115_200, unitId: 1, readRegisters: () => [0, 6003, 0, 0b10_0001_1101, 2, 17], openSerial: cable.opener('slave') });
  let server: ModbusRtuServer | undefined = await serve();
  const opener = counting(cable.opener('master') as (s: Parameters<SerialPortFactory>[0]) => FakeEnd);
  const clock = new FakeClock(0);
  const driver = new ModbusDriver({
    board,
    unitId: 1,
    link: modbusRtuLink(settings, new RtuPorts(opener.fn)),
    bus: new BusQueue(),
    clock,
    logger: silentLogger,
    reopenMinMs: BACKOFF.minMs,
    reopenMaxMs: BACKOFF.maxMs,
  });
  return {
    driver,
    clock,
    group: 'fast',
    lostCode: 'MODBUS_IO',
    expected: { position: 6003, floor: 2, doorClosed: true },
    report: async () => undefined,
    async unplug() {
      cable.unplug();
      await server?.close();
      server = undefined;
    },
    async plug() {
      cable.plug();
      server = await serve();
    },
    attempts: opener.calls,
    async dispose() {
      await driver.close();
      await server?.close();
    },
  } satisfies DriverRig;
});

// Framed serial: the sensor box pushes frames over an in-memory cable.
driverContract('serial-framed (sensor box over a fake cable)', async () => {
  const board = loadBoardFile(boardFile('serial-sensorbox'), 'serial-framed');
  const cable = new FakeCable();
  const opener = counting(cable.opener('host'));
  let box: FakeEnd | undefined;
  const openBox = async () => {
    const end = cable.opener('box')({ path: 'box', baudRate: 115_200 }) as FakeEnd;
    await new Promise<void>((resolve, reject) => end.open((err) => (err ? reject(err) : resolve())));
    box = end;
  };
  await openBox();
  const clock = new FakeClock(0);
  const driver = new SerialFramedDriver({
    board,
    connection: { path: 'host', baudRate: 115_200 },
    ports: opener.fn,
    clock,
    logger: silentLogger,
    reopenMinMs: BACKOFF.minMs,
    reopenMaxMs: BACKOFF.maxMs,
  });
  const state = { ...new VirtualElevator().state(), positionMm: 6003, doorClosed: true };
  return {
    driver,
    clock,
    group: 'fast',
    lostCode: 'SERIAL_IO',
    expected: { version: 1, position: 6003, doorClosed: true },
    async report() {
      if (box?.isOpen) box.write(encodeSensorboxFrame(state));
      await settle();
    },
    async unplug() {
      cable.unplug();
      box = undefined;
    },
    async plug() {
      cable.plug();
      await openBox();
    },
    attempts: opener.calls,
    dispose: () => driver.close(),
  } satisfies DriverRig;
});

// GPIO: contacts on in-memory lines; "unplugged" is the GPIO device going away (EIO on every line).
driverContract('gpio (fake lines)', async () => {
  const board = loadBoardFile(boardFile('pi-gpio-sensorbox'), 'gpio');
  const idle: Record<number, Level> = Object.fromEntries(board.points.map((p) => [p.source.line, 1]));
  const lines = new FakeGpioLines({ ...idle, 17: 0, 5: 0 }); // door closed, mains present (active low)
  const clock = new FakeClock(0);
  const driver = new GpioDriver({ board, lines: async () => lines, clock, logger: silentLogger, reopenMinMs: BACKOFF.minMs, reopenMaxMs: BACKOFF.maxMs });
  const firstLine = board.points[0]!.source.line;
  let attempts = 0;
  const realInput = lines.input.bind(lines);
  lines.input = (line: number) => {
    if (line === firstLine) attempts++; // an attempt asks for the profile's lines in order
    return realInput(line);
  };
  return {
    driver,
    clock,
    group: 'inputs',
    lostCode: 'GPIO_IO',
    expected: { doorClosed: true, mains: true, pir: false },
    report: async () => undefined,
    unplug: async () => lines.unplug(),
    plug: async () => lines.plug(),
    attempts: () => attempts,
    dispose: () => driver.close(),
  } satisfies DriverRig;
});

// Firmata: an in-memory board behind the Firmata IO boundary.
driverContract('firmata (mock board)', async () => {
  const board = loadBoardFile(boardFile('arduino-firmata-sensorbox'), 'firmata');
  let plugged = true;
  let io: MockFirmataIo | undefined;
  let attempts = 0;
  const connect = async () => {
    attempts++;
    if (!plugged) throw new ElevgwError('FIRMATA_IO', 'no Firmata handshake (board absent)');
    io = new MockFirmataIo();
    return io;
  };
  const clock = new FakeClock(0);
  const driver = new FirmataDriver({ board, connect, clock, logger: silentLogger, reopenMinMs: BACKOFF.minMs, reopenMaxMs: BACKOFF.maxMs });
  return {
    // Raw pin levels (the profile's inversion is the normalizer's business): contacts pulled low when made.
    driver,
    clock,
    group: 'inputs',
    lostCode: 'FIRMATA_IO',
    expected: { doorClosed: false, mains: false, pir: true },
    async report() {
      await settle();
      if (!io || io.closed) return;
      for (const p of board.points) {
        if (p.source.mode === 'analog') io.setAnalog(p.source.pin, 600);
        else io.setDigital(p.source.pin, p.name === 'doorClosed' || p.name === 'mains' ? 0 : 1);
      }
    },
    async unplug() {
      plugged = false;
      io?.unplug('USB cable pulled');
    },
    async plug() {
      plugged = true;
    },
    attempts: () => attempts,
    dispose: () => driver.close(),
  } satisfies DriverRig;
});

/** A retrofit box's sensors: a barometer converting and an accelerometer sampling, as a standing car. */
function retrofitSensors() {
  const barometer = new Bmp280Device();
  const accelerometer = new Mpu6050Device();
  return {
    devices: new Map<number, I2cDevice>([
      [0x76, barometer],
      [0x68, accelerometer],
    ]),
    report() {
      barometer.convert(101_000, 20);
      for (let i = 0; i < 5; i++) accelerometer.push([0, 0, 9.80665]);
    },
  };
}

// Retrofit on the Pi: BMP280 and MPU-6050 on a fake I²C bus, contacts on fake GPIO lines; "unplugged" is the box gone (NACKs, EIO).
driverContract('retrofit-i2c (fake I2C bus and GPIO lines)', async () => {
  const board = loadBoardFile(boardFile('retrofit-pi-i2c-sensorbox'), 'retrofit-i2c', 'retrofit-firmata');
  const sensors = retrofitSensors();
  const bus = new FakeI2cBus(sensors.devices);
  const idle: Record<number, Level> = Object.fromEntries(board.points.flatMap((p) => ('line' in p.source ? [[p.source.line, 1]] : [])));
  const lines = new FakeGpioLines({ ...idle, 17: 0, 5: 0 }); // door closed, mains present (active low)
  const connect = counting(piRetrofitConnector({ bus: async () => bus, lines: async () => lines }));
  const clock = new FakeClock(0);
  const driver = new RetrofitDriver({ board, connect: connect.fn, clock, logger: silentLogger, reopenMinMs: BACKOFF.minMs, reopenMaxMs: BACKOFF.maxMs });
  return {
    driver,
    clock,
    group: 'sensors',
    lostCode: 'I2C_IO',
    expected: { doorClosed: true, mains: true, pir: false },
    report: async () => sensors.report(),
    async unplug() {
      bus.unplug();
      lines.unplug();
    },
    async plug() {
      bus.plug();
      lines.plug();
    },
    attempts: connect.calls,
    dispose: () => driver.close(),
  } satisfies DriverRig;
});

// Retrofit on a Firmata board: johnny-five (the real package) on the mock IO board, sensors answering its I2C requests.
driverContract('retrofit-firmata (johnny-five on a mock Firmata board)', async () => {
  const board = loadBoardFile(boardFile('retrofit-firmata-sensorbox'), 'retrofit-firmata', 'retrofit-i2c');
  const sensors = retrofitSensors();
  const clock = new FakeClock(0);
  const Five = await loadJohnnyFive();
  let plugged = true;
  let io: MockIoBoard | undefined;
  let attempts = 0;
  const connect = async () => {
    attempts++;
    if (!plugged) throw new ElevgwError('FIRMATA_IO', 'no Firmata handshake (board absent)');
    io = new MockIoBoard(sensors.devices);
    for (const p of board.points) if ('pin' in p.source) io.setDigital(p.source.pin, p.name === 'doorClosed' || p.name === 'mains' ? 0 : 1);
    return johnnyFiveLink(io, Five, { description: 'johnny-five on a mock board', timers: clock, close: async () => undefined });
  };
  const driver = new RetrofitDriver({ board, connect, clock, logger: silentLogger, reopenMinMs: BACKOFF.minMs, reopenMaxMs: BACKOFF.maxMs });
  return {
    // Raw pin levels (the profile's inversion is the normalizer's business): contacts pulled low when made.
    driver,
    clock,
    group: 'sensors',
    lostCode: 'FIRMATA_IO',
    expected: { doorClosed: false, mains: false, pir: true },
    async report() {
      sensors.report();
      await settle();
    },
    async unplug() {
      plugged = false;
      io?.unplug();
    },
    async plug() {
      plugged = true;
    },
    attempts: () => attempts,
    dispose: () => driver.close(),
  } satisfies DriverRig;
});
