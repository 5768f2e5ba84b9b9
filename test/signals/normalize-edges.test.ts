import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import { boardSchema, type BoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { SignalNormalizer, staleWindowMs } from '../../src/signals/normalize.js';

/**
 * The normalizer's edges: the staleness window a board gets, which signals a partial board
 * yields, a reading exactly as old as the window, and the door's sample from two end contacts.
 */
const floors = [0, 3000, 6000, 9000];
const sim = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'));
const normalizer = (board: BoardProfile = sim) => new SignalNormalizer(board, { floorLevelsMm: floors, stationaryMps: 0.05, staleAfterMs: 1000 });
const pts = (at: number, v: Record<string, number | boolean>, quality: 'good' | 'bad' = 'good'): RawPoint[] =>
  Object.entries(v).map(([point, value]) => ({ point, value, at, quality }));

/** A Modbus board with one bool point per signal named, in poll groups of the periods given. */
function modbus(signals: string[], periodsMs = [100]): BoardProfile {
  return boardSchema().parse({
    id: 'partial',
    transport: 'modbus-tcp',
    pollGroups: periodsMs.map((intervalMs, i) => ({ name: `g${i}`, intervalMs })),
    points: signals.map((signal, i) => ({ name: signal, signal, group: `g${i % periodsMs.length}`, source: { table: 'discrete', address: i, type: 'bool' } })),
  });
}

describe('staleWindowMs', () => {
  it('is 3 s, or five periods of the slowest poll group, or a push board’s own staleAfterMs: whichever is longest', () => {
    expect(staleWindowMs(modbus(['occupied'], [100]))).toBe(3000);
    expect(staleWindowMs(modbus(['occupied', 'inspection'], [100, 2000]))).toBe(10_000);
    const firmata = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'arduino-firmata-sensorbox.yaml'));
    expect(staleWindowMs(firmata)).toBe(Math.max(3000, 5 * Math.max(...firmata.pollGroups.map((g) => g.intervalMs))));
    expect(staleWindowMs(boardSchema().parse({ ...structuredClone(firmata), staleAfterMs: 20_000 }))).toBe(20_000);
  });
});

describe('SignalNormalizer edges', () => {
  it('one door contact is enough for a door; the door zone needs both levelling sensors', () => {
    expect(normalizer(modbus(['doorClosed'])).available()).toEqual(new Set(['door']));
    expect(normalizer(modbus(['doorOpen'])).available()).toEqual(new Set(['door']));
    expect(normalizer(modbus(['doorZoneUpper'])).available()).toEqual(new Set());
    expect(normalizer(modbus(['doorZoneUpper', 'doorZoneLower'])).available()).toEqual(new Set(['doorZone']));
  });

  it('a position exactly as old as the window still reads good; a millisecond later it reads bad, unread since its read', () => {
    const n = normalizer(); // window 1000 ms
    n.update(pts(0, { position: 6000 }));
    expect(n.snapshot(1000).positionMm).toEqual({ value: 6000, quality: 'good', at: 0 });
    expect(n.snapshot(1001).positionMm).toEqual({ value: 6000, quality: 'bad', at: 0 });
  });

  it('the door from two end contacts is as old as the older read, and unknown once either is stale', () => {
    const n = normalizer();
    n.update(pts(0, { doorClosed: true, doorOpen: false }));
    n.update(pts(600, { doorClosed: true }));
    expect(n.snapshot(800).door).toEqual({ value: 'closed', quality: 'good', at: 0 });
    expect(n.snapshot(1200).door).toEqual({ value: 'unknown', quality: 'bad', at: 0 });
  });
});
