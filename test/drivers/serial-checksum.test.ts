import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checksumSize, computeChecksum, crc16CcittFalse, crc16Modbus, sum8, xor8 } from '../../drivers/serial/checksum.js';
import { CHECKSUM_TYPES } from '../../src/config/framing.js';

const ascii = (s: string) => Buffer.from(s, 'ascii');

describe('frame checksums', () => {
  it('match the published check values for "123456789"', () => {
    const check = ascii('123456789');
    expect(crc16Modbus(check)).toBe(0x4b37);
    expect(crc16CcittFalse(check)).toBe(0x29b1);
    expect(sum8(check)).toBe(0xdd);
    expect(xor8(check)).toBe(0x31);
  });

  it('match a Modbus RTU request seen on a real bus (read 2 holding registers of slave 1)', () => {
    // 01 03 00 00 00 02 C4 0B: the CRC is sent low byte first
    expect(crc16Modbus(Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x02]))).toBe(0x0bc4);
  });

  it('leave a zero residue when the CRC is appended in its wire order', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const m = crc16Modbus(data);
        expect(crc16Modbus(Buffer.concat([data, Buffer.from([m & 0xff, m >> 8])]))).toBe(0);
        const c = crc16CcittFalse(data);
        expect(crc16CcittFalse(Buffer.concat([data, Buffer.from([c >> 8, c & 0xff])]))).toBe(0);
        expect(xor8(Buffer.concat([data, Buffer.from([xor8(data)])]))).toBe(0);
      }),
    );
  });

  it('sum8 adds up across concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        expect(sum8(Buffer.concat([a, b]))).toBe((sum8(a) + sum8(b)) & 0xff);
      }),
    );
  });

  it('every algorithm notices any single corrupted byte', () => {
    const kinds = CHECKSUM_TYPES.filter((k) => k !== 'none');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom(...kinds), (data, at, flip, kind) => {
        const corrupted = Uint8Array.from(data);
        corrupted[at % data.length]! ^= flip;
        expect(computeChecksum(kind, corrupted)).not.toBe(computeChecksum(kind, data));
      }),
    );
  });

  it('stay within their wire size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...CHECKSUM_TYPES), (data, kind) => {
        expect(computeChecksum(kind, data)).toBeLessThan(2 ** (8 * checksumSize(kind)));
      }),
    );
  });
});
