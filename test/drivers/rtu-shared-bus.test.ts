import { afterEach, describe, expect, it } from 'vitest';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import { RtuPort } from '../../drivers/modbus/rtu-port.js';
import { startModbusRtuServer } from '../../src/sim/modbus-rtu-server.js';
import { FakeCable } from './fake-cable.js';
import { failure } from './coded-failure.js';

const REGS = [1, 9476, 0, 541, 2, 7];
const PATH = '/dev/fake-rs485';
const line = { path: PATH, baudRate: 19200, parity: 'none' as const };
const holding = { table: 'holding' as const, address: 0, count: 6 };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** An RS-485 bus as an in-memory cable, with the simulator answering for every unit id. */
async function bus() {
  const cable = new FakeCable();
  const server = await startModbusRtuServer({ path: 'slave', baudRate: 19200, unitId: 255, readRegisters: () => REGS, openSerial: cable.opener('slave') });
  cleanup.push(() => server.close());
  const ports = new RtuPorts(cable.opener('master'));
  const link = (unitSettings = line) => {
    const l = modbusRtuLink(unitSettings, ports);
    cleanup.push(() => l.close());
    return l;
  };
  return { cable, server, ports, link };
}

/**
 * Several controllers (or a controller and a DI module) on one RS-485 line: every link on the
 * line uses the same port, opened while any of them is open, and one slave's link closing must
 * not take the port from under the others.
 */
describe('slaves sharing one RS-485 port', () => {
  it('keeps the port open until the last link on it closes', async () => {
    const { ports, link, cable } = await bus();
    const a = link();
    const b = link();
    await a.open();
    await b.open();
    expect(ports.size).toBe(1);
    const port = ports.port(PATH);
    expect(port?.isOpen).toBe(true);
    await a.close();
    expect([a.isOpen(), b.isOpen(), ports.size]).toEqual([false, true, 1]);
    expect((await b.read(2, holding, 500)).words).toEqual(REGS);
    await b.close();
    expect([b.isOpen(), ports.size, ports.port(PATH)]).toEqual([false, 0, undefined]);
    expect([port?.isOpen, cable.end('master')?.isOpen]).toEqual([false, false]);
  });

  it('a link closed twice, or a port the registry never handed out, releases nothing', async () => {
    const { ports, link, cable } = await bus();
    const a = link();
    const b = link();
    await a.open();
    await b.open();
    await a.close();
    await a.close();
    await ports.release(new RtuPort(line, cable.opener('stray')));
    expect([ports.size, b.isOpen()]).toEqual([1, true]);
    expect((await b.read(1, holding, 500)).words).toEqual(REGS);
  });

  it('opens the port again for the next link after the last one closed', async () => {
    const { ports, link } = await bus();
    const a = link();
    await a.open();
    await a.close();
    const b = link();
    await b.open();
    expect([ports.size, ports.port(PATH)?.isOpen]).toEqual([1, true]);
    expect((await b.read(3, holding, 500)).words).toEqual(REGS);
  });

  it('treats a parity left out as none, and refuses another parity or baud rate on the same line', async () => {
    const { ports, link } = await bus();
    await link({ path: PATH, baudRate: 19200 } as typeof line).open();
    await link(line).open();
    expect(ports.size).toBe(1);
    const even = await failure(link({ ...line, parity: 'even' } as unknown as typeof line).open());
    expect([even.code, even.message]).toEqual(['MODBUS_IO', expect.stringMatching(/already in use as .*19200 8N1.*same line settings/)]);
    expect((await failure(link({ ...line, baudRate: 9600 }).open())).code).toBe('MODBUS_IO');

    const other = await bus();
    await other.link(line).open();
    await other.link({ path: PATH, baudRate: 19200 } as typeof line).open();
    expect((await failure(other.link({ ...line, parity: 'odd' } as unknown as typeof line).open())).code).toBe('MODBUS_IO');
  });

  it('a write goes out as FC 6 and the slave refusing it comes back as its exception', async () => {
    const { link } = await bus();
    const a = link();
    await a.open();
    const e = await failure(a.writeRegister(1, 10, 7, 500));
    expect([e.code, e.context.exceptionCode]).toEqual(['MODBUS_EXCEPTION', 1]);
  });
});
