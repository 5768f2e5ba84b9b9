import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `invert` turns an active-low contact into "condition holds": the normalizer inverts booleans
 * only. A profile author who writes it on a point that reads a number (a whole 0/1 register for
 * "door NOT closed") got a profile that was accepted and a door that read closed while open.
 * It is refused at load, on every transport, naming the point and what is expected.
 */

const modbus = (point: Record<string, unknown>) => ({
  id: 'acme',
  transport: 'modbus',
  pollGroups: [{ name: 'fast', intervalMs: 100 }],
  points: [{ name: 'doorNotClosed', signal: 'doorClosed', group: 'fast', invert: true, ...point }],
});

function problems(raw: unknown): string[] {
  const r = boardSchema().safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('board profiles: invert needs a boolean point', () => {
  it('a Modbus register read as a number with invert is refused at that point', () => {
    for (const source of [
      { table: 'holding', address: 7 },
      { table: 'input', address: 7, type: 'int16' },
      { table: 'holding', address: 7, type: 'uint32' },
    ]) {
      expect(problems(modbus({ source })), JSON.stringify(source)).toEqual([
        'points.0.invert: invert needs a boolean point (a bit of a register, type "bool", a coil or a discrete input); this point reads a number',
      ]);
    }
  });

  it('a bit of a register, a bool register, a coil and a discrete input may be inverted', () => {
    for (const source of [
      { table: 'holding', address: 7, bit: 0 },
      { table: 'holding', address: 7, type: 'bool' },
      { table: 'coil', address: 7, type: 'bool' },
      { table: 'discrete', address: 7, type: 'bool' },
    ]) {
      expect(problems(modbus({ source })), JSON.stringify(source)).toEqual([]);
    }
  });

  it('a serial field and a Firmata analog pin are refused alike; a bit and a digital pin are not', () => {
    const box = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'));
    const serial = (source: object) => ({ ...box, points: [{ name: 'p', signal: 'doorClosed', group: 'fast', invert: true, source }] });
    expect(problems(serial({ offset: 0, type: 'u16' }))).toEqual([
      'points.0.invert: invert needs a boolean point (type "bit" or a bit of an unsigned field); this point reads a number',
    ]);
    expect(problems(serial({ offset: 0, type: 'u16', bit: 3 }))).toEqual([]);
    expect(problems(serial({ offset: 0, type: 'bit', bit: 3 }))).toEqual([]);
    const firmata = (source: object) => ({
      id: 'uno',
      transport: 'firmata',
      pollGroups: [{ name: 'inputs', intervalMs: 50 }],
      points: [{ name: 'p', signal: 'doorClosed', group: 'inputs', invert: true, source }],
    });
    expect(problems(firmata({ pin: 0, mode: 'analog' }))).toEqual(['points.0.invert: invert needs a boolean point (a digital pin); this point reads a number']);
    expect(problems(firmata({ pin: 2, mode: 'digital', pullup: true }))).toEqual([]);
  });

  it('a profile file with the mistake is refused with its file:line, the path and what is expected', () => {
    const tmp = tempDir();
    try {
      const file = tmp.file(
        'acme.yaml',
        `id: acme
transport: modbus
pollGroups:
  - { name: fast, intervalMs: 100 }
points:
  - name: doorNotClosed
    signal: doorClosed
    group: fast
    source: { table: holding, address: 7 }
    invert: true
`,
      );
      let message = '';
      try {
        loadBoardFile(file);
      } catch (e) {
        if (!isElevgwError(e, 'CONFIG_INVALID')) throw e;
        message = e.message;
      }
      expect(message).toBe(
        `${file}:10:13 points[0].invert: invert needs a boolean point (a bit of a register, type "bool", a coil or a discrete input); this point reads a number`,
      );
    } finally {
      tmp.cleanup();
    }
  });
});
