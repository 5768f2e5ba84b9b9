import net from 'node:net';
import ModbusSerial from 'modbus-serial';
import type { IServiceVector, ServerTCP } from 'modbus-serial';

/** Modbus exception codes this slave answers with. */
const MODBUS_EXCEPTION = { illegalFunction: 0x01, illegalDataAddress: 0x02, illegalDataValue: 0x03 } as const;

/** modbus-serial turns a thrown error carrying `modbusErrorCode` into that exception response. */
class ModbusException extends Error {
  constructor(
    readonly modbusErrorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ModbusTcpServerOptions {
  /** The only address bound (tests and the CLI use 127.0.0.1). */
  host: string;
  /** 0 = pick a free port (see `listen`). */
  port: number;
  /** The unit id answered; 0 or 255 answer every unit id. */
  unitId: number;
  /**
   * The register block served from address 0, as holding (FC3) and input (FC4) registers.
   * Called once per request, so a multi-register value (an int32) always comes from one state.
   */
  readRegisters: () => readonly number[];
  /** Discrete inputs (FC2) from address 0; called once per request. */
  readDiscreteInputs?: () => readonly boolean[];
}

export interface ModbusTcpServer {
  host: string;
  /** The port actually bound. */
  port: number;
  close(): Promise<void>;
}

/** A read-only Modbus TCP slave on modbus-serial's ServerTCP. Out-of-range reads get exception 0x02; writes get 0x01. */
export async function startModbusTcpServer(o: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
  const { server, port } = await listen(vectorFor(o), o);
  server.on('socketError', () => undefined); // a client that vanishes mid-request is not the simulator's problem
  server.on('error', () => undefined);
  return {
    host: o.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve()); // also destroys the open client sockets
      }),
  };
}

function vectorFor(o: ModbusTcpServerOptions): IServiceVector {
  const block = (addr: number, length: number): number[] => {
    if (length < 1 || length > 125) throw new ModbusException(MODBUS_EXCEPTION.illegalDataValue, `quantity ${length} out of 1–125`);
    const regs = o.readRegisters();
    if (addr + length > regs.length) throw new ModbusException(MODBUS_EXCEPTION.illegalDataAddress, `registers ${addr}–${addr + length - 1} outside 0–${regs.length - 1}`);
    return regs.slice(addr, addr + length);
  };
  const discretes = o.readDiscreteInputs && perRequest(o.readDiscreteInputs);
  const refuse = (): never => {
    throw new ModbusException(MODBUS_EXCEPTION.illegalFunction, 'read-only slave');
  };
  return {
    getMultipleHoldingRegisters: (addr: number, length: number) => block(addr, length),
    getMultipleInputRegisters: (addr: number, length: number) => block(addr, length),
    getHoldingRegister: (addr: number) => block(addr, 1)[0]!,
    getInputRegister: (addr: number) => block(addr, 1)[0]!,
    getDiscreteInput: (addr: number) => {
      const bit = discretes?.()[addr];
      if (bit === undefined) throw new ModbusException(MODBUS_EXCEPTION.illegalDataAddress, `no discrete input ${addr}`);
      return bit;
    },
    getCoil: (addr: number): boolean => {
      throw new ModbusException(MODBUS_EXCEPTION.illegalDataAddress, `no coil ${addr}`);
    },
    setCoil: refuse,
    setRegister: refuse,
    setRegisterArray: refuse,
  };
}

/** modbus-serial asks for bits one address at a time, synchronously: share one reading per request. */
function perRequest<T>(read: () => T): () => T {
  let current: { value: T } | undefined;
  return () => {
    if (!current) {
      current = { value: read() };
      queueMicrotask(() => (current = undefined));
    }
    return current.value;
  };
}

const PORT_ATTEMPTS = 5;

/**
 * Binds a ServerTCP. modbus-serial cannot listen on port 0 (it takes 0 as "default 502") and does
 * not report its bound port, so for port 0 we ask the OS for a free port (listen on 0 on the same
 * host, read it, close) and bind that at once; if another process takes it in that short gap,
 * we try again with a new one.
 */
async function listen(vector: IServiceVector, o: ModbusTcpServerOptions): Promise<{ server: ServerTCP; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = o.port === 0 ? await freePort(o.host) : o.port;
    try {
      return { server: await bind(vector, o.host, port, o.unitId), port };
    } catch (e) {
      const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (o.port !== 0 || !inUse || attempt >= PORT_ATTEMPTS) throw e;
    }
  }
}

function bind(vector: IServiceVector, host: string, port: number, unitId: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ModbusSerial.ServerTCP(vector, { host, port, unitID: unitId === 0 ? 255 : unitId });
    const failed = (err: Error | null) => reject(err ?? new Error(`cannot listen on ${host}:${port}`));
    server.once('serverError', failed);
    server.once('initialized', () => {
      server.off('serverError', failed);
      resolve(server);
    });
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
