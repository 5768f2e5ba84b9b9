import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BoardProfile, RetrofitBoardProfile } from '../../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../../src/config/load.js';
import { FUSED_SIGNALS, type FusedInput, FusedSignals, fusedInputsOf, fusedSignalsFor } from '../../../src/signals/fusion/fused-signals.js';
import type { ShaftFusion } from '../../../src/signals/fusion/fusion.js';

/**
 * The normalizer's side of the fusion: which raw inputs go to it (through the board profile's
 * scale, offset and inversion), in what order, and which boards get their position, floor and
 * speed from it rather than from a controller's registers.
 */

const G0 = 9.80665;
const board = (id: string): BoardProfile => loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`));
const pi = board('retrofit-pi-i2c-sensorbox') as RetrofitBoardProfile;

/** A fusion that records what it is told. */
function recorder() {
  const calls: string[] = [];
  const fake = {
    accel: (f: number, at: number) => calls.push(`accel ${f} @${at}`),
    pressure: (pa: number, at: number) => calls.push(`pressure ${pa} @${at}`),
    sensor: (which: string, active: boolean, at: number) => calls.push(`${which} ${active} @${at}`),
    door: (closed: boolean | undefined) => calls.push(`door closed ${closed}`),
    position: (now: number) => ({ value: 1, quality: 'good', at: now }),
    speed: (now: number) => ({ value: 2, quality: 'bad', at: now - 1 }),
    levelingError: (now: number) => ({ value: 3, quality: 'good', at: now - 2 }),
    status: (now: number) => ({ identified: now > 0 }),
  };
  return { calls, signals: new FusedSignals(fake as unknown as ShaftFusion) };
}

describe('fused signals: what goes to the fusion', () => {
  it('wants the accelerometer, the barometer, the two Hall sensors and the door; nothing else', () => {
    const { signals } = recorder();
    expect(['accelVerticalMps2', 'pressurePa', 'doorZoneUpper', 'doorZoneLower', 'doorClosed'].every((s) => signals.wants(s as never))).toBe(true);
    expect(['sensorTempC', 'occupied', 'alarmButton', 'inspection', 'mainsPower'].some((s) => signals.wants(s as never))).toBe(false);
  });

  it('the signals a retrofit board gets from the fusion', () => {
    expect(FUSED_SIGNALS).toEqual(['positionMm', 'floor', 'levelingErrorMm', 'speedMps', 'direction']);
  });

  it("hands a poll's readings over in the order they were taken, each to its input, as numbers and booleans", () => {
    const { calls, signals } = recorder();
    const batch: FusedInput[] = [
      { signal: 'doorZoneLower', value: 1 as unknown as boolean, at: 30 },
      { signal: 'pressurePa', value: 100_000, at: 20 },
      { signal: 'accelVerticalMps2', value: 9.8, at: 10 },
      { signal: 'doorClosed', value: false, at: 40 },
      { signal: 'doorZoneUpper', value: 0 as unknown as boolean, at: 25 },
      { signal: 'sensorTempC', value: 21, at: 5 },
      { signal: 'accelVerticalMps2', value: true, at: 15 },
    ];
    signals.update(batch);
    expect(calls).toEqual(['accel 9.8 @10', 'accel 1 @15', 'pressure 100000 @20', 'upper false @25', 'lower true @30', 'door closed false']);
  });

  it('readings taken at the same time keep their order in the poll', () => {
    const { calls, signals } = recorder();
    signals.update([
      { signal: 'doorZoneUpper', value: true, at: 10 },
      { signal: 'doorZoneLower', value: true, at: 10 },
      { signal: 'accelVerticalMps2', value: 9.8, at: 10 },
    ]);
    expect(calls).toEqual(['upper true @10', 'lower true @10', 'accel 9.8 @10']);
  });

  it('asks the fusion for position, speed, levelling error and status at the time given', () => {
    const { signals } = recorder();
    expect(signals.position(100)).toEqual({ value: 1, quality: 'good', at: 100 });
    expect(signals.speed(100)).toEqual({ value: 2, quality: 'bad', at: 99 });
    expect(signals.levelingError(100)).toEqual({ value: 3, quality: 'good', at: 98 });
    expect(signals.status(100)).toEqual({ identified: true });
    expect(signals.status(0)).toEqual({ identified: false });
  });
});

describe('fused signals: raw points to inputs', () => {
  it("good readings of the fused inputs only, through the point's scale and offset, contacts through its inversion", () => {
    const scaled: BoardProfile = {
      ...pi,
      points: pi.points.map((p) => (p.name === 'pressure' ? { ...p, scale: 100, offset: -5 } : p.name === 'zoneUpper' ? { ...p, invert: true } : p)),
    };
    const out = fusedInputsOf(scaled, [
      { point: 'accel', value: 9.81, at: 1, quality: 'good' },
      { point: 'pressure', value: 1013.25, at: 2, quality: 'good' },
      { point: 'zoneUpper', value: true, at: 3, quality: 'good' },
      { point: 'zoneLower', value: true, at: 4, quality: 'good' },
      { point: 'doorClosed', value: false, at: 5, quality: 'good' },
      { point: 'baroTemp', value: 21, at: 6, quality: 'good' }, // not a fused input
      { point: 'accel', value: 50, at: 7, quality: 'bad' },
      { point: 'nosuch', value: 1, at: 8, quality: 'good' },
    ]);
    expect(out).toEqual([
      { signal: 'accelVerticalMps2', value: 9.81, at: 1 },
      { signal: 'pressurePa', value: 101_320, at: 2 },
      { signal: 'doorZoneUpper', value: false, at: 3 },
      { signal: 'doorZoneLower', value: true, at: 4 },
      { signal: 'doorClosed', value: false, at: 5 },
    ]);
  });

  it('an inverted contact reads the other way (the Firmata box wires them active-low)', () => {
    const firmata = board('retrofit-firmata-sensorbox');
    expect(fusedInputsOf(firmata, [{ point: 'zoneLower', value: false, at: 1, quality: 'good' }])).toEqual([{ signal: 'doorZoneLower', value: true, at: 1 }]);
  });
});

describe('fused signals: which boards', () => {
  const floors = { floorLevelsMm: [0, 3000, 6000], staleAfterMs: 3000 };

  it('a controller board (Modbus) reads its own position: no fusion', () => {
    expect(fusedSignalsFor(board('sim-modbus'), floors)).toBeUndefined();
    expect(fusedSignalsFor(board('generic-modbus-controller'), floors)).toBeUndefined();
  });

  it('a retrofit box, I²C or Firmata, gets one', () => {
    expect(fusedSignalsFor(pi, floors)).toBeInstanceOf(FusedSignals);
    expect(fusedSignalsFor(board('retrofit-firmata-sensorbox'), floors)).toBeInstanceOf(FusedSignals);
  });

  it('a retrofit box missing the accelerometer, the barometer or either Hall sensor gets none; the door contact is optional', () => {
    for (const signal of ['accelVerticalMps2', 'pressurePa', 'doorZoneUpper', 'doorZoneLower']) {
      const without = { ...pi, points: pi.points.filter((p) => p.signal !== signal) };
      expect(fusedSignalsFor(without, floors), signal).toBeUndefined();
    }
    expect(fusedSignalsFor({ ...pi, points: pi.points.filter((p) => p.signal !== 'doorClosed') }, floors)).toBeInstanceOf(FusedSignals);
  });

  /** Standing in a door zone, quiet, 3 s: the accelerometer's samples every 10 ms. */
  function stand(s: FusedSignals): void {
    s.update([
      { signal: 'doorZoneUpper', value: true, at: 0 },
      { signal: 'doorZoneLower', value: true, at: 0 },
    ]);
    for (let t = 0; t <= 3000; t += 10) s.update([{ signal: 'accelVerticalMps2', value: G0 + (t % 20 === 0 ? 0.01 : -0.01), at: t }]);
    for (let t = 0; t <= 3000; t += 140) s.update([{ signal: 'pressurePa', value: 100_000 + (t % 280 === 0 ? 0.2 : -0.2), at: t }]);
  }

  it('the fusion is built with the start landing, if given, and the staleness of the site', () => {
    const known = fusedSignalsFor(pi, { ...floors, startLanding: 1 })!;
    stand(known);
    expect(known.status(3000)).toMatchObject({ identified: true, landing: 1 });
    expect(known.position(3000).quality).toBe('good');
    expect(known.position(3000).value).toBeCloseTo(3000, 0);
    expect(known.speed(6000).quality).toBe('good');
    expect(known.speed(6001).quality).toBe('bad');
    const unknown = fusedSignalsFor(pi, floors)!;
    stand(unknown);
    expect(unknown.status(3000)).toMatchObject({ identified: false, landing: undefined });
  });

  it("the accelerometer's full scale is the board's range (±2 g): 98 % of it is clipped", () => {
    const s = fusedSignalsFor(pi, { ...floors, startLanding: 0 })!;
    stand(s);
    s.update([{ signal: 'accelVerticalMps2', value: 2 * G0 * 0.98, at: 3010 }]);
    expect(s.speed(3010)).toMatchObject({ quality: 'bad', at: 3000 });
    const t = fusedSignalsFor(pi, { ...floors, startLanding: 0 })!;
    stand(t);
    t.update([{ signal: 'accelVerticalMps2', value: 2 * G0 * 0.97, at: 3010 }]);
    expect(t.speed(3010)).toMatchObject({ quality: 'good', at: 3010 });
  });
});
