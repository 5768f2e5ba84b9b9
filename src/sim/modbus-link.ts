import { modbusError } from '../../drivers/modbus/errors.js';
import { REG } from './modbus-map.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';

/**
 * The simulator as an in-process Modbus link: the real ModbusDriver (read planning, decoding,
 * health) runs against the register map with no socket, so scenario tests can step sample time
 * deterministically. Writes are refused like the TCP slave refuses them.
 */
export function simModbusLink(registers: () => readonly number[]): ModbusLink {
  let open = false;
  return {
    description: 'sim (in-process)',
    busKey: `sim:${Math.random().toString(36).slice(2)}`,
    async open() {
      open = true;
    },
    async close() {
      open = false;
    },
    isOpen: () => open,
    async read(_unitId: number, block: ReadBlock): Promise<BlockResult> {
      const regs = registers();
      if (block.address + block.count > regs.length) throw modbusError('MODBUS_EXCEPTION', 'unit 1: exception 2 (illegal data address)', 2);
      if (block.table === 'holding' || block.table === 'input') return { block, words: regs.slice(block.address, block.address + block.count) };
      const status = regs[REG.status] ?? 0; // coils and discretes mirror the status word's bits
      return { block, bits: Array.from({ length: block.count }, (_, i) => ((status >> (block.address + i)) & 1) === 1) };
    },
    async writeRegister() {
      throw modbusError('MODBUS_EXCEPTION', 'the simulator is read-only: exception 1 (illegal function)', 1);
    },
  };
}
