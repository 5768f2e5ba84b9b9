import { EventEmitter } from 'node:events';
import type { SerialPortFactory, SerialPortLike, SerialSettings } from '../../drivers/kernel/serial-port.js';
import { FC } from '../../drivers/modbus/rtu-frame.js';
import { bitsPayload, exceptionResponse, parseRequest, readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';

/** A slave on the fake bus: its line settings and what it serves (from address 0). */
export interface FakeSlave {
  unit: number;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  holding?: () => readonly number[];
  discrete?: () => readonly boolean[];
}

/**
 * An in-memory RS-485 bus at the byte boundary for tests of `diag scan` on sample time: the
 * master's port factory gets the line settings, so a slave answers only a master at its own
 * baud rate and parity. `noiseAt` makes the line return garbage at one setting (a wrong baud rate
 * heard as noise), `echo` makes the adapter hear its own requests. Every frame the master writes is
 * recorded with the settings it was sent at.
 */
export class FakeBus {
  readonly sent: { frame: Buffer; settings: SerialSettings }[] = [];
  readonly opens: SerialSettings[] = [];

  constructor(
    readonly slaves: FakeSlave[],
    private readonly o: { noiseAt?: { baudRate: number; parity: string } | 'everywhere'; echo?: boolean } = {},
  ) {}

  readonly factory: SerialPortFactory = (settings) => new FakeMasterPort(this, settings);

  /** What the wire brings back to the master for one written chunk. */
  answer(data: Buffer, s: SerialSettings): Buffer[] {
    this.sent.push({ frame: Buffer.from(data), settings: s });
    const out: Buffer[] = this.o.echo ? [Buffer.from(data)] : [];
    const n = this.o.noiseAt;
    if (n === 'everywhere' || (n && n.baudRate === s.baudRate && n.parity === (s.parity ?? 'none'))) return [...out, Buffer.from([0xff, 0x00, 0xfe])];
    const m = parseRequest(data);
    if (m.kind !== 'request') return out;
    const slave = this.slaves.find((x) => x.unit === m.unitId && x.baudRate === s.baudRate && x.parity === (s.parity ?? 'none'));
    if (!slave) return out;
    const address = m.data.readUInt16BE(0);
    const count = m.data.readUInt16BE(2);
    const table = m.fc === FC.readHoldingRegisters ? slave.holding?.() : m.fc === FC.readDiscreteInputs ? slave.discrete?.() : undefined;
    if (!table || address + count > table.length) return [...out, exceptionResponse(m.unitId, m.fc, table ? 2 : 1)];
    const part = table.slice(address, address + count);
    return [...out, readResponse(m.unitId, m.fc, m.fc === FC.readDiscreteInputs ? bitsPayload(part as boolean[]) : registersPayload(part as number[]))];
  }
}

class FakeMasterPort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  readonly writableLength = 0;

  constructor(
    private readonly bus: FakeBus,
    private readonly settings: SerialSettings,
  ) {
    super();
  }

  get path(): string {
    return this.settings.path;
  }

  open(callback: (err: Error | null) => void): void {
    this.bus.opens.push(this.settings);
    this.isOpen = true;
    setImmediate(() => callback(null));
  }

  close(callback?: (err: Error | null) => void): void {
    this.isOpen = false;
    setImmediate(() => callback?.(null));
  }

  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean {
    for (const chunk of this.bus.answer(data, this.settings)) setImmediate(() => this.isOpen && this.emit('data', chunk));
    setImmediate(() => callback?.(null));
    return true;
  }

  flush(callback?: (err: Error | null) => void): void {
    setImmediate(() => callback?.(null));
  }
}
