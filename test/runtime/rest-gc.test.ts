import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { startRestGc } from '../../src/runtime/rest-gc.js';
import { built } from '../helpers/built.js';

describe('young-generation collections at rest', () => {
  /** A young generation always full, counting how often it is looked at. */
  const alwaysFull = () => {
    const young = {
      looks: 0,
      fill: () => {
        young.looks++;
        return 1;
      },
    };
    return young;
  };

  it('collects once a second only when the young generation is past half full', () => {
    const clock = new FakeClock(0);
    const fills = [0.1, 0.49, 0.51, 0.9, 0.2];
    const collectedAt: number[] = [];
    const rest = startRestGc({ timers: clock, fill: () => fills.shift() ?? 0, collect: () => collectedAt.push(clock.now()) });
    clock.advance(999);
    expect(collectedAt).toEqual([]); // nothing before the first look
    clock.advance(5001);
    expect(collectedAt).toEqual([3000, 4000]);
    expect(rest.collections).toBe(2);
  });

  it('stops looking when stopped', () => {
    const clock = new FakeClock(0);
    const young = alwaysFull();
    const rest = startRestGc({ timers: clock, everyMs: 500, fill: young.fill, collect: () => {} });
    clock.advance(1000);
    rest.stop();
    clock.advance(10_000);
    expect(young.looks).toBe(2);
    expect(rest.collections).toBe(2);
    expect(clock.timers).toBe(0);
  });

  it('schedules nothing when the process cannot collect (no --expose-gc)', () => {
    const clock = new FakeClock(0);
    const young = alwaysFull();
    const rest = startRestGc({ timers: clock, fill: young.fill, collect: undefined });
    clock.advance(10_000);
    expect(young.looks).toBe(0);
    expect(rest.collections).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it('stops looking, and says so once, when collecting throws, rather than throw from a timer', () => {
    const clock = new FakeClock(0);
    const young = alwaysFull();
    const errors: unknown[] = [];
    const rest = startRestGc({
      timers: clock,
      fill: young.fill,
      collect: () => {
        throw new Error('no gc here');
      },
      onError: (e) => errors.push(e),
    });
    expect(() => clock.advance(5000)).not.toThrow();
    expect(errors.map((e) => (e as Error).message)).toEqual(['no gc here']);
    expect(young.looks).toBe(1);
    expect(rest.collections).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it('refuses a threshold or a period it cannot honour', () => {
    const clock = new FakeClock(0);
    expect(() => startRestGc({ timers: clock, collect: () => {}, above: 1 })).toThrow(/above must be in \[0, 1\), got 1/);
    expect(() => startRestGc({ timers: clock, collect: () => {}, everyMs: 0 })).toThrow(/everyMs must be > 0, got 0/);
  });

  // V8 itself, in a process run as the launcher runs `elevgw run` (1 MiB semi-spaces, --expose-gc):
  // garbage fills the young generation past half, the look collects it, V8 reports a forced minor GC.
  it('empties a real young generation, and does nothing without --expose-gc', () => {
    const url = pathToFileURL(built('src/runtime/rest-gc.ts')).href;
    const script = `
      import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
      import { getHeapSpaceStatistics } from 'node:v8';
      import { exposedMinorGc, startRestGc } from ${JSON.stringify(url)};
      const youngGenerationFill = () => {
        const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
        return s.space_used_size / (s.space_used_size + s.space_available_size);
      };
      const gcs = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.startTime >= t0) gcs.push(e.detail); }).observe({ entryTypes: ['gc'] });
      // What loading left in the young generation goes to the old one first (it survives two).
      globalThis.gc?.({ type: 'minor' });
      globalThis.gc?.({ type: 'minor' });
      const t0 = performance.now();
      let tick;
      const timers = { now: () => 0, after: (ms, fn) => { tick = fn; return { cancel() {} }; } };
      const rest = startRestGc({ timers, collect: exposedMinorGc() });
      let sink;
      for (let n = 0; youngGenerationFill() < 0.6 && n < 1e6; n++) for (let i = 0; i < 100; i++) sink = { i, s: [i] };
      const before = youngGenerationFill();
      tick?.();
      const after = youngGenerationFill();
      // V8's entries reach the observer a turn or two of the event loop later.
      let turns = 0;
      const report = () => {
        if (turns++ < 50) return setImmediate(report);
        console.log(JSON.stringify({ scheduled: tick !== undefined, before, after, collections: rest.collections,
          forcedMinor: gcs.filter((d) => d.kind === constants.NODE_PERFORMANCE_GC_MINOR && (d.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)).length }));
      };
      report();
    `;
    const run = (flags: string[]) => {
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { scheduled: boolean; before: number; after: number; collections: number; forcedMinor: number };
    };
    const on = run(['--max-semi-space-size=1', '--expose-gc']);
    expect(on.scheduled).toBe(true);
    expect(on.before).toBeGreaterThan(0.5);
    expect(on.collections).toBe(1);
    expect(on.after).toBeLessThan(0.1);
    expect(on.forcedMinor).toBe(1);
    const off = run(['--max-semi-space-size=1']);
    expect(off).toMatchObject({ scheduled: false, collections: 0, forcedMinor: 0 });
  });
});
