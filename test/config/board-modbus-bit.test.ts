import { describe, expect, it } from 'vitest';
import { decodePoint } from '../../drivers/modbus/plan.js';
import { boardSchema, modbusBoardSchema } from '../../src/config/board.js';
import { implausible } from '../../src/diag/plausible.js';

/**
 * A Modbus point's `bit` makes it a boolean, as a serial field's does: a bit of an unsigned value
 * (uint16 0–15, uint32 0–31, the 32-bit value in its word order), never of a signed one. A
 * 32-bit point with a `bit` read the bit of whichever register came first, and a numeric signal
 * fed by a bit handed the rules `true` as 1 mm: both were accepted without a word.
 */
const board = (point: Record<string, unknown>) => ({
  id: 'acme',
  transport: 'modbus',
  pollGroups: [{ name: 'fast', intervalMs: 100 }],
  points: [{ name: 'p', signal: 'doorClosed', group: 'fast', ...point }],
});

function problems(raw: unknown): string[] {
  const r = boardSchema().safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('board profiles: a bit of a Modbus value', () => {
  it('is refused on a signed or bool point, and beyond the width of its value', () => {
    const at = (source: object) => problems(board({ source: { table: 'holding', address: 0, ...source } }));
    expect(at({ type: 'int16', bit: 3 })).toEqual(['points.0.source.bit: a bit of a signed int16: expected type uint16 or uint32']);
    expect(at({ type: 'int32', bit: 3 })).toEqual(['points.0.source.bit: a bit of a signed int32: expected type uint16 or uint32']);
    expect(at({ type: 'bool', bit: 3 })).toEqual(['points.0.source.bit: a bit of a "bool": expected type uint16 or uint32']);
    expect(at({ bit: 16 })).toEqual(['points.0.source.bit: bit 16 is outside a 16-bit uint16: expected 0–15']);
    expect(at({ type: 'uint32', bit: 32 })[0]).toMatch(/^points\.0\.source\.bit: /);
    expect(at({ bit: 15 })).toEqual([]);
    expect(at({ type: 'uint32', bit: 31 })).toEqual([]);
  });

  it('of a uint32 reads that bit of the 32-bit value, in either word order', () => {
    const point = (wordOrder: string, bit: number) => modbusBoardSchema().parse(board({ source: { table: 'holding', address: 0, type: 'uint32', wordOrder, bit } })).points[0]!;
    const block = { table: 'holding' as const, address: 0, count: 2 };
    // 0x0001_0008: bit 3 (low word) and bit 16 (high word) set, bit 0 clear.
    expect([3, 16, 0].map((b) => decodePoint(point('high-first', b), [{ block, words: [0x0001, 0x0008] }]))).toEqual([true, true, false]);
    expect([3, 16, 0].map((b) => decodePoint(point('low-first', b), [{ block, words: [0x0008, 0x0001] }]))).toEqual([true, true, false]);
  });

  it('diag scan finds no stray bits in a uint32 status value whose bits are all defined', () => {
    const profile = modbusBoardSchema().parse({
      ...board({ source: { table: 'holding', address: 0, type: 'uint32', bit: 16 } }),
    });
    const block = { table: 'holding' as const, address: 0, count: 2 };
    expect(implausible(profile, [{ block, words: [0x0001, 0x0000] }])).toBeUndefined();
    expect(implausible(profile, [{ block, words: [0x0003, 0x0000] }])).toMatchObject({ kind: 'stray-bits', highestBit: 16 });
  });

  it('cannot feed a numeric signal, nor can a coil or a discrete input', () => {
    for (const source of [
      { table: 'holding', address: 0, type: 'int32', bit: 3 },
      { table: 'holding', address: 0, bit: 3 },
      { table: 'holding', address: 0, type: 'bool' },
      { table: 'discrete', address: 0, type: 'bool' },
    ]) {
      const found = problems(board({ signal: 'positionMm', source }));
      expect(found, JSON.stringify(source)).toContain(
        'points.0.signal: signal "positionMm" is a number: expected a point that reads a number, not a boolean (a bit of a register, type "bool", a coil or a discrete input)',
      );
    }
    expect(problems(board({ signal: 'positionMm', source: { table: 'holding', address: 0, type: 'int32' } }))).toEqual([]);
    expect(problems(board({ signal: 'heartbeat', source: { table: 'holding', address: 0, bit: 15 } }))).toEqual([]); // a toggling bit is a heartbeat
  });
});
