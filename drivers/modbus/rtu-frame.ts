/**
 * Modbus RTU framing as the master sees it: CRC-16/MODBUS, request frames, and finding the
 * response to one request in whatever bytes the port delivered. Pure functions, no I/O.
 *
 * The response is found by content, not by inter-character timing: USB adapters and ptys deliver
 * bytes in arbitrary chunks, so a frame is "unit id, function code, expected length, CRC good".
 * Reads also check the byte count, which skips the local echo some RS-485 adapters produce
 * (an echoed request has the start address where a response has its byte count).
 */

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** True when the last two bytes of bytes[start, end) are the CRC of the rest. */
export function crcOk(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 4) return false;
  return crc16(bytes, start, end - 2) === (bytes[end - 2]! | (bytes[end - 1]! << 8));
}

export const FC = { readCoils: 1, readDiscreteInputs: 2, readHoldingRegisters: 3, readInputRegisters: 4, writeSingleRegister: 6 } as const;
export type ReadFunctionCode = 1 | 2 | 3 | 4;

/** unit id + function code + data + CRC (low byte first). */
export function encodeFrame(unitId: number, fc: number, data: Uint8Array): Buffer {
  const frame = Buffer.alloc(data.length + 4);
  frame[0] = unitId & 0xff;
  frame[1] = fc & 0xff;
  frame.set(data, 2);
  frame.writeUInt16LE(crc16(frame, 0, frame.length - 2), frame.length - 2);
  return frame;
}

function twoWords(a: number, b: number): Buffer {
  const d = Buffer.alloc(4);
  d.writeUInt16BE(a & 0xffff, 0);
  d.writeUInt16BE(b & 0xffff, 2);
  return d;
}

export function readRequest(unitId: number, fc: ReadFunctionCode, address: number, count: number): Buffer {
  return encodeFrame(unitId, fc, twoWords(address, count));
}

export function writeSingleRegisterRequest(unitId: number, address: number, value: number): Buffer {
  return encodeFrame(unitId, FC.writeSingleRegister, twoWords(address, value));
}

/** What the answer to a request looks like. */
export interface Expectation {
  unitId: number;
  fc: number;
  /** Total length of a normal response, CRC included. */
  length: number;
  /** Reads: the byte count the response must carry in its third byte. */
  byteCount?: number;
}

/** The expectation for a request this module encoded (FC 1–6). */
export function expectationFor(request: Uint8Array): Expectation {
  const unitId = request[0]!;
  const fc = request[1]!;
  const quantity = ((request[4] ?? 0) << 8) | (request[5] ?? 0);
  if (fc === 1 || fc === 2) {
    const n = Math.ceil(quantity / 8);
    return { unitId, fc, length: 5 + n, byteCount: n };
  }
  if (fc === 3 || fc === 4) return { unitId, fc, length: 5 + 2 * quantity, byteCount: 2 * quantity };
  return { unitId, fc, length: 8 }; // 5, 6, 15, 16: unit, fc, address, value/quantity, CRC
}

export type ResponseMatch =
  | { kind: 'incomplete' }
  /** `data`: for reads the bytes after the byte count, else everything between function code and CRC. */
  | { kind: 'response'; data: Buffer; end: number }
  | { kind: 'exception'; code: number; end: number }
  /** A frame with the expected header and length arrived, but its CRC is wrong, and nothing else is pending. */
  | { kind: 'crc-error'; end: number };

/**
 * Looks for the response to `e` anywhere in `buf` (leading noise or an echo is skipped).
 * Never throws; `end` is the index just past the frame.
 */
export function matchResponse(buf: Uint8Array, e: Expectation): ResponseMatch {
  let pending = false;
  let crcFailedEnd = -1;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== e.unitId) continue;
    if (i + 1 >= buf.length) {
      pending = true;
      break;
    }
    const fc = buf[i + 1]!;
    let end: number;
    if (fc === (e.fc | 0x80)) end = i + 5;
    else if (fc === e.fc) {
      if (e.byteCount !== undefined) {
        if (i + 2 >= buf.length) {
          pending = true;
          continue;
        }
        if (buf[i + 2] !== e.byteCount) continue;
      }
      end = i + e.length;
    } else continue;
    if (end > buf.length) {
      pending = true;
      continue;
    }
    if (!crcOk(buf, i, end)) {
      if (crcFailedEnd < 0) crcFailedEnd = end;
      continue;
    }
    const frame = Buffer.from(buf.subarray(i, end));
    if (fc !== e.fc) return { kind: 'exception', code: frame[2]!, end };
    const dataStart = e.byteCount !== undefined ? 3 : 2;
    return { kind: 'response', data: frame.subarray(dataStart, frame.length - 2), end };
  }
  return crcFailedEnd >= 0 && !pending ? { kind: 'crc-error', end: crcFailedEnd } : { kind: 'incomplete' };
}

/** Big-endian 16-bit words of a register read. */
export function wordsOf(data: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) words.push((data[i]! << 8) | data[i + 1]!);
  return words;
}

/** Bits of a coil/discrete read, least significant bit of the first byte first. */
export function bitsOf(data: Uint8Array, count: number): boolean[] {
  const bits: boolean[] = [];
  for (let i = 0; i < count && i >> 3 < data.length; i++) bits.push(((data[i >> 3]! >> (i & 7)) & 1) === 1);
  return bits;
}
