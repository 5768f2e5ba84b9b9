import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import ModbusSerial from 'modbus-serial';
import { startModbusTcpServer, type ModbusTcpServer } from '../../src/sim/modbus-tcp-server.js';

const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

const REGS = [0x0001, 0x86a0, 0xfc18, 0b1000011001, 5, 42, 3];

describe('Modbus TCP server', () => {
  const servers: ModbusTcpServer[] = [];
  const clients: Client[] = [];
  const blockers: net.Server[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(blockers.splice(0).map((b) => new Promise<void>((resolve) => b.close(() => resolve()))));
  });

  async function serve(opts: Partial<Parameters<typeof startModbusTcpServer>[0]> = {}): Promise<ModbusTcpServer> {
    const s = await startModbusTcpServer({ host: '127.0.0.1', port: 0, unitId: 1, readRegisters: () => REGS, ...opts });
    servers.push(s);
    return s;
  }

  async function connect(port: number, unitId = 1): Promise<Client> {
    const c = new ModbusRTU();
    clients.push(c);
    await c.connectTCP('127.0.0.1', { port });
    c.setID(unitId);
    c.setTimeout(2000);
    return c;
  }

  async function exceptionCode(p: Promise<unknown>): Promise<number | undefined> {
    try {
      await p;
    } catch (e) {
      return (e as { modbusCode?: number }).modbusCode;
    }
    throw new Error('expected a Modbus exception');
  }

  it('binds the given host on a free port when asked for port 0 and reports it', async () => {
    const s = await serve();
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
    expect(s.port).not.toBe(502);
  });

  it('answers a real modbus-serial client with the registers, as holding and input registers', async () => {
    const s = await serve();
    const c = await connect(s.port);
    expect((await c.readHoldingRegisters(0, 7)).data).toEqual(REGS);
    expect((await c.readHoldingRegisters(3, 1)).data).toEqual([REGS[3]]);
    expect((await c.readInputRegisters(4, 3)).data).toEqual([5, 42, 3]);
  });

  it('reads the register block once per request', async () => {
    let reads = 0;
    const s = await serve({
      readRegisters: () => {
        reads++;
        return REGS;
      },
    });
    const c = await connect(s.port);
    await c.readHoldingRegisters(0, 7);
    expect(reads).toBe(1);
  });

  it('answers illegal data address (2) outside the map, illegal function (1) to writes', async () => {
    const s = await serve();
    const c = await connect(s.port);
    expect(await exceptionCode(c.readHoldingRegisters(7, 1))).toBe(2);
    expect(await exceptionCode(c.readHoldingRegisters(5, 3))).toBe(2);
    expect(await exceptionCode(c.readInputRegisters(100, 2))).toBe(2);
    expect(await exceptionCode(c.readCoils(0, 1))).toBe(2);
    expect(await exceptionCode(c.writeRegister(0, 1))).toBe(1);
    expect(await exceptionCode(c.writeRegisters(0, [1, 2]))).toBe(1);
    expect(await exceptionCode(c.writeCoil(0, true))).toBe(1);
    expect((await c.readHoldingRegisters(0, 2)).data).toEqual(REGS.slice(0, 2)); // still serving
  });

  it('serves discrete inputs when given, with exception 2 past them', async () => {
    const bits = [true, false, true, true];
    const s = await serve({ readDiscreteInputs: () => bits });
    const c = await connect(s.port);
    expect((await c.readDiscreteInputs(0, 4)).data.slice(0, 4)).toEqual(bits);
    expect(await exceptionCode(c.readDiscreteInputs(2, 3))).toBe(2);
  });

  it('answers only its unit id', async () => {
    const s = await serve({ unitId: 7 });
    const c = await connect(s.port, 7);
    expect((await c.readHoldingRegisters(4, 1)).data).toEqual([5]);
    c.setID(8);
    c.setTimeout(300);
    await expect(c.readHoldingRegisters(4, 1)).rejects.toThrow(/timed out/i);
  });

  it('rejects a port that is taken, and closes cleanly', async () => {
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    await expect(startModbusTcpServer({ host: '127.0.0.1', port, unitId: 1, readRegisters: () => REGS })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const s = await serve();
    await connect(s.port);
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const probe = new Promise((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1', () => {
        sock.destroy();
        resolve('connected');
      });
      sock.once('error', reject);
    });
    await expect(probe).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
