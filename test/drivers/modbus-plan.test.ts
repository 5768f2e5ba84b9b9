import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { modbusPointSchema, type ModbusPointDef } from '../../src/config/board.js';
import { decodeGroup, decodePoint, planReads, type BlockResult } from '../../drivers/modbus/plan.js';

const point = (src: Record<string, unknown>, name = 'p'): ModbusPointDef => modbusPointSchema.parse({ name, group: 'g', source: src });

describe('Modbus read planning', () => {
  it('reads contiguous registers of a group in one transaction', () => {
    const points = [
      point({ table: 'holding', address: 0, type: 'int32' }, 'pos'),
      point({ table: 'holding', address: 2, type: 'int16' }, 'speed'),
      point({ table: 'holding', address: 3, bit: 0 }, 'door'),
      point({ table: 'holding', address: 5 }, 'hb'),
    ];
    expect(planReads(points)).toEqual([{ table: 'holding', address: 0, count: 6 }]);
  });

  it('splits far-apart registers and separate tables into separate transactions', () => {
    const points = [point({ table: 'holding', address: 0 }, 'a'), point({ table: 'holding', address: 100 }, 'b'), point({ table: 'discrete', address: 3, type: 'bool' }, 'c')];
    expect(planReads(points)).toEqual([
      { table: 'holding', address: 0, count: 1 },
      { table: 'holding', address: 100, count: 1 },
      { table: 'discrete', address: 3, count: 1 },
    ]);
  });

  it('never plans a register read longer than the protocol allows', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 300 }), (addrs) => {
        const blocks = planReads(addrs.map((a, i) => point({ table: 'holding', address: a }, `p${i}`)));
        for (const b of blocks) expect(b.count).toBeLessThanOrEqual(125);
        for (const a of addrs) expect(blocks.some((b) => a >= b.address && a < b.address + b.count)).toBe(true);
      }),
    );
  });
});

describe('Modbus point decoding', () => {
  const block = (words: number[]): BlockResult[] => [{ block: { table: 'holding', address: 0, count: words.length }, words }];

  it('decodes int32 high word first, signed int16 and status bits', () => {
    const r = block([0xffff, 0xfc18, 0xfa24, 0b101]);
    expect(decodePoint(point({ table: 'holding', address: 0, type: 'int32' }), r)).toBe(-1000);
    expect(decodePoint(point({ table: 'holding', address: 2, type: 'int16' }), r)).toBe(-1500);
    expect(decodePoint(point({ table: 'holding', address: 3, bit: 0 }), r)).toBe(true);
    expect(decodePoint(point({ table: 'holding', address: 3, bit: 1 }), r)).toBe(false);
    expect(decodePoint(point({ table: 'holding', address: 3, bit: 2 }), r)).toBe(true);
  });

  it('round-trips any 32-bit value in either word order', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.boolean(), (v, highFirst) => {
        const u = v >>> 0;
        const hi = u >>> 16;
        const lo = u & 0xffff;
        const words = highFirst ? [hi, lo] : [lo, hi];
        const p = point({ table: 'holding', address: 0, type: 'int32', wordOrder: highFirst ? 'high-first' : 'low-first' });
        expect(decodePoint(p, block(words))).toBe(v);
      }),
    );
  });

  it('marks points whose registers were not read as bad, never throws on short answers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }), (words) => {
        const points = [point({ table: 'holding', address: 0, type: 'int32' }, 'pos'), point({ table: 'holding', address: 5, bit: 3 }, 'flag')];
        const result = decodeGroup(points, [{ block: { table: 'holding', address: 0, count: 6 }, words }], 1);
        expect(result).toHaveLength(2);
        expect(result[0]!.quality).toBe(words.length >= 2 ? 'good' : 'bad');
        expect(result[1]!.quality).toBe(words.length >= 6 ? 'good' : 'bad');
      }),
    );
  });
});
