import { FC } from '../../drivers/modbus/rtu-frame.js';
import { bitsPayload, exceptionResponse, parseRequest, readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';
import { systemSerialPorts, type SerialPortLike, type SerialPortFactory, type SerialSettings } from '../../drivers/kernel/serial-port.js';

const EXCEPTION = { illegalFunction: 1, illegalDataAddress: 2, illegalDataValue: 3 } as const;

/** How the slave misbehaves, for tests of the master's error handling. */
type RtuFault = 'none' | 'silent' | 'bad-crc' | 'busy';

export interface ModbusRtuServerOptions extends Partial<Omit<SerialSettings, 'path'>> {
  path: string;
  /** The unit id answered (1–247); 255 answers every unit id. Broadcasts (0) are never answered. */
  unitId: number;
  /** Registers served from address 0 as holding (FC3) and input (FC4) registers; called once per request. */
  readRegisters: () => readonly number[];
  /** Discrete inputs (FC2) from address 0; called once per request. */
  readDiscreteInputs?: () => readonly boolean[];
  openSerial?: SerialPortFactory;
  /** Reopen the path this often after it disappears (the pty was re-created, the adapter replugged). */
  reopenMs?: number;
}

export interface ModbusRtuServer {
  readonly path: string;
  /** Requests answered (or deliberately not answered) so far. */
  readonly requests: number;
  /** Test seam: answer normally, not at all, with a corrupted CRC, or with exception 6 (busy). */
  fault: RtuFault;
  close(): Promise<void>;
}

/** A partial frame older than this is line noise, not the start of a request. */
const STALE_PARTIAL_MS = 100;

/**
 * A read-only Modbus RTU slave on a serial path (a pty end in tests and demos, a USB RS-485
 * adapter on a bench). Frames are cut by content (drivers/modbus/rtu-request.ts); out-of-range
 * reads get exception 2, writes exception 1, like the TCP slave.
 */
export async function startModbusRtuServer(o: ModbusRtuServerOptions): Promise<ModbusRtuServer> {
  const settings: SerialSettings = { path: o.path, baudRate: o.baudRate ?? 9600, parity: o.parity ?? 'none' };
  const openSerial = o.openSerial ?? systemSerialPorts;
  let port: SerialPortLike | undefined;
  let rx: Buffer = Buffer.alloc(0);
  let lastRx = 0;
  let closed = false;
  let reopenTimer: NodeJS.Timeout | undefined;
  let requests = 0;
  const server: ModbusRtuServer = {
    path: o.path,
    get requests() {
      return requests;
    },
    fault: 'none',
    async close() {
      closed = true;
      clearTimeout(reopenTimer);
      const p = port;
      port = undefined;
      p?.removeAllListeners();
      p?.on('error', () => undefined);
      if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
    },
  };
  const answer = (p: SerialPortLike, unitId: number, fc: number, data: Buffer) => {
    requests++;
    if (unitId === 0 || (o.unitId !== 255 && unitId !== o.unitId) || server.fault === 'silent') return;
    const reply = server.fault === 'busy' ? exceptionResponse(unitId, fc, 6) : respond(o, unitId, fc, data);
    if (server.fault === 'bad-crc') reply[reply.length - 1]! ^= 0xff;
    p.write(reply);
  };

  const onData = (p: SerialPortLike, chunk: Buffer) => {
    const now = performance.now();
    if (now - lastRx > STALE_PARTIAL_MS) rx = Buffer.alloc(0);
    lastRx = now;
    rx = rx.length ? Buffer.concat([rx, chunk]) : chunk;
    for (;;) {
      const m = parseRequest(rx);
      if (m.kind === 'incomplete') break;
      if (m.kind === 'skip') rx = rx.subarray(m.count);
      else {
        rx = rx.subarray(m.end);
        answer(p, m.unitId, m.fc, m.data);
      }
    }
    if (rx.length > 512) rx = Buffer.alloc(0);
  };

  const open = async (): Promise<void> => {
    const p = openSerial(settings);
    p.on('data', (chunk: Buffer) => onData(p, chunk));
    p.on('error', () => undefined);
    p.on('close', () => {
      if (port !== p) return;
      port = undefined;
      scheduleReopen();
    });
    await new Promise<void>((resolve, reject) => p.open((err) => (err ? reject(err) : resolve())));
    if (closed) return void p.close();
    port = p;
  };
  const scheduleReopen = () => {
    if (closed) return;
    reopenTimer = setTimeout(() => void open().catch(scheduleReopen), o.reopenMs ?? 500);
  };

  await open();
  return server;
}

/** The answer to one request addressed to this slave. */
function respond(o: ModbusRtuServerOptions, unitId: number, fc: number, data: Buffer): Buffer {
  const fail = (code: number) => exceptionResponse(unitId, fc, code);
  if (fc !== FC.readDiscreteInputs && fc !== FC.readHoldingRegisters && fc !== FC.readInputRegisters) {
    // Coils: there are none. Writes: a simulator of a monitored controller is read-only.
    return fail(fc === FC.readCoils ? EXCEPTION.illegalDataAddress : EXCEPTION.illegalFunction);
  }
  const address = data.readUInt16BE(0);
  const count = data.readUInt16BE(2);
  if (fc === FC.readDiscreteInputs) {
    if (count < 1 || count > 2000) return fail(EXCEPTION.illegalDataValue);
    const bits = o.readDiscreteInputs?.() ?? [];
    if (address + count > bits.length) return fail(EXCEPTION.illegalDataAddress);
    return readResponse(unitId, fc, bitsPayload(bits.slice(address, address + count)));
  }
  if (count < 1 || count > 125) return fail(EXCEPTION.illegalDataValue);
  const regs = o.readRegisters();
  if (address + count > regs.length) return fail(EXCEPTION.illegalDataAddress);
  return readResponse(unitId, fc, registersPayload(regs.slice(address, address + count)));
}
