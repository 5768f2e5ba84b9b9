import net from 'node:net';
import { systemTimers, type Timer, type Timers } from '../../src/core/clock.js';
import { exceptionError, modbusError } from './errors.js';
import type { ModbusLink } from './link.js';
import type { BlockResult, ReadBlock } from './plan.js';

/** MBAP header: transaction id, protocol id (0), length (of unit id + PDU); then the unit id. */
const MBAP = 6;
/** A Modbus TCP ADU is at most 260 bytes: the length field never counts more than 254. */
const MAX_LENGTH = 254;
const TABLE_FC: Record<ReadBlock['table'], number> = { coil: 1, discrete: 2, holding: 3, input: 4 };
const WRITE_SINGLE_REGISTER = 6;

/**
 * A big-endian 16-bit word of `buf` at `i`, the caller having checked the bounds. Not
 * `Buffer#readUInt16BE`: the launcher's `run` is jitless (--lite-mode), where each of Node's
 * bounds-checked Buffer accessors is a chain of interpreted calls that allocates on every poll.
 */
function word(buf: Buffer, i: number): number {
  return (buf[i]! << 8) | buf[i + 1]!;
}

/** Writes `v` as a big-endian 16-bit word at `i` of `buf` (see `word`). */
function putWord(buf: Buffer, i: number, v: number): void {
  buf[i] = (v >>> 8) & 0xff;
  buf[i + 1] = v & 0xff;
}

/** One request on the wire, waiting for the answer with its transaction id. */
interface Transaction {
  unitId: number;
  fc: number;
  /** Reads only: what was asked for, and the byte count a good answer carries. */
  block: ReadBlock | undefined;
  byteCount: number;
  /** `timers.now()` by which the answer must have come. */
  deadline: number;
  timeoutMs: number;
  resolve: (r: BlockResult | undefined) => void;
  reject: (e: Error) => void;
}

/**
 * Modbus TCP, elevgw's own client: one socket per link, MBAP framing, answers matched to requests
 * by transaction id (a late answer to a request that timed out is dropped, never taken for the
 * next one). It sits on the hot path of every poll, so it does per transaction only what the
 * wire needs: the socket delivers into one reused buffer (`onread`, no stream machinery), words
 * are decoded straight from it, and one timer per link watches every deadline instead of a
 * timer armed and cleared per request. Failures are coded (errors.ts): no answer in time
 * MODBUS_TIMEOUT, an exception response MODBUS_EXCEPTION with its code, a closed, refused or
 * garbled connection MODBUS_IO (the driver then reopens it). `timers` are real time: a
 * simulation running faster must not shorten how long a slave gets to answer.
 */
export function modbusTcpLink(conn: { host: string; port: number }, timers: Timers = systemTimers): ModbusLink {
  const name = `modbus-tcp ${conn.host}:${conn.port}`;
  const inflight = new Map<number, Transaction>();
  const readBuffer = Buffer.allocUnsafe(1024);
  let socket: net.Socket | undefined;
  /** The start of a frame the last read cut off (copied: the read buffer is reused). */
  let partial: Buffer | undefined;
  let nextId = 0;
  let watch: Timer | undefined;
  let watchDue = Number.POSITIVE_INFINITY;

  const failAll = (message: string): void => {
    const e = modbusError('MODBUS_IO', `${name}: ${message}`);
    const all = [...inflight.values()];
    inflight.clear();
    for (const t of all) t.reject(e);
  };

  /** Drops the connection (closed by the peer, an error, a garbled stream): what is in flight fails at once. */
  const lose = (s: net.Socket, message: string): void => {
    if (socket !== s) return;
    socket = undefined;
    partial = undefined;
    s.destroy();
    failAll(message);
  };

  const expire = (): void => {
    watch = undefined;
    watchDue = Number.POSITIVE_INFINITY;
    const now = timers.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, t] of inflight) {
      if (t.deadline > now) {
        next = Math.min(next, t.deadline);
        continue;
      }
      inflight.delete(id);
      t.reject(modbusError('MODBUS_TIMEOUT', `${name}: unit ${t.unitId} timed out (no answer within ${t.timeoutMs} ms)`));
    }
    if (next !== Number.POSITIVE_INFINITY) watchUntil(next);
  };

  /** The watch fires at the earliest deadline; a request answered before it leaves it armed for the next one. */
  const watchUntil = (deadline: number): void => {
    if (watch && watchDue <= deadline) return;
    watch?.cancel();
    watchDue = deadline;
    watch = timers.after(deadline - timers.now(), expire);
  };

  /** What an answer to `t` says: its values, nothing (a write's echo), or why it is no good answer. */
  const outcome = (t: Transaction, buf: Buffer, start: number, end: number): BlockResult | undefined | Error => {
    const unitId = buf[start + MBAP]!;
    const fc = buf[start + MBAP + 1]!;
    const size = end - start;
    if (fc === (t.fc | 0x80) && size >= MBAP + 3) return exceptionError(t.unitId, buf[start + MBAP + 2]!);
    if (unitId !== t.unitId || fc !== t.fc) {
      return modbusError('MODBUS_IO', `${name}: answer from unit ${unitId} with function ${fc} to a request to unit ${t.unitId} with function ${t.fc}`);
    }
    const block = t.block;
    if (!block) {
      // A write is answered with its own echo.
      return size === MBAP + 6 ? undefined : modbusError('MODBUS_IO', `${name}: write answered with ${size - MBAP} bytes, expected 6`);
    }
    const data = start + MBAP + 3;
    if (buf[data - 1] !== t.byteCount || end - data !== t.byteCount) {
      return modbusError('MODBUS_IO', `${name}: read answered with byte count ${buf[data - 1]} and ${end - data} data bytes, expected ${t.byteCount}`);
    }
    if (fc <= 2) {
      const bits: boolean[] = [];
      for (let i = 0; i < block.count; i++) bits.push(((buf[data + (i >> 3)]! >> (i & 7)) & 1) === 1);
      return { block, bits };
    }
    const words: number[] = [];
    for (let i = data; i < end; i += 2) words.push(word(buf, i));
    return { block, words };
  };

  const answer = (buf: Buffer, start: number, end: number): void => {
    const id = word(buf, start);
    const t = inflight.get(id);
    if (!t) return; // its request timed out (or was never ours)
    inflight.delete(id);
    const r = outcome(t, buf, start, end);
    if (r instanceof Error) t.reject(r);
    else t.resolve(r);
  };

  /** Cuts MBAP frames out of what arrived; a frame split across reads waits in `partial`. */
  const received = (s: net.Socket, n: number): boolean => {
    let buf = readBuffer;
    let end = n;
    if (partial) {
      buf = Buffer.concat([partial, readBuffer.subarray(0, n)]);
      end = buf.length;
      partial = undefined;
    }
    let start = 0;
    while (end - start >= MBAP) {
      const length = word(buf, start + 4);
      const protocol = word(buf, start + 2);
      if (protocol !== 0 || length < 2 || length > MAX_LENGTH) {
        lose(s, `not a Modbus TCP stream (protocol ${protocol}, length ${length}): connection dropped`);
        return false;
      }
      const frameEnd = start + MBAP + length;
      if (frameEnd > end) break;
      answer(buf, start, frameEnd);
      start = frameEnd;
    }
    if (start < end) partial = Buffer.from(buf.subarray(start, end));
    return true; // keep reading
  };

  const send = (unitId: number, fc: number, a: number, b: number, block: ReadBlock | undefined, byteCount: number, timeoutMs: number): Promise<BlockResult | undefined> => {
    const s = socket;
    if (!s) return Promise.reject(modbusError('MODBUS_IO', `${name}: not connected`));
    nextId = (nextId + 1) & 0xffff;
    const id = nextId;
    const frame = Buffer.allocUnsafe(MBAP + 6);
    putWord(frame, 0, id);
    putWord(frame, 2, 0);
    putWord(frame, 4, 6);
    frame[6] = unitId & 0xff;
    frame[7] = fc;
    putWord(frame, 8, a);
    putWord(frame, 10, b);
    const deadline = timers.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      inflight.set(id, { unitId, fc, block, byteCount, deadline, timeoutMs, resolve, reject });
      watchUntil(deadline);
      s.write(frame);
    });
  };

  return {
    description: name,
    busKey: `tcp:${conn.host}:${conn.port}`,
    async open() {
      if (socket) lose(socket, 'reopened');
      const s: net.Socket = net.connect({ host: conn.host, port: conn.port, noDelay: true, onread: { buffer: readBuffer, callback: (n: number) => received(s, n) } });
      await new Promise<void>((resolve, reject) => {
        const refused = (e: Error) => {
          s.destroy();
          reject(modbusError('MODBUS_IO', `${name}: ${e.message}`));
        };
        s.once('error', refused);
        s.once('connect', () => {
          s.off('error', refused);
          s.on('error', (e: Error) => lose(s, e.message));
          s.on('close', () => lose(s, 'connection closed'));
          partial = undefined;
          socket = s;
          resolve();
        });
      });
    },
    async close() {
      // `lose` destroys the socket, which closes it there and then (`closed` is already true):
      // nothing left to wait for.
      if (socket) lose(socket, 'link closed');
      watch?.cancel();
      watch = undefined;
      watchDue = Number.POSITIVE_INFINITY;
    },
    isOpen: () => socket !== undefined,
    read(unitId, block, timeoutMs) {
      const fc = TABLE_FC[block.table];
      const byteCount = fc <= 2 ? Math.ceil(block.count / 8) : 2 * block.count;
      return send(unitId, fc, block.address, block.count, block, byteCount, timeoutMs) as Promise<BlockResult>;
    },
    async writeRegister(unitId, address, value, timeoutMs) {
      await send(unitId, WRITE_SINGLE_REGISTER, address, value, undefined, 0, timeoutMs);
    },
  };
}
