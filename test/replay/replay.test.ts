import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../src/cli/replay.js';
import { packageRoot } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { isElevgwError } from '../../src/core/errors.js';
import { readReplayFile } from '../../src/replay/read.js';
import { replay } from '../../src/replay/run.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const FLOORS = [0, 3000, 6000, 9000, 12000, 15000];

describe('replay', () => {
  it('given a log of a car stalling between floors with a passenger, then the rules report what the gateway would', () => {
    const { samples } = readReplayFile(fixture('trapped.jsonl'));
    const r = replay(samples, { thresholds: defaultThresholds, ratedSpeedMps: 1.75, floorLevelsMm: FLOORS });
    const faults = r.events.filter((e) => e.type !== 'blackbox').map((e) => `${e.type} ${e.phase}@${e.mono}`);
    expect(faults).toEqual(['stopped-outside-zone raised@10000', 'trapped raised@35000', 'trapped cleared@42000']);
    // Each raise is followed by its black-box after-part.
    expect(r.events.filter((e) => e.type === 'blackbox').map((e) => e.blackboxFor)).toEqual([
      { type: 'stopped-outside-zone', mono: 10_000 },
      { type: 'trapped', mono: 35_000 },
    ]);
    // floor and leveling error derived from the position, as the normalizer does
    expect(r.available).toEqual(expect.arrayContaining(['floor', 'levelingErrorMm', 'direction']));
    expect(r.events.find((e) => e.type === 'trapped')!.data).toMatchObject({ floor: 2 });
    expect(r.stats).toMatchObject({ trips: 0, runningS: 5, travelM: 4.5, faults: { 'stopped-outside-zone': 1, trapped: 1 } });
  });

  it('derives speed from the position when the log has none', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ t: i * 100, values: { positionMm: i * 100, door: 'closed' as const }, bad: [] }));
    const r = replay(samples, { thresholds: defaultThresholds, ratedSpeedMps: 1.0, floorLevelsMm: FLOORS });
    expect(r.available).toEqual(expect.arrayContaining(['speedMps', 'direction']));
    expect(r.stats.runningS).toBeGreaterThan(4);
  });
});

describe('elevgw replay', () => {
  it('prints one readable line per event, with the rules armed by what the log provides', () => {
    const { lines, exitCode } = runReplay(fixture('door-stuck-closing.csv'), { ratedSpeed: '1.0', floors: '0,3000,6000' });
    expect(exitCode).toBe(0);
    expect(lines[0]).toMatch(/25 samples over 24\.0 s; signals: direction, door, doorZone, speedMps$/);
    expect(lines[1]).toMatch(/^# rules armed: \d+\/\d+; not armed: trapped \(needs occupied\)/);
    const events = lines.filter((l) => !l.startsWith('#'));
    expect(events[0]).toBe('  +18.0s door-close-fault       raised  fault    [02] kind=timeout attemptS=15');
    expect(events[1]).toMatch(/^ {2}\+22\.0s door-close-fault +cleared fault +\[02\] durationS=4$/);
    expect(events[2]).toMatch(/^ {2}\+18\.0s blackbox +instant fault +for=door-close-fault part=after spanMs=5000 complete=true samples=5$/);
  });

  it('prints JSON with --json, and the statistics with --stats', () => {
    const { lines } = runReplay(fixture('door-stuck-closing.csv'), { ratedSpeed: '1.0', floors: '0,3000,6000', json: true, stats: true });
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ offsetMs: 18_000, type: 'door-close-fault', name: '关门故障', code: '02', phase: 'raised', severity: 'fault', blackboxSamples: 19 });
    expect(records.at(-1)).toMatchObject({ stats: { doorCycles: 1, faults: { 'door-close-fault': 1 } } });
  });

  it('takes thresholds, rated speed and floors from a site config', () => {
    const demo = join(packageRoot(), 'config', 'demo.yaml');
    const { lines } = runReplay(fixture('trapped.jsonl'), { config: demo, elevator: 'E1' });
    expect(lines.some((l) => /trapped +raised +critical \[11\] floor=2/.test(l))).toBe(true);
    expect(() => runReplay(fixture('trapped.jsonl'), { config: demo, elevator: 'E9' })).toThrow(/no elevator "E9" \(.*has E1\)/);
  });

  it('says what is missing and what is wrong in the options', () => {
    const fails = (opts: Parameters<typeof runReplay>[1]) => {
      try {
        runReplay(fixture('trapped.jsonl'), opts);
      } catch (e) {
        if (isElevgwError(e)) return e.message;
        throw e;
      }
      return 'ok';
    };
    expect(fails({})).toMatch(/rated speed is needed/);
    expect(fails({ ratedSpeed: '1' })).toMatch(/landings are needed/);
    expect(fails({ ratedSpeed: 'fast', floors: '0,3000' })).toMatch(/^--rated-speed: /);
    expect(fails({ ratedSpeed: '1', floors: '3000,0' })).toMatch(/^--floors: landings must ascend/);
    expect(fails({ ratedSpeed: '1', floors: '0,3000' })).toBe('ok');
  });
});
