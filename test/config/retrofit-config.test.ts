import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';

/**
 * Board profiles as someone adapting a shipped one meets them: a retrofit sensor box's points
 * (src/config/retrofit.ts) and the sources of framed-serial and Firmata points
 * (src/config/sources.ts). Each mistake is refused at its path with what was expected.
 */

type Point = Record<string, unknown>;
type Raw = Record<string, unknown> & { points: Point[] };

const shipped = (id: string): Raw => structuredClone(loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`))) as unknown as Raw;

/** The problems of a profile as `path: message` lines; none when it is valid. */
function problems(raw: unknown): string[] {
  const r = boardSchema().safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** A shipped profile with point `name` changed. */
function withPoint(id: string, name: string, change: Point): Raw {
  const b = shipped(id);
  b.points = b.points.map((p) => (p.name === name ? { ...p, ...change } : p));
  return b;
}

const index = (id: string, name: string) => shipped(id).points.findIndex((p) => p.name === name);

describe('retrofit boxes: contacts', () => {
  it('a Firmata box takes pins, a Pi box GPIO lines; the other kind is refused at the point', () => {
    expect(problems(withPoint('retrofit-firmata-sensorbox', 'doorClosed', { source: { line: 17 } }))).toEqual([
      `points.${index('retrofit-firmata-sensorbox', 'doorClosed')}.source: a retrofit-firmata contact is a Firmata pin { pin, pullup? }`,
    ]);
    expect(problems(withPoint('retrofit-pi-i2c-sensorbox', 'doorClosed', { source: { pin: 2 } }))).toEqual([
      `points.${index('retrofit-pi-i2c-sensorbox', 'doorClosed')}.source: a retrofit-i2c contact is a GPIO line { line, activeLow? }`,
    ]);
    expect(problems(withPoint('retrofit-firmata-sensorbox', 'doorClosed', { source: { pin: 12, pullup: false } }))).toEqual([]);
    expect(problems(withPoint('retrofit-pi-i2c-sensorbox', 'doorClosed', { source: { line: 6 } }))).toEqual([]);
  });
});

describe("retrofit boxes: the fusion's inputs", () => {
  const box = 'retrofit-pi-i2c-sensorbox';

  it.each([
    ['accel', { source: { sensor: 'barometer', field: 'pressure' } }, 'accelVerticalMps2 comes from the accelerometer: expected { sensor: accelerometer, field: … }'],
    ['accel', { source: { line: 6 } }, 'accelVerticalMps2 comes from the accelerometer: expected { sensor: accelerometer, field: … }'],
    ['pressure', { source: { sensor: 'accelerometer', field: 'vertical' } }, 'pressurePa comes from the barometer: expected { sensor: barometer, field: … }'],
    ['baroTemp', { source: { line: 6 } }, 'sensorTempC comes from the barometer: expected { sensor: barometer, field: … }'],
  ])('%s from the wrong source is refused', (name, change, message) => {
    expect(problems(withPoint(box, name, change))).toEqual([`points.${index(box, name)}.source: ${message}`]);
  });

  it('a sensor reading feeds only the fusion’s signals; without a signal it is kept as a plain reading', () => {
    expect(problems(withPoint(box, 'baroTemp', { signal: 'doorClosed' })).filter((p) => !p.startsWith(`points.${index(box, 'doorClosed')}`))).toEqual([
      `points.${index(box, 'baroTemp')}.signal: a barometer reading feeds accelVerticalMps2, pressurePa or sensorTempC, not doorClosed`,
    ]);
    const plain = shipped(box);
    delete plain.points[index(box, 'baroTemp')]!.signal;
    expect(problems(plain)).toEqual([]);
  });

  it('the acceleration and the pressure each come from exactly one point', () => {
    for (const [name, signal] of [
      ['accel', 'accelVerticalMps2'],
      ['pressure', 'pressurePa'],
    ] as const) {
      const b = shipped(box);
      const p = b.points.find((x) => x.name === name)!;
      b.points.push({ ...p, name: `${name}2` }, { ...p, name: `${name}3` });
      expect(problems(b)).toEqual([`points: ${signal} is fed by 3 points: expected one`]);
    }
    // The sensor's temperature is only reported: two points may carry it.
    const b = shipped(box);
    b.points.push({ ...b.points.find((x) => x.name === 'baroTemp')!, name: 'baroTemp2' });
    expect(problems(b)).toEqual([]);
  });
});

describe('framed-serial sources', () => {
  const box = 'serial-sensorbox';
  const at = index(box, 'doorClosed');
  const source = (s: Point) => problems(withPoint(box, 'doorClosed', { source: s }));

  it('a bit needs a bit number of an unsigned field within its width; a signed field has no bits', () => {
    expect(source({ offset: 7, type: 'bit' })).toEqual([`points.${at}.source.bit: type "bit" needs a bit number 0–7`]);
    expect(source({ offset: 7, type: 'bit', bit: 7 })).toEqual([]);
    expect(source({ offset: 7, type: 'i16', bit: 1 })).toEqual([`points.${at}.source.bit: a bit of a signed i16: expected an unsigned type (u8, u16, u32) or "bit"`]);
    expect(source({ offset: 7, type: 'u8', bit: 8 })).toEqual([`points.${at}.source.bit: bit 8 is outside a 8-bit u8: expected 0–7`]);
    expect(source({ offset: 7, type: 'u16', bit: 15 })).toEqual([]);
    expect(source({ offset: 7, type: 'u16', bit: 16 })).toEqual([`points.${at}.source.bit: bit 16 is outside a 16-bit u16: expected 0–15`]);
  });
});

describe('Firmata sources', () => {
  it('a pull-up is for digital pins; an analog channel with one is refused at it', () => {
    const box = 'arduino-firmata-sensorbox';
    expect(problems(withPoint(box, 'upsBattery', { source: { pin: 0, mode: 'analog', pullup: true } }))).toEqual([
      `points.${index(box, 'upsBattery')}.source.pullup: pullup applies to digital pins only`,
    ]);
    expect(problems(withPoint(box, 'upsBattery', { source: { pin: 0, mode: 'analog', pullup: false } }))).toEqual([]);
  });
});

describe("retrofit boxes: the fusion's four inputs", () => {
  it.each([
    ['retrofit-pi-i2c-sensorbox', 'accelVerticalMps2'],
    ['retrofit-pi-i2c-sensorbox', 'doorZoneLower'],
    ['retrofit-firmata-sensorbox', 'pressurePa'],
    ['retrofit-firmata-sensorbox', 'doorZoneUpper'],
  ])('%s without the point giving %s is refused (no position, speed or floor would come of it)', (id, signal) => {
    const b = shipped(id);
    expect(b.points.some((p) => p.signal === signal)).toBe(true);
    b.points = b.points.filter((p) => p.signal !== signal);
    expect(problems(b)).toEqual([`points: a retrofit box feeds the fusion accelVerticalMps2, pressurePa, doorZoneUpper, doorZoneLower: no point gives ${signal}`]);
  });
});
