import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBoardFile, BUILTIN_BOARDS_DIR } from '../../src/config/load.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';
import { boardSchema } from '../../src/config/board.js';
import type { RawPoint } from '../../drivers/types.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'));
const floors = [0, 3000, 6000, 9000];
const make = () => new SignalNormalizer(board, { floorLevelsMm: floors, stationaryMps: 0.05, staleAfterMs: 1000 });
const pts = (at: number, v: Record<string, number | boolean>, quality: 'good' | 'bad' = 'good'): RawPoint[] =>
  Object.entries(v).map(([point, value]) => ({ point, value, at, quality }));

describe('signal normalizer (sim-modbus profile)', () => {
  it('derives floor, leveling error, speed in m/s and direction from raw registers', () => {
    const n = make();
    n.update(pts(0, { position: 6012, speed: -1500, doorClosed: true, doorOpen: false, zoneUpper: true, zoneLower: true }));
    const s = n.snapshot(10);
    expect(s.floor?.value).toBe(2);
    expect(s.levelingErrorMm?.value).toBe(12);
    expect(s.speedMps?.value).toBeCloseTo(-1.5);
    expect(s.direction?.value).toBe('down');
    expect(s.door?.value).toBe('closed');
    expect(s.doorZone?.value).toBe(true);
  });

  it('needs both leveling sensors for the door zone', () => {
    const n = make();
    n.update(pts(0, { zoneUpper: true, zoneLower: false }));
    expect(n.snapshot(0).doorZone?.value).toBe(false);
  });

  it('tells opening from closing between the end contacts', () => {
    const n = make();
    n.update(pts(0, { doorClosed: true, doorOpen: false }));
    expect(n.snapshot(0).door?.value).toBe('closed');
    n.update(pts(1, { doorClosed: false, doorOpen: false }));
    expect(n.snapshot(1).door?.value).toBe('opening');
    n.update(pts(2, { doorClosed: false, doorOpen: true }));
    expect(n.snapshot(2).door?.value).toBe('open');
    n.update(pts(3, { doorClosed: false, doorOpen: false }));
    expect(n.snapshot(3).door?.value).toBe('closing');
  });

  it('puts every signal the board yields into its snapshot', () => {
    const n = make();
    const s = n.snapshot(0);
    for (const signal of n.available()) expect(s, signal).toHaveProperty(signal);
    expect(Object.keys(s).sort()).toEqual([...n.available()].sort());
  });

  it('takes each reading by its point, whatever order and set of points a poll hands', () => {
    const n = make();
    n.update(pts(0, { occupied: true, inspection: false }));
    // Swapped: a reading must not land on the signal the same position had in the last poll.
    n.update([
      { point: 'inspection', value: true, at: 100, quality: 'good' },
      { point: 'occupied', value: false, at: 100, quality: 'good' },
    ]);
    expect(n.snapshot(100)).toMatchObject({ inspection: { value: true, at: 100 }, occupied: { value: false, at: 100 } });
    // Fewer points, a point the profile does not map, then another set in those positions.
    n.update([
      { point: 'no-such-point', value: true, at: 200, quality: 'good' },
      { point: 'alarmButton', value: true, at: 200, quality: 'good' },
    ]);
    n.update(pts(300, { alarmButton: false, occupied: true }));
    const s = n.snapshot(300);
    expect(s).toMatchObject({ alarmButton: { value: false, at: 300 }, occupied: { value: true, at: 300 }, inspection: { value: true, at: 100 } });
  });

  it('reports a signal never read as bad, unread since it first looked', () => {
    const n = make();
    expect(n.snapshot(0).occupied).toMatchObject({ quality: 'bad', at: 0 });
    expect(n.snapshot(700).occupied).toMatchObject({ quality: 'bad', at: 0 });
  });

  it('keeps the last good value through failed reads until it is older than the staleness window', () => {
    const n = make(); // window 1000 ms
    n.update(pts(0, { occupied: true }));
    n.update(pts(300, { occupied: false }, 'bad')); // a failed read: its value is not a reading
    expect(n.snapshot(500).occupied).toEqual({ value: true, quality: 'good', at: 0 });
    expect(n.snapshot(1000).occupied?.quality).toBe('good');
    // Older than the window: unknown, and unread since the last good read (what sensor-lost counts from).
    expect(n.snapshot(1001).occupied).toEqual({ value: true, quality: 'bad', at: 0 });
    n.update(pts(2000, { occupied: false }));
    expect(n.snapshot(2000).occupied).toEqual({ value: false, quality: 'good', at: 2000 });
  });

  it('applies inversion for active-low contacts and scale/offset for numbers', () => {
    const custom = boardSchema().parse({
      id: 'x',
      transport: 'modbus-tcp',
      pollGroups: [{ name: 'g', intervalMs: 100 }],
      points: [
        { name: 'pir', signal: 'occupied', group: 'g', source: { table: 'discrete', address: 0, type: 'bool' }, invert: true },
        { name: 'pos', signal: 'positionMm', group: 'g', source: { table: 'holding', address: 0 }, scale: 10, offset: -50 },
      ],
    });
    const n = new SignalNormalizer(custom, { floorLevelsMm: floors, stationaryMps: 0.05, staleAfterMs: 1000 });
    n.update(pts(0, { pir: false, pos: 305 }));
    const s = n.snapshot(0);
    expect(s.occupied?.value).toBe(true);
    expect(s.positionMm?.value).toBe(3000);
    expect(n.available().has('speedMps')).toBe(true); // derived from position
    expect(n.available().has('door')).toBe(false);
  });

  it('lists the signals the board provides', () => {
    expect([...make().available()].sort()).toEqual(
      [
        'alarmButton',
        'bottomFinalLimit',
        'controllerFloor',
        'direction',
        'door',
        'doorLockCircuit',
        'doorZone',
        'floor',
        'inspection',
        'levelingErrorMm',
        'mainsPower',
        'occupied',
        'overspeedSwitch',
        'positionMm',
        'safetyCircuit',
        'speedMps',
        'topFinalLimit',
      ].sort(),
    );
  });

  it('reads the door direction from a door-operator state register', () => {
    const board = boardSchema().parse({
      id: 'op',
      transport: 'modbus-tcp',
      pollGroups: [{ name: 'g', intervalMs: 100 }],
      points: [{ name: 'door', signal: 'doorState', group: 'g', source: { table: 'holding', address: 0 } }],
    });
    const n = new SignalNormalizer(board, { floorLevelsMm: floors, stationaryMps: 0.05, staleAfterMs: 1000 });
    const seen = [0, 1, 3, 1, 2, 7].map((code, i) => {
      n.update([{ point: 'door', value: code, at: i, quality: 'good' }]);
      return n.snapshot(i).door?.value;
    });
    // opening → closing → opening again: a reversal end contacts alone could not show
    expect(seen).toEqual(['closed', 'opening', 'closing', 'opening', 'open', 'unknown']);
  });
});
