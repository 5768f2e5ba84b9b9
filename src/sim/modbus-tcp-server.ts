import net from 'node:net';
import ModbusSerial from 'modbus-serial';

export interface ModbusTcpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface ModbusTcpServerOptions {
  host: string;
  /** 0 = a free port chosen by the OS. */
  port: number;
  /** 255 answers every unit id. */
  unitId: number;
  /** One consistent register block per request (an int32 never straddles two states). */
  holdingRegisters: () => readonly number[];
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const illegalAddress = () => Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 });

/**
 * A Modbus TCP slave on modbus-serial's ServerTCP. modbus-serial treats port 0 as "default 502",
 * so a free port is picked first (the OS chooses; the gap until the server binds is tiny).
 */
export async function startModbusTcpServer(o: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
  const port = o.port === 0 ? await freePort(o.host) : o.port;
  const block = (addr: number, length: number): number[] => {
    const regs = o.holdingRegisters();
    if (addr < 0 || length < 1 || addr + length > regs.length) throw illegalAddress();
    return regs.slice(addr, addr + length);
  };
  const server = new ModbusSerial.ServerTCP(
    {
      getMultipleHoldingRegisters: (addr: number, length: number) => block(addr, length),
      getMultipleInputRegisters: (addr: number, length: number) => block(addr, length),
      getHoldingRegister: (addr: number) => block(addr, 1)[0]!,
      getInputRegister: (addr: number) => block(addr, 1)[0]!,
      // Discrete inputs mirror the status bits of register 3.
      getDiscreteInput: (addr: number) => {
        if (addr > 15) throw illegalAddress();
        return ((o.holdingRegisters()[3] ?? 0) >> addr) % 2 === 1;
      },
    },
    { host: o.host, port, unitID: o.unitId },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
    server.once('error', reject);
  });
  server.on('socketError', () => undefined); // a client that vanishes is not the simulator's problem
  return {
    host: o.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.socks.keys()) s.destroy();
        server.close(() => resolve());
      }),
  };
}
