import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import type { ElevgwError } from '../../src/core/errors.js';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import type { RawPoint } from '../../drivers/types.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { tempDir } from '../helpers/tmp.js';
import { startPymodbusSlave, type PymodbusSlave } from './pymodbus.js';

const board = (id: string) => loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`)) as ModbusBoardProfile;
const values = (points: RawPoint[]) => Object.fromEntries(points.map((p) => [p.point, p.quality === 'good' ? p.value : 'bad']));

/**
 * Interop: elevgw's RTU driver (own framing on serialport) against Debian's python3-pymodbus as the
 * RTU slave, across a socat pty pair — a third-party slave, real ttys, the real driver path.
 */
describe('Modbus RTU against pymodbus through a socat pty pair', () => {
  const tmp = tempDir('elevgw-rtu-interop-');
  const ports = new RtuPorts();
  let pair: PtyPair;
  let slave: PymodbusSlave;
  const conn = () => ({ path: pair.b, baudRate: 9600, parity: 'none' as const });
  const driver = (b: ModbusBoardProfile, unitId = 1) =>
    new ModbusDriver({ board: b, unitId, link: modbusRtuLink(conn(), ports), bus: new BusQueue(), clock: systemClock, logger: silentLogger });

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    // Car 75 012 mm up (needs both words), going down at 1.5 m/s, floor 25; door closed, in zone,
    // safety and lock circuits closed, mains present (bits 0, 2, 3, 4, 9). DI: DI0, DI2, DI3, DI5–7 on.
    slave = await startPymodbusSlave({ port: pair.a, positionMm: 75_012, speedMmS: -1500, status: 0b10_0001_1101, floor: 25, di: '10110111' });
  });

  afterAll(async () => {
    await slave?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('reads the generic controller map and sees the heartbeat tick', async () => {
    const d = driver(board('generic-modbus-controller'));
    await d.open();
    try {
      const first = values(await d.poll('fast'));
      expect(first).toMatchObject({
        position: 75_012,
        speed: -1500,
        doorClosed: true,
        doorOpen: false,
        doorZone: true,
        safetyCircuit: true,
        doorLockCircuit: true,
        overspeedSwitch: false,
        inspection: false,
        alarmButton: false,
        occupied: false,
        mainsPower: true,
        topFinalLimit: false,
        bottomFinalLimit: false,
        floor: 25,
      });
      await vi.waitFor(async () => expect(values(await d.poll('fast')).heartbeat).not.toBe(first.heartbeat), { timeout: 5000, interval: 200 });
      expect(d.health()).toMatchObject({ state: 'ok', failures: 0 });
      expect(slave.version).toMatch(/^3\./); // Debian bookworm ships 3.0.x; the slave script uses that API
    } finally {
      await d.close();
    }
  });

  it('reads the 8-input module profile from discrete inputs (FC2)', async () => {
    const d = driver(board('rs485-di-module'));
    await d.open();
    try {
      expect(values(await d.poll('fast'))).toEqual({
        di0DoorClosed: true,
        di1ZoneUpper: false,
        di2ZoneLower: true,
        di3Pir: true,
        di4Alarm: false,
        di5Inspection: true,
        di6MainsOk: true,
        di7SafetyCircuit: true,
      });
    } finally {
      await d.close();
    }
  });

  it('gets an exception for registers the slave does not have, and a timeout from a unit id nobody answers', async () => {
    const link = modbusRtuLink(conn(), ports);
    await link.open();
    try {
      const fail = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: unknown) => e as ElevgwError,
        );
      const ex = await fail(link.read(1, { table: 'holding', address: 0, count: 60 }, 500));
      expect([ex?.code, ex?.context.exceptionCode]).toEqual(['MODBUS_EXCEPTION', 2]);
      expect((await fail(link.read(7, { table: 'holding', address: 0, count: 6 }, 100)))?.code).toBe('MODBUS_TIMEOUT');
      expect((await link.read(1, { table: 'holding', address: 4, count: 1 }, 500)).words).toEqual([25]); // the line is in sync afterwards
    } finally {
      await link.close();
    }
  });
});
