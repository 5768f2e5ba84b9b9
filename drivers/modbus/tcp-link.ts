import ModbusSerial from 'modbus-serial';
import { modbusError } from './errors.js';
import type { ModbusLink } from './link.js';

// modbus-serial is CommonJS and sets module.exports.default = module.exports, which is what its typings describe.
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

/** Modbus TCP on modbus-serial's client; its errors are classified by errors.ts `classify`. */
export function modbusTcpLink(conn: { host: string; port: number }): ModbusLink {
  let client: Client | undefined;
  const need = (): Client => {
    if (!client?.isOpen) throw modbusError('MODBUS_IO', `modbus-tcp ${conn.host}:${conn.port}: not connected`);
    return client;
  };
  return {
    description: `modbus-tcp ${conn.host}:${conn.port}`,
    busKey: `tcp:${conn.host}:${conn.port}`,
    async open() {
      const c = new ModbusRTU();
      await c.connectTCP(conn.host, { port: conn.port });
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
