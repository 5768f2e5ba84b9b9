import { FC } from '../../drivers/modbus/rtu-frame.js';
import { bitsPayload, exceptionResponse, parseRequest, readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';
import { systemSerialPorts, type SerialPortLike } from '../../drivers/kernel/serial-port.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { ReadBlock } from '../../drivers/modbus/plan.js';

/**
 * Any in-process ModbusLink served as a Modbus RTU slave on a serial path — here the
 * signal-playback link (src/sim/playback.ts), so the rule corpus reaches the gateway as RTU
 * frames on a pty. Why not src/sim/modbus-rtu-server.ts: it serves one register image and can
 * fail only a whole request range, while playback must fail one signal's register alone (exception
 * 4, as a dead input would). Requests are cut with the product's own slave-side parser, so a
 * corrupted request is skipped and re-synchronised on exactly as the simulator's slave does.
 */
export interface RtuLinkSlave {
  /** The link answering requests; swap it between scenarios. */
  link: ModbusLink;
  readonly requests: number;
  close(): Promise<void>;
}

const TABLES: Partial<Record<number, ReadBlock['table']>> = {
  [FC.readCoils]: 'coil',
  [FC.readDiscreteInputs]: 'discrete',
  [FC.readHoldingRegisters]: 'holding',
  [FC.readInputRegisters]: 'input',
};

export async function startRtuLinkSlave(o: { path: string; unitId: number; link: ModbusLink }): Promise<RtuLinkSlave> {
  const port: SerialPortLike = systemSerialPorts({ path: o.path, baudRate: 115_200, parity: 'none' });
  let rx: Buffer = Buffer.alloc(0);
  let requests = 0;
  // Answers leave in request order even though the link answers asynchronously.
  let tail: Promise<void> = Promise.resolve();
  const slave: RtuLinkSlave = {
    link: o.link,
    get requests() {
      return requests;
    },
    async close() {
      await tail;
      port.removeAllListeners();
      port.on('error', () => undefined);
      if (port.isOpen) await new Promise<void>((r) => port.close(() => r()));
    },
  };

  const answer = async (unitId: number, fc: number, data: Buffer): Promise<Buffer | undefined> => {
    requests++;
    if (unitId !== o.unitId) return undefined; // another slave's request (or a broadcast): stay silent
    const table = TABLES[fc];
    if (!table) return exceptionResponse(unitId, fc, 1); // writes: the monitored controller is read-only here
    const block: ReadBlock = { table, address: data.readUInt16BE(0), count: data.readUInt16BE(2) };
    try {
      const r = await slave.link.read(unitId, block, 0);
      const payload = r.bits ? bitsPayload(r.bits) : registersPayload(r.words ?? []);
      return readResponse(unitId, fc, payload);
    } catch (e) {
      return exceptionResponse(unitId, fc, (e as { modbusCode?: number }).modbusCode ?? 4);
    }
  };

  port.on('error', () => undefined);
  port.on('data', (chunk: Buffer) => {
    rx = rx.length ? Buffer.concat([rx, chunk]) : chunk;
    for (;;) {
      const m = parseRequest(rx);
      if (m.kind === 'incomplete') break;
      if (m.kind === 'skip') {
        rx = rx.subarray(m.count);
        continue;
      }
      rx = rx.subarray(m.end);
      const reply = answer(m.unitId, m.fc, m.data);
      tail = tail.then(async () => {
        const bytes = await reply;
        if (bytes && port.isOpen) port.write(bytes);
      });
    }
    if (rx.length > 512) rx = Buffer.alloc(0);
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return slave;
}
