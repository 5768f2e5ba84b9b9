import ModbusSerial from 'modbus-serial';
import type { Connection } from '../../src/config/site.js';
import type { BlockResult, ReadBlock } from './plan.js';

/**
 * The byte boundary of the Modbus driver: an injected link. modbus-serial over TCP or
 * RTU serial is the production link; tests can inject their own.
 */
export interface ModbusLink {
  readonly description: string;
  /** The physical bus this link talks on: links with the same key share one transaction queue. */
  readonly busKey: string;
  open(): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
  read(unitId: number, block: ReadBlock, timeoutMs: number): Promise<BlockResult>;
  writeRegister(unitId: number, address: number, value: number, timeoutMs: number): Promise<void>;
}

// modbus-serial is CommonJS and sets module.exports.default = module.exports, which is what its typings describe.
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

export function modbusSerialLink(conn: Connection): ModbusLink {
  let client: Client | undefined;
  const isTcp = 'host' in conn;
  const description = isTcp ? `modbus-tcp ${conn.host}:${conn.port}` : `modbus-rtu ${conn.path}@${conn.baudRate}`;
  const busKey = isTcp ? `tcp:${conn.host}:${conn.port}` : `rtu:${conn.path}`;
  const need = (): Client => {
    if (!client || !client.isOpen) throw Object.assign(new Error('port not open'), { errno: 'ECLOSED' });
    return client;
  };
  return {
    description,
    busKey,
    async open() {
      const c = new ModbusRTU();
      if ('host' in conn) await c.connectTCP(conn.host, { port: conn.port });
      else await c.connectRTUBuffered(conn.path, { baudRate: conn.baudRate, parity: conn.parity, dataBits: 8, stopBits: 1 });
      client = c;
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await new Promise<void>((resolve) => c.close(() => resolve()));
    },
    isOpen: () => client?.isOpen === true,
    async read(unitId, block, timeoutMs) {
      const c = need();
      c.setID(unitId);
      c.setTimeout(timeoutMs);
      switch (block.table) {
        case 'holding':
          return { block, words: (await c.readHoldingRegisters(block.address, block.count)).data };
        case 'input':
          return { block, words: (await c.readInputRegisters(block.address, block.count)).data };
        case 'coil':
          return { block, bits: (await c.readCoils(block.address, block.count)).data.slice(0, block.count) };
        case 'discrete':
          return { block, bits: (await c.readDiscreteInputs(block.address, block.count)).data.slice(0, block.count) };
      }
    },
    async writeRegister(unitId, address, value, timeoutMs) {
      const c = need();
      c.setID(unitId);
      c.setTimeout(timeoutMs);
      await c.writeRegister(address, value);
    },
  };
}
