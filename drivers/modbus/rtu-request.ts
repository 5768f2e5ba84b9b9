import { crcOk, encodeFrame } from './rtu-frame.js';

/**
 * Modbus RTU framing as a slave sees it: cutting request frames out of a byte stream.
 * Used by the simulator's RTU slave (src/sim/modbus-rtu-server.ts). Pure, never throws.
 *
 * A request's length follows from its function code (FC 1–6: 8 bytes; FC 15/16: 9 + byte count),
 * so frames are found by content rather than by inter-character silence, which ptys and USB
 * adapters do not preserve. A bad CRC or an unknown function code drops one byte and the
 * parser re-synchronises on the next.
 */
export type RequestMatch =
  | { kind: 'incomplete' }
  /** `data`: the bytes between function code and CRC. */
  | { kind: 'request'; unitId: number; fc: number; data: Buffer; end: number }
  /** Drop this many bytes (at least 1) and parse again. */
  | { kind: 'skip'; count: number; reason: 'crc' | 'unknown-function' };

function requestLength(buf: Uint8Array): number | 'incomplete' | 'unknown' {
  const fc = buf[1]!;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc !== 15 && fc !== 16) return 'unknown';
  if (buf.length < 7) return 'incomplete';
  // A write-multiple header is believed only if its quantity and byte count agree (noise rarely does).
  const quantity = (buf[4]! << 8) | buf[5]!;
  const bytes = fc === 15 ? Math.ceil(quantity / 8) : quantity * 2;
  const max = fc === 15 ? 1968 : 123;
  return quantity >= 1 && quantity <= max && buf[6] === bytes ? 9 + bytes : 'unknown';
}

export function parseRequest(buf: Uint8Array): RequestMatch {
  if (buf.length < 2) return { kind: 'incomplete' };
  const length = requestLength(buf);
  if (length === 'unknown') return { kind: 'skip', count: 1, reason: 'unknown-function' };
  if (length === 'incomplete' || buf.length < length) return { kind: 'incomplete' };
  if (!crcOk(buf, 0, length)) return { kind: 'skip', count: 1, reason: 'crc' };
  return { kind: 'request', unitId: buf[0]!, fc: buf[1]!, data: Buffer.from(buf.subarray(2, length - 2)), end: length };
}

/** A read response: unit, fc, byte count, data, CRC. */
export function readResponse(unitId: number, fc: number, payload: Uint8Array): Buffer {
  const data = Buffer.alloc(payload.length + 1);
  data[0] = payload.length;
  data.set(payload, 1);
  return encodeFrame(unitId, fc, data);
}

export function exceptionResponse(unitId: number, fc: number, code: number): Buffer {
  return encodeFrame(unitId, fc | 0x80, Uint8Array.of(code));
}

export function registersPayload(words: readonly number[]): Buffer {
  const b = Buffer.alloc(words.length * 2);
  for (const [i, w] of words.entries()) b.writeUInt16BE(w & 0xffff, i * 2);
  return b;
}

export function bitsPayload(bits: readonly boolean[]): Buffer {
  const b = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((on, i) => {
    if (on) b[i >> 3]! |= 1 << (i & 7);
  });
  return b;
}
