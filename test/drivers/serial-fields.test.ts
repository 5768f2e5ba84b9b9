import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { payloadNeeded, readField } from '../../drivers/serial/fields.js';
import { frameSourceSchema } from '../../src/config/sources.js';

const src = (s: Record<string, unknown>) => frameSourceSchema.parse(s);

describe('frame fields', () => {
  const kinds = [
    { type: 'u8', min: 0, max: 0xff, write: (b: Buffer, v: number) => b.writeUInt8(v, 0) },
    { type: 'i8', min: -0x80, max: 0x7f, write: (b: Buffer, v: number) => b.writeInt8(v, 0) },
    { type: 'u16', min: 0, max: 0xffff, write: (b: Buffer, v: number, le: boolean) => (le ? b.writeUInt16LE(v, 0) : b.writeUInt16BE(v, 0)) },
    { type: 'i16', min: -0x8000, max: 0x7fff, write: (b: Buffer, v: number, le: boolean) => (le ? b.writeInt16LE(v, 0) : b.writeInt16BE(v, 0)) },
    { type: 'u32', min: 0, max: 0xffff_ffff, write: (b: Buffer, v: number, le: boolean) => (le ? b.writeUInt32LE(v, 0) : b.writeUInt32BE(v, 0)) },
    { type: 'i32', min: -0x8000_0000, max: 0x7fff_ffff, write: (b: Buffer, v: number, le: boolean) => (le ? b.writeInt32LE(v, 0) : b.writeInt32BE(v, 0)) },
  ] as const;

  it('reads every integer type in either byte order at any offset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds).chain((k) => fc.tuple(fc.constant(k), fc.integer({ min: k.min, max: k.max }), fc.boolean(), fc.nat({ max: 8 }))),
        ([k, v, le, offset]) => {
          const field = Buffer.alloc(4);
          k.write(field, v, le);
          const payload = Buffer.concat([Buffer.alloc(offset, 0xee), field]);
          expect(readField(payload, src({ offset, type: k.type, endian: le ? 'le' : 'be' }))).toBe(v);
        },
      ),
    );
  });

  it('reads bits of unsigned fields and of single bytes', () => {
    const payload = Buffer.from([0b0000_0100, 0x80, 0x01]);
    expect(readField(payload, src({ offset: 0, type: 'bit', bit: 2 }))).toBe(true);
    expect(readField(payload, src({ offset: 0, type: 'bit', bit: 1 }))).toBe(false);
    expect(readField(payload, src({ offset: 1, type: 'u16', bit: 15 }))).toBe(true); // 0x8001 big-endian
    expect(readField(payload, src({ offset: 1, type: 'u16', bit: 0 }))).toBe(true);
    expect(readField(payload, src({ offset: 1, type: 'u16', endian: 'le', bit: 7 }))).toBe(true); // 0x0180
    expect(readField(Buffer.from([0x80, 0, 0, 0]), src({ offset: 0, type: 'u32', bit: 31 }))).toBe(true);
  });

  it('gives undefined for a field beyond a short payload, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.nat({ max: 10 }), fc.constantFrom('u8', 'i16', 'u32'), (payload, offset, type) => {
        const s = src({ offset, type });
        const v = readField(payload, s);
        expect(v === undefined).toBe(offset + { u8: 1, i16: 2, u32: 4 }[type] > payload.length);
      }),
    );
  });

  it('knows the shortest payload a profile needs', () => {
    expect(payloadNeeded([src({ offset: 1, type: 'i32' }), src({ offset: 7, type: 'u16', bit: 3 })])).toBe(9);
    expect(payloadNeeded([])).toBe(0);
  });

  it('refuses bits that do not exist', () => {
    expect(frameSourceSchema.safeParse({ offset: 0, type: 'u8', bit: 8 }).error?.issues[0]?.message).toMatch(/bit 8 is outside a 8-bit u8: expected 0–7/);
    expect(frameSourceSchema.safeParse({ offset: 0, type: 'i16', bit: 1 }).error?.issues[0]?.message).toMatch(/signed i16/);
    expect(frameSourceSchema.safeParse({ offset: 0, type: 'bit' }).error?.issues[0]?.message).toMatch(/needs a bit number/);
  });
});
