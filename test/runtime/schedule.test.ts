import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { every, onWallBoundaries, wallKeys } from '../../src/runtime/schedule.js';

describe('scheduled jobs on the injected clock', () => {
  it('runs a job every period of sample time, and keeps going when it throws once', () => {
    const clock = new FakeClock(0);
    const runs: number[] = [];
    const cancel = every(
      clock,
      1000,
      () => {
        runs.push(clock.now());
        if (runs.length === 2) throw new Error('boom');
      },
      silentLogger,
      'test',
    );
    clock.advance(3500);
    expect(runs).toEqual([1000, 2000, 3000]);
    cancel();
    clock.advance(5000);
    expect(runs).toHaveLength(3);
  });

  it('rolls statistics up at each local hour and at local midnight (Asia/Shanghai)', () => {
    // 2026-03-01 22:59:50 in Shanghai (UTC+8) = 14:59:50 UTC
    const clock = new FakeClock(0, Date.UTC(2026, 2, 1, 14, 59, 50));
    const rolled: string[] = [];
    onWallBoundaries(clock, 'Asia/Shanghai', (p) => rolled.push(`${p}@${wallKeys(clock.wallNow(), 'Asia/Shanghai').hour}`), silentLogger, 15_000);
    clock.advance(2 * 3_600_000);
    expect(rolled).toEqual(['hour@2026-03-01T23', 'hour@2026-03-02T00', 'day@2026-03-02T00']);
  });

  it('given the wall clock jumping 5 h forward (NTP on a Pi without RTC), rolls up once, not five times', () => {
    const clock = new FakeClock(0, Date.UTC(2026, 2, 1, 2, 10, 0));
    const rolled: string[] = [];
    onWallBoundaries(clock, 'Asia/Shanghai', (p) => rolled.push(p), silentLogger, 15_000);
    clock.advance(15_000);
    clock.jumpWall(5 * 3_600_000);
    clock.advance(15_000);
    expect(rolled).toEqual(['hour']);
  });
  it('without a named zone, keys hours and days in the process zone from TZ, and builds no Intl formatter', () => {
    const tz = process.env.TZ;
    const formatter = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      process.env.TZ = 'Asia/Shanghai'; // Node re-reads the zone when TZ is assigned
      // 15:59:59.999 UTC is 23:59:59.999 in Shanghai; a millisecond later is its midnight
      expect(wallKeys(Date.UTC(2026, 2, 1, 15, 59, 59, 999))).toEqual({ day: '2026-03-01', hour: '2026-03-01T23' });
      expect(wallKeys(Date.UTC(2026, 2, 1, 16))).toEqual({ day: '2026-03-02', hour: '2026-03-02T00' });
      const clock = new FakeClock(0, Date.UTC(2026, 2, 1, 15, 59, 50));
      const rolled: string[] = [];
      onWallBoundaries(clock, undefined, (p) => rolled.push(p), silentLogger, 15_000);
      clock.advance(15_000);
      expect(rolled).toEqual(['hour', 'day']);
      process.env.TZ = 'America/New_York';
      // 2026-03-08 02:00 EST is 03:00 EDT: 06:59 UTC is hour 01, 07:00 UTC hour 03
      expect(wallKeys(Date.UTC(2026, 2, 8, 6, 59))).toEqual({ day: '2026-03-08', hour: '2026-03-08T01' });
      expect(wallKeys(Date.UTC(2026, 2, 8, 7))).toEqual({ day: '2026-03-08', hour: '2026-03-08T03' });
      expect(formatter).not.toHaveBeenCalled();
    } finally {
      formatter.mockRestore();
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
