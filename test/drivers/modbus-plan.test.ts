import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { modbusPointSchema, type ModbusPointDef } from '../../src/config/board.js';
import { decodeGroup, decodePlanned, decodePoint, planGroup, planReads, type BlockResult } from '../../drivers/modbus/plan.js';

const point = (src: Record<string, unknown>, name = 'p'): ModbusPointDef => modbusPointSchema().parse({ name, group: 'g', source: src });

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

describe('Modbus read planning at its limits', () => {
  const regs = (addrs: number[], table = 'holding', type?: string) => addrs.map((a, i) => point({ table, address: a, ...(type ? { type } : {}) }, `p${i}`));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it('reads across unused registers when the next point is at most 8 addresses on, and splits at 9', () => {
    expect(planReads(regs([0, 8]))).toEqual([{ table: 'holding', address: 0, count: 9 }]);
    expect(planReads(regs([0, 9]))).toEqual([
      { table: 'holding', address: 0, count: 1 },
      { table: 'holding', address: 9, count: 1 },
    ]);
  });

  it('splits 200 contiguous registers into 125 + 75, the FC3/FC4 limit', () => {
    expect(planReads(regs(range(0, 200)))).toEqual([
      { table: 'holding', address: 0, count: 125 },
      { table: 'holding', address: 125, count: 75 },
    ]);
    expect(planReads(regs(range(0, 200), 'input'))).toEqual([
      { table: 'input', address: 0, count: 125 },
      { table: 'input', address: 125, count: 75 },
    ]);
  });

  it('reads up to 2000 coils or discrete inputs in one transaction (FC1/FC2)', () => {
    expect(planReads(regs(range(0, 300), 'coil', 'bool'))).toEqual([{ table: 'coil', address: 0, count: 300 }]);
    expect(planReads(regs(range(0, 2100), 'discrete', 'bool'))).toEqual([
      { table: 'discrete', address: 0, count: 2000 },
      { table: 'discrete', address: 2000, count: 100 },
    ]);
  });

  it('counts both words of a 32-bit point, signed or not, and each register once', () => {
    expect(planReads(regs([10], 'holding', 'uint32'))).toEqual([{ table: 'holding', address: 10, count: 2 }]);
    expect(planReads(regs([10], 'holding', 'int32'))).toEqual([{ table: 'holding', address: 10, count: 2 }]);
    expect(planReads(regs([7, 7, 8]))).toEqual([{ table: 'holding', address: 7, count: 2 }]);
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

  it('decodes a whole register as bool (non-zero) and uint16 as is', () => {
    const r = block([0, 7, 0xfa24]);
    expect(decodePoint(point({ table: 'holding', address: 0, type: 'bool' }), r)).toBe(false);
    expect(decodePoint(point({ table: 'holding', address: 1, type: 'bool' }), r)).toBe(true);
    expect(decodePoint(point({ table: 'holding', address: 2, type: 'uint16' }), r)).toBe(0xfa24);
    expect(decodePoint(point({ table: 'holding', address: 0, type: 'uint32' }), [{ block: { table: 'holding', address: 0, count: 2 }, words: [0xffff, 0xfc18] }])).toBe(0xfffffc18);
  });

  it('takes each point from the block of its own table that holds all of its words', () => {
    const results: BlockResult[] = [
      { block: { table: 'input', address: 0, count: 4 }, words: [11, 12, 13, 14] },
      { block: { table: 'holding', address: 2, count: 2 }, words: [23, 24] },
      { block: { table: 'discrete', address: 0, count: 3 }, bits: [false, true, false] },
    ];
    expect(decodePoint(point({ table: 'holding', address: 3 }), results)).toBe(24);
    expect(decodePoint(point({ table: 'input', address: 3 }), results)).toBe(14);
    expect(decodePoint(point({ table: 'discrete', address: 1, type: 'bool' }), results)).toBe(true);
    expect(decodePoint(point({ table: 'holding', address: 1 }), results)).toBeUndefined(); // before the block
    expect(decodePoint(point({ table: 'holding', address: 3, type: 'int32' }), results)).toBeUndefined(); // runs past it
    expect(decodePoint(point({ table: 'coil', address: 0, type: 'bool' }), results)).toBeUndefined(); // not read at all
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

  it('decodes a poll through its plan exactly as point by point, and the points of blocks not read as bad', () => {
    const anyPoint = fc.record({
      table: fc.constantFrom('holding', 'input', 'coil', 'discrete'),
      address: fc.integer({ min: 0, max: 300 }),
      kind: fc.constantFrom('uint16', 'int16', 'int32', 'uint32', 'bool', 'bit'),
      bit: fc.integer({ min: 0, max: 15 }),
      lowFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(anyPoint, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 0xffff }), fc.nat(3), (defs, seed, short) => {
        const points = defs.map((d, i) => {
          if (d.table === 'coil' || d.table === 'discrete') return point({ table: d.table, address: d.address, type: 'bool' }, `p${i}`);
          const kind = d.kind === 'bit' ? { bit: d.bit } : { type: d.kind, ...(d.lowFirst ? { wordOrder: 'low-first' } : {}) };
          return point({ table: d.table, address: d.address, ...kind }, `p${i}`);
        });
        const plan = planGroup(points);
        // Some answers come back short (`short` words or bits fewer): their last points read bad.
        const results: BlockResult[] = plan.blocks.map((block, b) => {
          const n = Math.max(0, block.count - (b % 2 === 1 ? short : 0));
          return block.table === 'coil' || block.table === 'discrete'
            ? { block, bits: Array.from({ length: n }, (_, k) => ((seed >> (k % 16)) & 1) === 1) }
            : { block, words: Array.from({ length: n }, (_, k) => (seed * 31 + block.address + k * 7919) & 0xffff) };
        });
        expect(decodePlanned(plan, results, 5)).toEqual(decodeGroup(points, results, 5));
        // A poll that stopped after its first block: only the points that block holds read good.
        const first = decodePlanned(plan, results.slice(0, 1), 5);
        expect(first.map((r) => r.quality)).toEqual(plan.blockOf.map((b) => (b === 0 ? 'good' : 'bad')));
      }),
    );
  });
});
