import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * What a board profile may say, as someone writing one for a new controller or sensor box meets
 * it: every mistake refused with the path inside the profile and what was expected, whatever the
 * transport. The shipped profiles are the starting points, changed one mistake at a time.
 */

type Raw = Record<string, unknown> & { points: Record<string, unknown>[] };

/** A shipped profile as a plain object, to be changed and parsed again. */
const shipped = (id: string): Raw => structuredClone(loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`))) as unknown as Raw;

/** The problems of a profile as `path: message` lines; none when it is valid. */
function problems(raw: unknown): string[] {
  const r = boardSchema().safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const ONE_PER_TRANSPORT = [
  'sim-modbus',
  'rs485-di-module',
  'generic-modbus-controller',
  'serial-sensorbox',
  'pi-gpio-sensorbox',
  'arduino-firmata-sensorbox',
  'retrofit-pi-i2c-sensorbox',
  'retrofit-firmata-sensorbox',
];

describe('board profiles: points and groups, on every transport', () => {
  it.each(ONE_PER_TRANSPORT)('%s: as shipped, valid; a point in a group the profile lacks, or a name used twice, is refused at that point', (id) => {
    const b = shipped(id);
    expect(problems(b)).toEqual([]);
    const n = b.points.length;
    const groups = (b.pollGroups as { name: string }[]).map((g) => g.name).join(', ');
    b.points.push({ ...b.points[0]!, group: 'nowhere' }, { ...b.points[0]! });
    // (A retrofit box also says its signal is fed twice: one point per sensor field.)
    expect(problems(b).filter((p) => /^points\.\d/.test(p))).toEqual([
      `points.${n}.group: unknown poll group "nowhere" (expected one of: ${groups})`,
      `points.${n}.name: duplicate point name "${b.points[0]!.name}"`,
      `points.${n + 1}.name: duplicate point name "${b.points[0]!.name}"`,
    ]);
  });

  it('a point name starts with a letter and holds only letters, digits, _ and -', () => {
    for (const name of ['doorClosed', 'door_2', 'a-b', 'X'])
      expect(problems({ ...shipped('sim-modbus'), points: [{ ...shipped('sim-modbus').points[0], name }] }), name).toEqual([]);
    for (const name of ['2door', 'door closed', 'door.closed', '', '-a', 'a!']) {
      expect(problems({ ...shipped('sim-modbus'), points: [{ ...shipped('sim-modbus').points[0], name }] }), name).toEqual(['points.0.name: a name of letters, digits, _ or -']);
    }
  });

  it.each(['sim-modbus', 'serial-sensorbox'])('%s: the id is lower-case letters, digits and -, starting with a letter or digit', (id) => {
    for (const ok of ['acme-9000', '9000', 'a']) expect(problems({ ...shipped(id), id: ok }), ok).toEqual([]);
    for (const bad of ['Acme', '-acme', 'acme_9000', 'acme 9000', 'acme!', ''])
      expect(problems({ ...shipped(id), id: bad }), bad).toEqual(['id: a lower-case id of letters, digits and -']);
  });

  it('a description is optional and empty by default', () => {
    const { description: _, ...modbus } = shipped('sim-modbus');
    const { description: __, ...serial } = shipped('serial-sensorbox');
    expect([boardSchema().parse(modbus).description, boardSchema().parse(serial).description]).toEqual(['', '']);
  });
});

describe('board profiles: Modbus', () => {
  it('a coil or a discrete input is a bit: a point on one must be of type bool', () => {
    const b = shipped('sim-modbus');
    b.points = [
      { name: 'a', group: b.points[0]!.group, source: { table: 'coil', address: 0, type: 'uint16' } },
      { name: 'b', group: b.points[0]!.group, source: { table: 'discrete', address: 0, type: 'int16' } },
      { name: 'c', group: b.points[0]!.group, source: { table: 'coil', address: 1, type: 'bool' } },
      { name: 'd', group: b.points[0]!.group, source: { table: 'holding', address: 0, type: 'uint16' } },
    ];
    expect(problems(b)).toEqual(['points.0.source.type: a coil is a bit: expected type "bool"', 'points.1.source.type: a discrete is a bit: expected type "bool"']);
  });

  it('writes: read-only unless listed, and only holding registers and coils within 0–65535 can be listed', () => {
    expect(boardSchema().parse(shipped('sim-modbus'))).toMatchObject({ writable: [] });
    const b = (writable: unknown) => ({ ...shipped('sim-modbus'), writable });
    expect(
      problems(
        b([
          { table: 'holding', address: 65535 },
          { table: 'coil', address: 0 },
        ]),
      ),
    ).toEqual([]);
    expect(problems(b([{ table: 'input', address: 1 }])).map((p) => p.split(':')[0])).toEqual(['writable.0.table']);
    expect(problems(b([{ table: 'discrete', address: 1 }])).map((p) => p.split(':')[0])).toEqual(['writable.0.table']);
    expect(problems(b([{ table: 'holding', address: 65536 }])).map((p) => p.split(':')[0])).toEqual(['writable.0.address']);
    expect(problems(b([{ table: 'holding', address: -1 }])).map((p) => p.split(':')[0])).toEqual(['writable.0.address']);
  });
});

describe('board profiles: framed serial', () => {
  const framed = (framing: Record<string, unknown>) => {
    const b = shipped('serial-sensorbox');
    return { ...b, framing: { ...(b.framing as object), ...framing } };
  };

  it('a minLength above the maxLength is refused; equal is a fixed length', () => {
    expect(problems(framed({ minLength: 32, maxLength: 32 }))).toEqual([]);
    expect(problems(framed({ minLength: 33, maxLength: 32 }))).toContain('framing.minLength: minLength 33 exceeds maxLength 32');
  });

  it('a length field must be able to announce the longest payload (its adjust counted)', () => {
    const lengthField = (size: number, adjust: number) => ({
      kind: 'length-prefixed',
      sync: [0xaa, 0x55],
      length: { size, adjust },
      minLength: 10,
      checksum: { type: 'crc16-modbus', endian: 'le', covers: 'frame' },
    });
    const fits = (maxLength: number, size: number, adjust = 0) => {
      const b = shipped('serial-sensorbox');
      return problems({ ...b, framing: { ...lengthField(size, adjust), maxLength } }).filter((p) => p.startsWith('framing.maxLength'));
    };
    expect(fits(255, 1)).toEqual([]);
    expect(fits(256, 1)).toEqual(['framing.maxLength: a 1-byte length field cannot announce 256 payload bytes']);
    expect(fits(256, 1, 1)).toEqual([]); // the field counts one byte less than the payload
    expect(fits(256, 1, -1)).toEqual(['framing.maxLength: a 1-byte length field cannot announce 256 payload bytes']);
    expect(fits(1024, 2)).toEqual([]);
  });

  it('a delimited framing has no length field to check', () => {
    const b = shipped('serial-sensorbox');
    expect(problems({ ...b, framing: { kind: 'delimiter', delimiter: [0x0d, 0x0a], minLength: 4, maxLength: 64 } })).toEqual([]);
  });

  it('a field ending exactly at the maxLength is inside the payload; one byte further is not', () => {
    const b = shipped('serial-sensorbox');
    const at = (offset: number) => ({ ...b, points: [{ ...b.points[0]!, source: { ...(b.points[0]!.source as object), offset, type: 'u16' } }] });
    expect(problems(at(30)).filter((p) => p.startsWith('points'))).toEqual([]);
    expect(problems(at(31)).filter((p) => p.startsWith('points'))).toEqual(["points.0.source.offset: field ends at byte 33, beyond the payload's maxLength 32"]);
  });
});

describe('board profiles: outputs the gateway may drive', () => {
  it('GPIO and Firmata are read-only unless lines or pins are listed, and an input is never listed', () => {
    expect(boardSchema().parse(shipped('pi-gpio-sensorbox'))).toMatchObject({ writable: [] });
    expect(boardSchema().parse(shipped('arduino-firmata-sensorbox'))).toMatchObject({ writable: [] });
    const gpio = shipped('pi-gpio-sensorbox');
    const line = (gpio.points[0]!.source as { line: number }).line;
    expect(problems({ ...gpio, writable: [{ line }] })).toEqual([`writable.0.line: line ${line} is an input point: an input is never driven`]);
    const firmata = shipped('arduino-firmata-sensorbox');
    const digital = firmata.points.find((p) => (p.source as { mode: string }).mode === 'digital')!;
    const analog = firmata.points.find((p) => (p.source as { mode: string }).mode === 'analog');
    const pin = (digital.source as { pin: number }).pin;
    expect(problems({ ...firmata, writable: [{ pin }] })).toEqual([`writable.0.pin: pin ${pin} is an input point: an input is never driven`]);
    // An analog input's number is a pin of another kind (A0 …): the same number among the digital pins may be driven.
    if (analog) {
      const apin = (analog.source as { pin: number }).pin;
      const digitalPins = firmata.points.filter((p) => (p.source as { mode: string }).mode === 'digital').map((p) => (p.source as { pin: number }).pin);
      if (!digitalPins.includes(apin)) expect(problems({ ...firmata, writable: [{ pin: apin }] })).toEqual([]);
    }
  });
});

describe('loading a profile file', () => {
  it('a profile of another transport than the caller needs is refused, naming the file and both', () => {
    const tmp = tempDir();
    try {
      const file = tmp.file('box.yaml', JSON.stringify(shipped('serial-sensorbox')));
      expect(loadBoardFile(file, 'serial-framed').transport).toBe('serial-framed');
      let caught: unknown;
      try {
        loadBoardFile(file, 'gpio', 'firmata');
      } catch (e) {
        caught = e;
      }
      expect(isElevgwError(caught, 'BOARD_INVALID')).toBe(true);
      expect((caught as Error).message).toBe(`${file} transport: expected gpio or firmata, got serial-framed`);
    } finally {
      tmp.cleanup();
    }
  });
});
