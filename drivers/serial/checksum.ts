import type { ChecksumType } from '../../src/config/framing.js';

/**
 * Frame checksums as pure functions over bytes. Test vectors ("123456789"):
 * sum8 0xDD, xor8 0x31, CRC-16/MODBUS 0x4B37, CRC-16/CCITT-FALSE 0x29B1.
 */

/** Sum of the bytes modulo 256. */
export function sum8(data: Uint8Array): number {
  let s = 0;
  for (const b of data) s = (s + b) & 0xff;
  return s;
}

/** XOR of the bytes (longitudinal redundancy check without complement). */
export function xor8(data: Uint8Array): number {
  let x = 0;
  for (const b of data) x ^= b;
  return x;
}

/** CRC-16/MODBUS: poly 0x8005 (0xA001 reflected), init 0xFFFF, reflected in and out, no final xor. */
export function crc16Modbus(data: Uint8Array): number {
  let crc = 0xffff;
  for (const b of data) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final xor. */
export function crc16CcittFalse(data: Uint8Array): number {
  let crc = 0xffff;
  for (const b of data) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Bytes the checksum occupies on the wire. */
export function checksumSize(type: ChecksumType): 0 | 1 | 2 {
  if (type === 'none') return 0;
  return type === 'sum8' || type === 'xor8' ? 1 : 2;
}

export function computeChecksum(type: ChecksumType, data: Uint8Array): number {
  switch (type) {
    case 'none':
      return 0;
    case 'sum8':
      return sum8(data);
    case 'xor8':
      return xor8(data);
    case 'crc16-modbus':
      return crc16Modbus(data);
    case 'crc16-ccitt-false':
      return crc16CcittFalse(data);
  }
}
