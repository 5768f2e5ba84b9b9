import { systemTimers, type Timers } from '../../src/core/clock.js';
import { describeSerial, systemSerialPorts, type SerialPortFactory, type SerialSettings } from '../kernel/serial-port.js';
import { exceptionError, modbusError } from './errors.js';
import type { ModbusLink } from './link.js';
import type { BlockResult, ReadBlock } from './plan.js';
import { bitsOf, readRequest, wordsOf, writeSingleRegisterRequest, type ReadFunctionCode } from './rtu-frame.js';
import { RtuPort, type RtuAnswer } from './rtu-port.js';

/**
 * Serial ports shared by every slave on the same RS-485 bus: one RtuPort per path, opened while
 * any link on it is open. (Two opens of one tty would fight over the bytes.) One registry per
 * gateway, handed in through the driver context (drivers/buses.ts), never a module global.
 */
export class RtuPorts {
  private readonly ports = new Map<string, { port: RtuPort; users: number }>();
  constructor(
    private readonly openSerial: SerialPortFactory = systemSerialPorts,
    private readonly io: Timers = systemTimers,
  ) {}

  acquire(s: SerialSettings): RtuPort {
    const entry = this.ports.get(s.path);
    if (entry) {
      const t = entry.port.settings;
      if (t.baudRate !== s.baudRate || (t.parity ?? 'none') !== (s.parity ?? 'none')) {
        throw modbusError('MODBUS_IO', `${describeSerial(s)}: the bus is already in use as ${describeSerial(t)}; every slave on one bus needs the same line settings`);
      }
      entry.users++;
      return entry.port;
    }
    const port = new RtuPort(s, this.openSerial, this.io);
    this.ports.set(s.path, { port, users: 1 });
    return port;
  }

  async release(port: RtuPort): Promise<void> {
    const entry = this.ports.get(port.settings.path);
    if (!entry || entry.port !== port) return;
    if (--entry.users > 0) return;
    this.ports.delete(port.settings.path);
    await port.close();
  }

  get size(): number {
    return this.ports.size;
  }

  /** The port open on `path`, if any (for diagnostics). */
  port(path: string): RtuPort | undefined {
    return this.ports.get(path)?.port;
  }
}

const TABLE_FC: Record<ReadBlock['table'], ReadFunctionCode> = { coil: 1, discrete: 2, holding: 3, input: 4 };

function answered(a: RtuAnswer, unitId: number): Buffer {
  if (a.kind === 'response') return a.data;
  throw exceptionError(unitId, a.code);
}

/** Modbus RTU over a serial path, as one slave's link; the port itself is shared through `ports`. */
export function modbusRtuLink(conn: SerialSettings, ports: RtuPorts): ModbusLink {
  const settings: SerialSettings = { path: conn.path, baudRate: conn.baudRate, parity: conn.parity };
  let port: RtuPort | undefined;
  const need = (): RtuPort => {
    if (!port?.isOpen) throw modbusError('MODBUS_IO', `${describeSerial(settings)}: port not open`);
    return port;
  };
  return {
    description: `modbus-rtu ${describeSerial(settings)}`,
    busKey: `rtu:${settings.path}`,
    async open() {
      port ??= ports.acquire(settings);
      await port.open();
    },
    async close() {
      const p = port;
      port = undefined;
      if (p) await ports.release(p);
    },
    isOpen: () => port?.isOpen === true,
    async read(unitId, block, timeoutMs): Promise<BlockResult> {
      const fc = TABLE_FC[block.table];
      const data = answered(await need().transact(readRequest(unitId, fc, block.address, block.count), timeoutMs), unitId);
      return fc <= 2 ? { block, bits: bitsOf(data, block.count) } : { block, words: wordsOf(data) };
    },
    async writeRegister(unitId, address, value, timeoutMs) {
      answered(await need().transact(writeSingleRegisterRequest(unitId, address, value), timeoutMs), unitId);
    },
  };
}
