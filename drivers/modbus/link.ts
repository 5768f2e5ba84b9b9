import type { BlockResult, ReadBlock } from './plan.js';

/**
 * The byte boundary of the Modbus driver: an injected link. Production links are Modbus TCP
 * (tcp-link.ts) and Modbus RTU over a serial path (rtu-link.ts on serialport), both elevgw's own
 * framing; tests inject their own. Failures are thrown as errors that
 * `classify` (errors.ts) turns into a stable code.
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
