import { afterTurns } from '../helpers/turns.js';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SerialPortMock } from 'serialport';
import type { ElevgwError } from '../../src/core/errors.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import { RtuPort } from '../../drivers/modbus/rtu-port.js';
import { readRequest } from '../../drivers/modbus/rtu-frame.js';
import { readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';
import { startModbusRtuServer } from '../../src/sim/modbus-rtu-server.js';
import { FakeCable } from './fake-cable.js';
import { failure } from './coded-failure.js';

const REGS = [1, 9476, 0, 541, 2, 7];
const DI = [true, false, true, true, false, false, true, false];
const settings = { path: '/dev/fake-rs485', baudRate: 115200, parity: 'none' as const };
const holding = { table: 'holding' as const, address: 0, count: 6 };

async function rig(cableOpts: ConstructorParameters<typeof FakeCable>[0] = {}) {
  const cable = new FakeCable(cableOpts);
  const server = await startModbusRtuServer({ path: 'slave', unitId: 1, readRegisters: () => REGS, readDiscreteInputs: () => DI, openSerial: cable.opener('slave'), reopenMs: 10 });
  const ports = new RtuPorts(cable.opener('master'));
  const link = modbusRtuLink(settings, ports);
  await link.open();
  return { cable, server, ports, link };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('Modbus RTU link (own framing on a serial port)', () => {
  async function started(opts?: ConstructorParameters<typeof FakeCable>[0]) {
    const r = await rig(opts);
    cleanup.push(
      () => r.link.close(),
      () => r.server.close(),
    );
    return r;
  }

  it('reads holding registers and discrete inputs from the simulator slave', async () => {
    const { link } = await started();
    expect((await link.read(1, holding, 200)).words).toEqual(REGS);
    expect((await link.read(1, { table: 'discrete', address: 0, count: 8 }, 200)).bits).toEqual(DI);
  });

  it('copes with bytes trickling in one at a time and with an adapter that echoes the request', async () => {
    const { link } = await started({ chunk: 1, echoAt: 'master' });
    for (let i = 0; i < 3; i++) expect((await link.read(1, holding, 200)).words).toEqual(REGS);
  });

  it('tells a silent slave (timeout), a garbled answer (CRC) and an exception apart, and keeps the port open', async () => {
    const { link, server } = await started();
    expect((await failure(link.read(9, holding, 30))).code).toBe('MODBUS_TIMEOUT');
    server.fault = 'bad-crc';
    expect((await failure(link.read(1, holding, 200))).code).toBe('MODBUS_CRC');
    server.fault = 'none';
    const ex = await failure(link.read(1, { table: 'holding', address: 0, count: 60 }, 200));
    expect([ex.code, ex.context.exceptionCode]).toEqual(['MODBUS_EXCEPTION', 2]);
    expect(link.isOpen()).toBe(true);
    expect((await link.read(1, holding, 200)).words).toEqual(REGS);
  });

  it('fails the pending transaction at once when the port disappears, and opens again once it is back', async () => {
    const { link, server, cable } = await started();
    server.fault = 'silent';
    let settled = false;
    const pending = link.read(1, holding, 10_000);
    pending.catch(() => (settled = true));
    // On the wire (after the link's real 1.75 ms silence), then the adapter is pulled.
    await expect.poll(() => cable.end('master')?.written.length, { timeout: 5000 }).toBe(1);
    cable.unplug();
    // Within turns of the event loop, not at the 10 s timeout.
    await afterTurns(() => expect(settled).toBe(true));
    expect(await failure(pending)).toMatchObject({ code: 'MODBUS_IO', message: '/dev/fake-rs485@115200 8N1: Disconnected' });
    expect(link.isOpen()).toBe(false);
    expect((await failure(link.open())).code).toBe('MODBUS_IO');
    server.fault = 'none';
    cable.plug();
    await link.open();
    // The simulator reopens its end by itself; the first reads may find it not yet listening.
    await expect
      .poll(
        () =>
          link.read(1, holding, 100).then(
            (r) => r.words,
            () => undefined,
          ),
        { timeout: 5000 },
      )
      .toEqual(REGS);
  });

  it('a link not open fails reads and writes as MODBUS_IO "port not open"; it names its line, its bus by the path', async () => {
    const link = modbusRtuLink({ path: '/dev/ttyUSB0', baudRate: 9600, parity: 'even' }, new RtuPorts(new FakeCable().opener('master')));
    expect([link.description, link.busKey]).toEqual(['modbus-rtu /dev/ttyUSB0@9600 8E1', 'rtu:/dev/ttyUSB0']);
    for (const call of [() => link.read(1, holding, 100), () => link.writeRegister(1, 10, 1, 100)]) {
      expect(await failure(call())).toMatchObject({ code: 'MODBUS_IO', message: '/dev/ttyUSB0@9600 8E1: port not open' });
    }
    await link.open();
    await link.close();
    expect(await failure(link.read(1, holding, 100))).toMatchObject({ code: 'MODBUS_IO', message: '/dev/ttyUSB0@9600 8E1: port not open' });
  });

  it('shares one port among the slaves of a bus and refuses a second line setting on it', async () => {
    const { ports, link } = await started();
    const other = modbusRtuLink({ ...settings }, ports);
    await other.open();
    cleanup.push(() => other.close());
    expect(ports.size).toBe(1);
    expect(other.busKey).toBe(link.busKey);
    const clash = modbusRtuLink({ ...settings, baudRate: 9600 }, ports);
    expect((await failure(clash.open())).message).toMatch(/same line settings/);
  });
});

describe('whatever a broken slave sends back', () => {
  it('comes out of the link as data or a coded MODBUS_* error, never as anything else', async () => {
    const cable = new FakeCable();
    const slave = cable.opener('slave')(settings);
    await new Promise<void>((r) => slave.open(() => r()));
    const link = modbusRtuLink(settings, new RtuPorts(cable.opener('master')));
    await link.open();
    cleanup.push(() => link.close());
    let reply: Buffer[] = [];
    slave.on('data', () => {
      for (const part of reply) slave.write(part);
    });
    const valid = readResponse(1, 3, registersPayload(REGS));
    const chunks = fc.array(fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.constant(valid), fc.constant(valid.subarray(0, 9))), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(chunks, async (parts) => {
        reply = parts.map((p) => Buffer.from(p));
        const r = await link.read(1, holding, 15).then(
          (ok) => ok,
          (e: unknown) => e,
        );
        if (r instanceof Error) expect((r as ElevgwError).code).toMatch(/^MODBUS_(TIMEOUT|CRC|EXCEPTION|IO)$/);
        else expect((r as { words: number[] }).words).toHaveLength(6);
        expect(link.isOpen()).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('a late answer to a timed-out request', () => {
  it('is dropped, not taken as the answer to the next request', async () => {
    const cable = new FakeCable();
    const slave = cable.opener('slave')(settings);
    await new Promise<void>((r) => slave.open(() => r()));
    const port = new RtuPort(settings, cable.opener('master'));
    await port.open();
    cleanup.push(() => port.close());
    let requests = 0;
    slave.on('data', () => {
      if (++requests === 2) slave.write(readResponse(1, 3, registersPayload(REGS)));
    });
    const request = readRequest(1, 3, 0, 6);
    expect((await failure(port.transact(request, 20))).code).toBe('MODBUS_TIMEOUT');
    // The slow slave answers the first request now, before the master asks again.
    slave.write(readResponse(1, 3, registersPayload([1, 1, 1, 1, 1, 1])));
    await new Promise((r) => setImmediate(r));
    const answer = await port.transact(request, 500);
    expect(answer.kind === 'response' && [...answer.data]).toEqual([...registersPayload(REGS)]);
  });
});

describe('the production SerialPort class (through @serialport/binding-mock)', () => {
  afterEach(() => SerialPortMock.binding.reset());

  it('drives SerialPortMock like a real port, local echo included', async () => {
    SerialPortMock.binding.createPort('/dev/mock-rs485', { echo: true, record: true });
    const port = new RtuPort({ ...settings, path: '/dev/mock-rs485' }, (s) => new SerialPortMock({ path: s.path, baudRate: s.baudRate, autoOpen: false }));
    await port.open();
    cleanup.push(() => port.close());
    const transact = port.transact(readRequest(1, 3, 0, 6), 500);
    const binding = (port as unknown as { port: SerialPortMock }).port.port!;
    await afterTurns(() => expect(binding.recording).toEqual(readRequest(1, 3, 0, 6)));
    binding.emitData(readResponse(1, 3, registersPayload(REGS)));
    const answer = await transact;
    expect(answer.kind === 'response' && [...answer.data]).toEqual([...registersPayload(REGS)]);
  });
});
