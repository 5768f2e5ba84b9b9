import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import { boardSchema, type BoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';

/**
 * How readings become signals when they are not the plain case of one good read per poll: a
 * point never read, readings out of order, a position with no speed register, a frozen
 * controller, a door-operator state register, one door contact, one levelling sensor.
 */
const floors = [0, 3000, 6000, 9000];
const sim = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'));
const normalizer = (board: BoardProfile = sim) => new SignalNormalizer(board, { floorLevelsMm: floors, stationaryMps: 0.05, staleAfterMs: 1000 });
const pts = (at: number, v: Record<string, number | boolean>): RawPoint[] => Object.entries(v).map(([point, value]) => ({ point, value, at, quality: 'good' }));

/** A Modbus board with one point per signal named (holding registers: numeric; the rest: contacts). */
function modbus(signals: { bools?: string[]; registers?: string[] }): BoardProfile {
  const bools = (signals.bools ?? []).map((signal, i) => ({ name: signal, signal, group: 'g', source: { table: 'discrete', address: i, type: 'bool' } }));
  const regs = (signals.registers ?? []).map((signal, i) => ({ name: signal, signal, group: 'g', source: { table: 'holding', address: i, type: 'uint16' } }));
  return boardSchema().parse({ id: 'partial', transport: 'modbus-tcp', pollGroups: [{ name: 'g', intervalMs: 100 }], points: [...bools, ...regs] });
}

describe('a signal never read', () => {
  it('reads bad, false or 0, unread since the first snapshot, and stays so', () => {
    const n = normalizer();
    const first = n.snapshot(500);
    expect(first.safetyCircuit).toEqual({ value: false, quality: 'bad', at: 500 });
    expect(first.controllerFloor).toEqual({ value: 0, quality: 'bad', at: 500 });
    expect(first.positionMm).toMatchObject({ quality: 'bad', at: 500 });
    const later = n.snapshot(4000);
    expect(later.safetyCircuit).toEqual({ value: false, quality: 'bad', at: 500 });
    expect(later.controllerFloor).toEqual({ value: 0, quality: 'bad', at: 500 });
  });
});

describe('readings of one point out of order', () => {
  it('an older reading handed after a newer one does not replace it', () => {
    const n = normalizer();
    n.update([
      { point: 'position', value: 3000, at: 500, quality: 'good' },
      { point: 'position', value: 2900, at: 400, quality: 'good' },
    ]);
    expect(n.snapshot(500).positionMm).toEqual({ value: 3000, quality: 'good', at: 500 });
    n.update(pts(300, { position: 2800 }));
    expect(n.snapshot(600).positionMm).toEqual({ value: 3000, quality: 'good', at: 500 });
  });
});

describe('a board with a position but no speed register', () => {
  const board = modbus({ bools: ['doorClosed'], registers: ['positionMm', 'controllerFloor'] });

  it('yields speed and direction, estimated from every position read, not only those read when the signals are taken', () => {
    const n = normalizer(board);
    expect(n.available()).toEqual(new Set(['controllerFloor', 'positionMm', 'floor', 'levelingErrorMm', 'speedMps', 'direction', 'door']));
    // 1 m/s upward over three polls between two snapshots; the estimator's low-pass (τ 200 ms)
    // over 100 ms steps: 0 → 1/3 → 5/9.
    n.update(pts(0, { positionMm: 0, controllerFloor: 1, doorClosed: true }));
    n.update(pts(100, { positionMm: 100, controllerFloor: 1, doorClosed: true }));
    n.update(pts(200, { positionMm: 200, controllerFloor: 1, doorClosed: true }));
    const s = n.snapshot(200);
    expect(s.speedMps?.value).toBeCloseTo(5 / 9, 9);
    expect(s.speedMps).toMatchObject({ quality: 'good', at: 200 });
    expect(s.direction).toEqual({ value: 'up', quality: 'good', at: 200 });
  });

  it('a board with a speed register reads its speed as given', () => {
    const n = normalizer();
    n.update(pts(0, { position: 0, speed: 0 }));
    n.update(pts(100, { position: 100, speed: -1500 }));
    expect(n.snapshot(100).speedMps).toEqual({ value: -1.5, quality: 'good', at: 100 });
    expect(n.snapshot(100).direction?.value).toBe('down');
  });
});

describe('a frozen controller (its heartbeat stands still for 10 s)', () => {
  it('every signal reads bad and as old as the heartbeat’s last change, or its own last read if older', () => {
    const n = normalizer();
    n.update(pts(0, { heartbeat: 1, position: 3000, occupied: true }));
    n.update(pts(1000, { heartbeat: 1, position: 3000, occupied: true }));
    n.update(pts(2000, { heartbeat: 2, position: 3000 }));
    // Reads still succeed every 100 ms, the heartbeat never changes again.
    for (let t = 2100; t <= 11_900; t += 100) n.update(pts(t, { heartbeat: 2, position: 3000 }));
    expect(n.heartbeatFrozen(11_900)).toBe(false);
    expect(n.snapshot(11_900).positionMm).toEqual({ value: 3000, quality: 'good', at: 11_900 });
    n.update(pts(12_000, { heartbeat: 2, position: 3000 }));
    const s = n.snapshot(12_000);
    expect(n.heartbeatFrozen(12_000)).toBe(true);
    expect(s.positionMm).toEqual({ value: 3000, quality: 'bad', at: 2000 });
    expect(s.occupied).toEqual({ value: true, quality: 'bad', at: 1000 });
  });
});

describe('a door-operator state register', () => {
  const board = modbus({ bools: ['doorClosed', 'doorOpen'], registers: ['doorState'] });

  it('says which way the door moves; a code outside the table is unknown; stale, it is unknown and as old as its last read', () => {
    const n = normalizer(board);
    const seen = [0, 1, 2, 3, 9].map((code, i) => {
      // The end contacts disagree on purpose: the operator register is what counts.
      n.update(pts(i * 100, { doorState: code, doorClosed: true, doorOpen: true }));
      return n.snapshot(i * 100).door;
    });
    expect(seen.map((d) => d?.value)).toEqual(['closed', 'opening', 'open', 'closing', 'unknown']);
    n.update(pts(500, { doorState: 2 }));
    expect(n.snapshot(1500).door).toEqual({ value: 'open', quality: 'good', at: 500 });
    expect(n.snapshot(1501).door).toEqual({ value: 'unknown', quality: 'bad', at: 500 });
  });
});

describe('door end contacts', () => {
  it('one contact stale makes the door unknown and bad, even while the other is fresh', () => {
    const n = normalizer();
    n.update(pts(0, { doorClosed: true, doorOpen: false }));
    n.update(pts(1100, { doorOpen: false }));
    expect(n.snapshot(1200).door).toEqual({ value: 'unknown', quality: 'bad', at: 0 });
  });

  it('after a gap in its contacts the door between its ends is unknown, not opening from the end it had before', () => {
    const n = normalizer();
    n.update(pts(0, { doorClosed: true, doorOpen: false }));
    expect(n.snapshot(0).door?.value).toBe('closed');
    // The link drops for 2 s, in which the door may have opened and started to close.
    expect(n.snapshot(2000).door).toEqual({ value: 'unknown', quality: 'bad', at: 0 });
    n.update(pts(2100, { doorClosed: false, doorOpen: false }));
    expect(n.snapshot(2100).door).toEqual({ value: 'unknown', quality: 'good', at: 2100 });
    // Once it reaches an end, its way is known again.
    n.update(pts(2200, { doorClosed: true, doorOpen: false }));
    expect(n.snapshot(2200).door?.value).toBe('closed');
    n.update(pts(2300, { doorClosed: false, doorOpen: false }));
    expect(n.snapshot(2300).door?.value).toBe('opening');
  });

  it('a board with only the closed contact, or only the open one, has a door as old as that contact', () => {
    const closedOnly = normalizer(modbus({ bools: ['doorClosed'] }));
    closedOnly.update(pts(0, { doorClosed: true }));
    expect(closedOnly.snapshot(500).door).toEqual({ value: 'closed', quality: 'good', at: 0 });
    closedOnly.update(pts(600, { doorClosed: false }));
    expect(closedOnly.snapshot(700).door).toEqual({ value: 'open', quality: 'good', at: 600 });
    const openOnly = normalizer(modbus({ bools: ['doorOpen'] }));
    openOnly.update(pts(0, { doorOpen: true }));
    expect(openOnly.snapshot(500).door).toEqual({ value: 'open', quality: 'good', at: 0 });
  });

  it('a board with no door contact and no operator register has no door', () => {
    const n = normalizer(modbus({ bools: ['occupied'] }));
    n.update(pts(0, { occupied: true }));
    expect(n.snapshot(0)).toEqual({ occupied: { value: true, quality: 'good', at: 0 } });
  });
});

describe('the door zone from the two levelling sensors', () => {
  it('is in the zone only with both made, as old as the older read', () => {
    const n = normalizer(modbus({ bools: ['doorZoneUpper', 'doorZoneLower'] }));
    n.update(pts(0, { doorZoneUpper: true, doorZoneLower: false }));
    expect(n.snapshot(0).doorZone).toEqual({ value: false, quality: 'good', at: 0 });
    n.update(pts(100, { doorZoneLower: true }));
    expect(n.snapshot(200).doorZone).toEqual({ value: true, quality: 'good', at: 0 });
  });

  it('one levelling sensor alone gives no door zone', () => {
    const n = normalizer(modbus({ bools: ['doorZoneUpper'] }));
    n.update(pts(0, { doorZoneUpper: true }));
    expect(n.snapshot(0)).toEqual({});
  });
});
