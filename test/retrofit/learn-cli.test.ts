import { afterAll, describe, expect, it, vi } from 'vitest';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { checkShaft } from '../../src/diag/learn/run.js';
import { SimRetrofitBoard } from '../../src/sim/retrofit-board.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { tempDir } from '../helpers/tmp.js';
import { learnSiteYaml } from './learn-site.js';
import { learnShaft, retrofitBoard } from './rig.js';

/**
 * `elevgw diag learn` as a technician runs it, the box being the simulator's behind the real
 * RetrofitDriver (what createDriver hands over on site), a car that stands still. A box that opens
 * is read (its health reads 'lost' only until its first poll, which is the run's own); a check
 * that saw fewer stops than asked does not say the learned shaft still fits; one whose landings
 * had too few stops to judge names them.
 */

const LEVELS = [0, 4500, 7500, 10500, 13500, 16500];

vi.mock('../../drivers/factory.js', () => ({
  createDriver: async () => {
    const board = retrofitBoard('retrofit-pi-i2c-sensorbox');
    const clock = new FakeClock(0);
    const idle = parseSimScenario({ name: 'idle', durationS: 3600, elevator: { floorLevelsMm: [0, 4500, 7500, 10500, 13500, 16500], ratedSpeedMps: 1.75 } });
    const rig = new SimRetrofitBoard({ board, runner: new ScenarioRunner(idle), clock });
    const d = new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger });
    return {
      kind: d.kind,
      open: () => d.open(),
      close: () => d.close(),
      health: () => d.health(),
      poll: async (g: string) => {
        rig.advance(100);
        clock.advance(100);
        return d.poll(g);
      },
    };
  },
}));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const site = (shaft: boolean) => tmp.file(shaft ? 'learned.yaml' : 'site.yaml', learnSiteYaml({ levels: LEVELS, shaft }));

async function learn(...args: string[]): Promise<{ out: string; code: number | string | undefined }> {
  const out: string[] = [];
  const [log, err] = [console.log, console.error];
  console.log = (m: unknown) => out.push(String(m));
  console.error = (m: unknown) => out.push(String(m));
  process.exitCode = 0;
  try {
    const { buildProgram } = await import('../../src/cli/program.js');
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'elevgw', 'diag', 'learn', ...args, '--lang', 'en']);
  } finally {
    [console.log, console.error] = [log, err];
  }
  const code = process.exitCode;
  process.exitCode = 0;
  return { out: out.join('\n'), code };
}

describe('elevgw diag learn on a box that opens', () => {
  it('the learning run starts (and, the car never moving, ends incomplete: exit 1), not exit 3 "cannot be read"', async () => {
    const r = await learn('--config', site(false), '--timeout', '1');
    expect(r.out).toMatch(/^Learning run: put the car at the BOTTOM landing/);
    expect(r.out).toMatch(/learning run incomplete: /);
    expect(r.out).not.toMatch(/undefined/);
    expect(r.code).toBe(1);
  });

  it('--check that saw fewer stops than asked says so, exit 1, not "still fits"', async () => {
    const r = await learn('--config', site(true), '--check', '--timeout', '1', '--stops', '20');
    expect(r.out).toMatch(/^checked over 0 stops:/);
    expect(r.out).toMatch(/only 0 of 20 stops before --timeout: too few to tell whether the learned shaft still fits/);
    expect(r.out).not.toMatch(/still fits$/m);
    expect(r.code).toBe(1);
    // By default it watches until every landing can be judged: at the timeout none could.
    const d = await learn('--config', site(true), '--check', '--timeout', '1');
    expect(d.out).toMatch(/0 stops before --timeout, not 5 at every landing: too few to tell whether the learned shaft still fits/);
    expect(d.code).toBe(1);
    const j = await learn('--config', site(true), '--check', '--timeout', '1', '--json');
    expect(JSON.parse(j.out)).toMatchObject({ stops: 0, asked: null, complete: false });
  });

  it('--check without a learned shaft: exit 2 before the box is opened', async () => {
    const r = await learn('--config', site(false), '--check');
    expect(r.out).toBe('E1 has no learned shaft yet: run elevgw diag learn without --check first');
    expect(r.code).toBe(2);
  });
});

describe('checkShaft', () => {
  it('names the landings with fewer than 5 stops, where drift is not judged', async () => {
    const learned = await learnShaft({ board: 'retrofit-pi-i2c-sensorbox', levelsMm: LEVELS, configuredMm: LEVELS });
    const board = retrofitBoard('retrofit-pi-i2c-sensorbox');
    const clock = new FakeClock(0);
    const traffic = parseSimScenario({ name: 't', durationS: 7200, elevator: { floorLevelsMm: LEVELS, ratedSpeedMps: 1.75 }, traffic: { seed: 4, minIdleS: 3, maxIdleS: 20 } });
    /** checkShaft on the simulated box in traffic, as `diag learn --check` wires the real one. */
    const check = async (o: { timeoutMs: number; stops?: number }) => {
      const rig = new SimRetrofitBoard({ board, runner: new ScenarioRunner(traffic), clock });
      const driver = new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger });
      await driver.open();
      const wait = async (ms: number) => {
        rig.advance(ms);
        clock.advance(ms);
      };
      const out = await checkShaft({ driver, board, clock, wait, floorLevelsMm: learned.landings.map((l) => l.levelMm), shaft: learned.shaft, ...o });
      await driver.close();
      return out;
    };
    const out = await check({ timeoutMs: 1_800_000, stops: 20 });
    expect(out.stops).toBe(20);
    expect(out.unjudged).toEqual(out.drift.filter((d) => d.stops < 5).map((d) => d.landing));
    expect(out.unjudged.length).toBeGreaterThan(0);
    expect(out.unjudged.length).toBeLessThan(LEVELS.length);
    // Without a number of stops it watches until every landing can be judged.
    const all = await check({ timeoutMs: 7_200_000 });
    expect(all.unjudged).toEqual([]);
    expect(all.drift.every((d) => d.stops >= 5)).toBe(true);
    expect(all.stops).toBeGreaterThan(20);
  }, 120_000);
});
