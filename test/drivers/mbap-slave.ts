import net from 'node:net';
import { expect } from 'vitest';
import { classify, exceptionCodeOf } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import { modbusTcpLink } from '../../drivers/modbus/tcp-link.js';
import type { Timers } from '../../src/core/clock.js';

/**
 * A scripted Modbus TCP slave on loopback for the link's wire tests: it sees every request and
 * decides what goes back, when and in how many pieces. With the MBAP frame builders and the
 * failure reader those tests share.
 */
export const HOST = '127.0.0.1';

/** One request as the slave received it. */
export interface Request {
  id: number;
  protocol: number;
  length: number;
  unitId: number;
  fc: number;
  a: number;
  b: number;
}

/** An MBAP frame: header, unit id, then the PDU bytes. */
export function frame(id: number, unitId: number, pdu: number[], protocol = 0): Buffer {
  const b = Buffer.alloc(7 + pdu.length);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(protocol, 2);
  b.writeUInt16BE(pdu.length + 1, 4);
  b[6] = unitId;
  Buffer.from(pdu).copy(b, 7);
  return b;
}

/** The answer to a register read: function code, byte count, the words big-endian. */
export function registers(r: Request, words: number[]): Buffer {
  return frame(r.id, r.unitId, [r.fc, words.length * 2, ...words.flatMap((w) => [w >> 8, w & 0xff])]);
}

/** What a rejected call failed with, as the driver classifies it, and the error itself. */
export async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeDefined();
  return { code: classify(e), exceptionCode: exceptionCodeOf(e), error: e as Error & { code?: string } };
}

/** Slaves and links of one test, closed by `cleanup()` (call it in afterEach). */
export function mbapRig() {
  const closers: (() => Promise<void>)[] = [];

  /** A slave calling `onRequest` for every 12-byte request; returns its port and what it saw. */
  async function slave(onRequest: (r: Request, socket: net.Socket, seen: Request[]) => void): Promise<{ port: number; seen: Request[]; sockets: Set<net.Socket> }> {
    const seen: Request[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 12) {
          const r = {
            id: buf.readUInt16BE(0),
            protocol: buf.readUInt16BE(2),
            length: buf.readUInt16BE(4),
            unitId: buf[6]!,
            fc: buf[7]!,
            a: buf.readUInt16BE(8),
            b: buf.readUInt16BE(10),
          };
          buf = buf.subarray(12);
          seen.push(r);
          onRequest(r, socket, seen);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, HOST, r));
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    return { port: (server.address() as net.AddressInfo).port, seen, sockets };
  }

  async function opened(port: number, timers?: Timers): Promise<ModbusLink> {
    const link = modbusTcpLink({ host: HOST, port }, timers);
    closers.push(() => link.close());
    await link.open();
    return link;
  }

  async function cleanup(): Promise<void> {
    for (const c of closers.splice(0).reverse()) await c();
  }

  return { slave, opened, cleanup };
}
