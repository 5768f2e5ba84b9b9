import { describe, expect, it } from 'vitest';
import { BlackBox } from '../../src/detect/blackbox.js';
import { PARKED, signals } from './scenario.js';

const at = (mono: number) => signals({ ...PARKED, positionMm: mono }, mono);

/** The flight recorder on its own: what the seconds before a raised fault are made of. */
describe('black box before a fault', () => {
  it('holds one snapshot per sampling period, enough to span the window', () => {
    expect(new BlackBox('E1', { beforeMs: 30_000, afterMs: 0, sampleEveryMs: 500 }).capacity).toBe(61);
    expect(new BlackBox('E1', { beforeMs: 2_000, afterMs: 0, sampleEveryMs: 300 }).capacity).toBe(7);
  });

  it('never hands out snapshots older than the window, even when samples stopped coming for a while', () => {
    const box = new BlackBox('E1', { beforeMs: 2_000, afterMs: 0, sampleEveryMs: 500 });
    for (let t = 0; t <= 1_500; t += 100) box.record(at(t), t);
    // A gap in the samples (a replayed log jumping ahead): nothing recorded is within 2 s of 60 s.
    expect(box.before(60_000, at(60_000)).map((s) => s.mono)).toEqual([60_000]);
    expect(box.before(3_000, at(3_000)).map((s) => s.mono)).toEqual([1_000, 1_500, 3_000]);
  });

  it('never hands out snapshots from after the moment asked about', () => {
    const box = new BlackBox('E1', { beforeMs: 2_000, afterMs: 0, sampleEveryMs: 500 });
    for (let t = 0; t <= 2_000; t += 500) box.record(at(t), t);
    expect(box.before(1_000, at(1_000)).map((s) => s.mono)).toEqual([0, 500, 1_000]);
  });

  it('tells onRecord of each snapshot it keeps, as it keeps it, and of no other', () => {
    const kept: number[] = [];
    const box = new BlackBox('E1', { beforeMs: 2_000, afterMs: 0, sampleEveryMs: 500 }, (s) => kept.push(s.positionMm!.value));
    for (let t = 0; t <= 1_200; t += 100) box.record(at(t), t);
    expect(kept).toEqual([0, 500, 1_000]);
    expect(box.before(1_200, at(1_200)).map((s) => s.signals.positionMm!.value)).toEqual([0, 500, 1_000, 1_200]);
  });

  it('refuses a sampling period that is not positive (the config schema never lets one through)', () => {
    for (const sampleEveryMs of [0, -500, Number.NaN]) {
      expect(() => new BlackBox('E1', { beforeMs: 30_000, afterMs: 0, sampleEveryMs })).toThrow(/sampleEveryMs must be > 0/);
    }
  });
});
