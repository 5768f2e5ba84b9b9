import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { classify, exceptionCodeOf } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import { modbusTcpLink } from '../../drivers/modbus/tcp-link.js';
import { isElevgwError } from '../../src/core/errors.js';
import { startModbusTcpServer, type ModbusTcpServer } from '../../src/sim/modbus-tcp-server.js';
import { freePort } from '../helpers/ports.js';

const HOST = '127.0.0.1';
const REGS = [0, 6003, 0xfc18, 0b1010, 2, 17];
const INPUTS = [true, false, true, true, false, false, false, false, true, false];

/** What a failed call rejected with, classified as the driver classifies it. */
async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeDefined();
  return { code: classify(e), exceptionCode: exceptionCodeOf(e), error: e };
}

/**
 * The Modbus TCP link against the simulator's TCP slave (modbus-serial's ServerTCP), in process on a
 * loopback port: what each table reads as, and which code each kind of failure comes out as
 * (the driver retries, backs off or reopens by that code).
 */
describe('Modbus TCP link', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function slave(unitId = 1): Promise<ModbusTcpServer> {
    const server = await startModbusTcpServer({ host: HOST, port: 0, unitId, readRegisters: () => REGS, readDiscreteInputs: () => INPUTS });
    cleanup.push(() => server.close());
    return server;
  }

  async function opened(port: number): Promise<ModbusLink> {
    const link = modbusTcpLink({ host: HOST, port });
    cleanup.push(() => link.close());
    await link.open();
    return link;
  }

  it('reads holding and input registers as words and discrete inputs as exactly the bits asked for', async () => {
    const link = await opened((await slave()).port);
    expect(await link.read(1, { table: 'holding', address: 1, count: 3 }, 1000)).toEqual({ block: { table: 'holding', address: 1, count: 3 }, words: [6003, 0xfc18, 0b1010] });
    expect((await link.read(1, { table: 'input', address: 4, count: 2 }, 1000)).words).toEqual([2, 17]);
    // Bits come in whole bytes (16 here); the link keeps the 10 asked for.
    expect((await link.read(1, { table: 'discrete', address: 0, count: 10 }, 1000)).bits).toEqual(INPUTS);
  });

  it('is open only between open and close, and a closed link fails reads with MODBUS_IO', async () => {
    const server = await slave();
    const link = modbusTcpLink({ host: HOST, port: server.port });
    expect(link.isOpen()).toBe(false);
    const before = await failure(link.read(1, { table: 'holding', address: 0, count: 1 }, 1000));
    expect([before.code, isElevgwError(before.error, 'MODBUS_IO')]).toEqual(['MODBUS_IO', true]);
    await link.open();
    expect(link.isOpen()).toBe(true);
    await link.close();
    expect(link.isOpen()).toBe(false);
    await link.close(); // twice is harmless
    expect((await failure(link.read(1, { table: 'holding', address: 0, count: 1 }, 1000))).code).toBe('MODBUS_IO');
    expect((await failure(link.writeRegister(1, 0, 1, 1000))).code).toBe('MODBUS_IO');
  });

  it('an exception response comes out as MODBUS_EXCEPTION with its code, for reads and for writes', async () => {
    const link = await opened((await slave()).port);
    // The simulator has no coils (exception 2) and refuses every write (exception 1).
    expect(await failure(link.read(1, { table: 'coil', address: 0, count: 1 }, 1000))).toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 2 });
    expect(await failure(link.read(1, { table: 'holding', address: 4, count: 5 }, 1000))).toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 2 });
    expect(await failure(link.writeRegister(1, 0, 1, 1000))).toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 1 });
  });

  it('a request to a unit nobody answers for, or to a peer that never answers, is MODBUS_TIMEOUT', async () => {
    const link = await opened((await slave(1)).port);
    expect(await failure(link.read(2, { table: 'holding', address: 0, count: 1 }, 100))).toMatchObject({ code: 'MODBUS_TIMEOUT', exceptionCode: undefined });
    expect((await link.read(1, { table: 'holding', address: 0, count: 2 }, 1000)).words).toEqual([0, 6003]); // same link, right unit

    const mute = net.createServer((s) => s.resume()); // accepts, reads, never writes
    await new Promise<void>((r) => mute.listen(0, HOST, r));
    cleanup.push(() => new Promise<void>((r) => mute.close(() => r())));
    const silent = await opened((mute.address() as net.AddressInfo).port);
    expect((await failure(silent.read(1, { table: 'holding', address: 0, count: 1 }, 100))).code).toBe('MODBUS_TIMEOUT');
  });

  it('a refused connection fails open with an I/O error and leaves the link closed', async () => {
    const link = modbusTcpLink({ host: HOST, port: await freePort(HOST) });
    expect((await failure(link.open())).code).toBe('MODBUS_IO');
    expect(link.isOpen()).toBe(false);
  });

  it('names its endpoint, and two links share a bus key only when they reach the same endpoint', () => {
    const a = modbusTcpLink({ host: HOST, port: 1502 });
    expect(a.description).toContain(`${HOST}:1502`);
    expect(a.busKey).toBe(modbusTcpLink({ host: HOST, port: 1502 }).busKey);
    expect(a.busKey).not.toBe(modbusTcpLink({ host: HOST, port: 1503 }).busKey);
    expect(a.busKey).not.toBe(modbusTcpLink({ host: '127.0.0.2', port: 1502 }).busKey);
  });
});
