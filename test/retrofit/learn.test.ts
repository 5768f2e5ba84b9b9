import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import { buildProgram } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { checkShaft, runLearning } from '../../src/diag/learn/run.js';
import { writeLearnedShaft } from '../../src/diag/learn/write.js';
import type { LearnResult } from '../../src/signals/fusion/learn.js';
import type { LearnedShaft } from '../../src/signals/fusion/shaft.js';
import { SimRetrofitBoard } from '../../src/sim/retrofit-board.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { tempDir } from '../helpers/tmp.js';
import { learningScenario, retrofitBoard, TOWER_CONFIGURED_MM, TOWER_LEVELS_MM } from './rig.js';

/** A sim rig wired to `runLearning` / `checkShaft` the way `elevgw diag learn` wires the real box. */
function rigFor(scenario: ReturnType<typeof parseSimScenario>) {
  const board = retrofitBoard('retrofit-pi-i2c-sensorbox');
  const clock = new FakeClock(0);
  const rig = new SimRetrofitBoard({ board, runner: new ScenarioRunner(scenario), clock });
  const driver = new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger });
  const wait = async (ms: number) => {
    rig.advance(ms);
    clock.advance(ms);
  };
  return { board, clock, rig, driver, wait };
}

async function learn(configuredMm: readonly number[]): Promise<{ result: LearnResult; rig: SimRetrofitBoard }> {
  const r = rigFor(learningScenario(TOWER_LEVELS_MM));
  await r.driver.open();
  const seen: number[] = [];
  const outcome = await runLearning({
    driver: r.driver,
    board: r.board,
    clock: r.clock,
    wait: r.wait,
    timeoutMs: 1_800_000,
    configuredLevelsMm: configuredMm,
    onProgress: (p) => seen.push(p.visited.length),
  });
  await r.driver.close();
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(seen.at(-1)).toBe(20);
  return { result: outcome.result, rig: r.rig };
}

const siteYaml = (levels: readonly number[]) => `# the installer's notes stay
version: 1
gateway: { id: gw-learn }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: retrofit-pi-i2c-sensorbox # Pi on the car top
    ratedSpeedMps: 1.75
    floors: [${levels.map((l, i) => `{ label: "${i + 1}", levelMm: ${l} }`).join(', ')}]
uplink: { url: "mqtt://127.0.0.1:1883" }
`;

describe('the learning run', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("records each landing's pressure signature, where its vane switches each Hall sensor, and its level", async () => {
    const { result, rig } = await learn(TOWER_CONFIGURED_MM);
    const env = rig.box.env;
    result.landings.forEach((l, i) => {
      const trueRel = env.pressurePa(TOWER_LEVELS_MM[i]!, 0) - env.pressurePa(0, 0);
      expect(Math.abs(l.pressurePa - trueRel), `landing ${i} pressure`).toBeLessThan(2);
      const vane = rig.box.vanes.centresMm[i]! - TOWER_LEVELS_MM[i]!;
      expect(Math.abs(l.upperMm[0] - (-180 + vane)), `landing ${i} upper sensor, low end`).toBeLessThan(6);
      expect(Math.abs(l.lowerMm[0] - (-150 + vane)), `landing ${i} lower sensor, low end`).toBeLessThan(6);
      if (i < 19) expect(Math.abs(l.lowerMm[1] - (180 + vane)), `landing ${i} lower sensor, high end`).toBeLessThan(6);
      expect(Math.abs(l.measuredMm - TOWER_LEVELS_MM[i]!), `landing ${i} measured level`).toBeLessThan(80);
    });
    expect(result.travelRatio).toBeCloseTo(1.008, 2); // the simulated MPU-6050 reads 0.8 % high
  });

  it('keeps configured levels the measurement confirms, and replaces one that is clearly wrong', async () => {
    const wrongLobby = TOWER_CONFIGURED_MM.map((l, i) => (i === 1 ? 4000 : l));
    const { result } = await learn(wrongLobby);
    expect(result.landings[1]!.levelMm).not.toBe(4000);
    expect(Math.abs(result.landings[1]!.levelMm - TOWER_LEVELS_MM[1]!)).toBeLessThan(80);
    expect(result.landings[5]!.levelMm).toBe(TOWER_CONFIGURED_MM[5]);
  });

  it('writes into the site config as a YAML document (comments kept), with a backup, and the gateway loads it', async () => {
    const { result } = await learn(TOWER_CONFIGURED_MM);
    const file = tmp.file('site.yaml', siteYaml(TOWER_CONFIGURED_MM));
    const before = readFileSync(file, 'utf8');
    const { backup } = writeLearnedShaft(file, 'E1', result, Date.UTC(2026, 11, 2, 3, 15, 44));
    expect(backup).toMatch(/site\.yaml\.bak-20261202T031544Z$/);
    expect(readFileSync(backup, 'utf8')).toBe(before);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain("# the installer's notes stay");
    expect(after).toContain('board: retrofit-pi-i2c-sensorbox # Pi on the car top');
    const e = loadConfig(file).elevators[0]!;
    expect(e.config.shaft?.landings.map((l) => l.pressurePa)).toEqual(result.landings.map((l) => l.pressurePa));
    expect(e.config.floors.map((f) => f.levelMm)).toEqual(result.landings.map((l) => l.levelMm));
    expect(e.config.shaft?.learnedAt).toBe('2026-12-02T03:15:44.000Z');
  });

  it('refuses to write a result that does not fit the floor table, and leaves the file alone', async () => {
    const { result } = await learn(TOWER_CONFIGURED_MM);
    const file = tmp.file('short.yaml', siteYaml(TOWER_CONFIGURED_MM.slice(0, 10)));
    const before = readFileSync(file, 'utf8');
    expect(() => writeLearnedShaft(file, 'E1', result, 0)).toThrow(/10 floors, the learning run 20 landings/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('short.yaml.'))).toEqual([]);
  });
});

describe('checking a learned shaft (diag learn --check)', () => {
  const traffic = parseSimScenario({
    name: 'traffic',
    durationS: 1800,
    elevator: { floorLevelsMm: TOWER_LEVELS_MM, ratedSpeedMps: 1.75 },
    traffic: { seed: 4, minIdleS: 3, maxIdleS: 20 },
  });

  async function check(shaft: LearnedShaft, levels: readonly number[]) {
    const r = rigFor(traffic);
    await r.driver.open();
    const out = await checkShaft({ driver: r.driver, board: r.board, clock: r.clock, wait: r.wait, timeoutMs: 1_800_000, floorLevelsMm: levels, shaft, stops: 60 });
    await r.driver.close();
    return out;
  }

  it('a shaft that still fits: no new learning run offered', async () => {
    const { result } = await learn(TOWER_CONFIGURED_MM);
    const out = await check(
      result.shaft,
      result.landings.map((l) => l.levelMm),
    );
    expect(out.stops).toBe(60);
    expect(out.advised).toEqual([]);
  });

  it('a magnet strip that slipped 30 mm since learning: a new learning run is offered for that landing', async () => {
    const { result } = await learn(TOWER_CONFIGURED_MM);
    // As if learned before the upper sensor's strip at landing 8 slipped down by 30 mm.
    const slipped: LearnedShaft = { landings: result.shaft.landings.map((l, i) => (i === 7 ? { ...l, upperMm: [l.upperMm[0] + 30, l.upperMm[1] + 30] } : l)) };
    const out = await check(
      slipped,
      result.landings.map((l) => l.levelMm),
    );
    expect(out.advised.map((d) => d.landing)).toEqual([7]);
    expect(out.advised[0]!.edgeMm).toBeGreaterThan(8);
  });
});

describe('elevgw diag learn', () => {
  it('says there is nothing to learn on a board that reads a controller, and exits 2', async () => {
    const tmp = tempDir();
    const file = tmp.file(
      'site.yaml',
      siteYaml([0, 3000, 6000])
        .replace('retrofit-pi-i2c-sensorbox', 'sim-modbus')
        .replace('    ratedSpeedMps', '    connection: { host: 127.0.0.1, port: 1502 }\n    ratedSpeedMps'),
    );
    const errors: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'elevgw', 'diag', 'learn', '--config', file, '--lang', 'en']);
    } finally {
      console.error = orig;
      tmp.cleanup();
    }
    expect(errors.join('\n')).toMatch(/reads position from a controller: nothing to learn/);
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
  });
});
