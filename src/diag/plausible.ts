import type { ModbusBoardProfile, ModbusPointDef, ModbusTable, RawSignal } from '../config/board.js';
import { type BlockResult, decodePoint } from '../../drivers/modbus/plan.js';

/**
 * Whether values read through a board profile look like what the profile says they are. Every
 * check comes from the profile's own points (their signal, scale, bits), so a new profile in
 * boards/ is matched by `diag scan` without code: only the ranges per signal below are fixed.
 */
export type Implausible =
  | { kind: 'out-of-range'; point: string; value: number; min: number; max: number }
  /** A register the profile reads as bits has bits set above the highest one it defines: not a status word. */
  | { kind: 'stray-bits'; table: ModbusTable; address: number; word: number; highestBit: number }
  | { kind: 'door-closed-and-open' };

/** Engineering values no elevator shows. */
const RANGES: Partial<Record<RawSignal, { min: number; max: number }>> = {
  // 10 m below the bottom landing to 1 km above it (the tallest building is 828 m).
  positionMm: { min: -10_000, max: 1_000_000 },
  // The fastest passenger lifts run about 20 m/s.
  speedMps: { min: -20, max: 20 },
  // Floor indices of the tallest buildings stay below 200.
  controllerFloor: { min: 0, max: 200 },
};

/** The first value that does not fit the profile, or undefined when all look right. */
export function implausible(profile: ModbusBoardProfile, results: readonly BlockResult[]): Implausible | undefined {
  const bySignal = new Map<RawSignal, number | boolean>();
  for (const p of profile.points) {
    const raw = decodePoint(p, results);
    if (raw === undefined || p.signal === undefined) continue;
    const value = typeof raw === 'number' ? raw * p.scale + p.offset : p.invert ? !raw : raw;
    bySignal.set(p.signal, value);
    const range = RANGES[p.signal];
    if (range && typeof value === 'number' && (value < range.min || value > range.max)) return { kind: 'out-of-range', point: p.name, value, ...range };
  }
  if (bySignal.get('doorClosed') === true && bySignal.get('doorOpen') === true) return { kind: 'door-closed-and-open' };
  return strayBits(profile, results);
}

/** A bit point's source as the whole value its bit is taken from. */
function whole(s: ModbusPointDef['source']): ModbusPointDef['source'] {
  return { table: s.table, address: s.address, type: s.type, wordOrder: s.wordOrder };
}

function strayBits(profile: ModbusBoardProfile, results: readonly BlockResult[]): Implausible | undefined {
  const highest = new Map<string, { table: ModbusTable; address: number; bit: number; source: ModbusPointDef['source'] }>();
  for (const p of profile.points) {
    const bit = p.source.bit;
    if (bit === undefined) continue;
    const key = `${p.source.table}:${p.source.address}:${p.source.type}`;
    const seen = highest.get(key);
    if (!seen || bit > seen.bit) highest.set(key, { table: p.source.table, address: p.source.address, bit, source: p.source });
  }
  for (const h of highest.values()) {
    // The whole status value (a uint16, or a uint32 in its word order) the bits are taken from.
    const word = decodePoint({ name: 'word', group: '', scale: 1, offset: 0, invert: false, source: whole(h.source) }, results);
    if (typeof word === 'number' && Math.floor(word / 2 ** (h.bit + 1)) !== 0) return { kind: 'stray-bits', table: h.table, address: h.address, word, highestBit: h.bit };
  }
  return undefined;
}
