import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/cli/replay.js';
import { packageRoot } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { isElevgwError } from '../../src/core/errors.js';
import { replay } from '../../src/replay/run.js';
import type { ReplaySample } from '../../src/replay/sample.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { elevgw } from '../diag/cli-run.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-replay-live-');
afterAll(() => tmp.cleanup());
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (isElevgwError(e, 'SCENARIO_INVALID') || isElevgwError(e, 'CONFIG_INVALID')) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected it to fail');
}

describe('replay of a recording made with diag live --json', () => {
  it('replays what diag live prints, taking the landings and rated speed from its frames', async () => {
    const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true });
    let stdout: string;
    try {
      const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
        .replace('port: 1502', `port: ${sim.port}`)
        .replace('../data/demo-outbox.db', tmp.file('outbox.db'));
      const r = await elevgw(['diag', 'live', '--config', tmp.file('site.yaml', site), '--json', '--count', '4']);
      expect(r.status, r.stderr).toBe(0);
      stdout = r.stdout;
    } finally {
      await sim.close();
    }
    const log = tmp.file('shaft.jsonl');
    writeFileSync(log, stdout);
    // No --rated-speed, --floors or --config: without the frames' lift this throws "the rated speed is needed".
    const { lines, exitCode } = runReplay(log, {});
    expect(exitCode).toBe(0);
    expect(lines[0]).toMatch(/: 4 samples over [\d.]+ s; signals: alarmButton, bottomFinalLimit, controllerFloor, direction, door, /);
    expect(lines[1]).toBe('# rules armed: 21/21');
  });

  it('finds the trapped passenger of a recorded stall, at the floor the frames name', () => {
    const { lines } = runReplay(fixture('diag-live-trapped.jsonl'), {});
    const events = lines.filter((l) => !l.startsWith('#') && !/blackbox/.test(l));
    expect(events).toEqual([
      '+10.547s stopped-outside-zone   raised  fault    [04] positionMm=8477 floor=3 levelingErrorMm=-523 stoppedS=5',
      '+35.601s trapped                raised  critical [11] floor=3 positionMm=8477 inZone=false holdS=30 trigger=timeout stoppedS=30.1',
    ]);
    // The frames' lift names the elevator of a site config with several.
    const two = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace(/elevators:\n/, (m) => `${m}${SECOND_LIFT}`);
    const config = tmp.file('two.yaml', two);
    expect(runReplay(fixture('diag-live-trapped.jsonl'), { config }).lines.filter((l) => /trapped +raised/.test(l))).toHaveLength(1);
    expect(problemsOf(() => runReplay(fixture('diag-live-trapped.jsonl'), { config, elevator: 'E9' }))).toEqual([`--elevator: no elevator "E9" (${config} has E0, E1)`]);
  });

  it('reads a recording saved as .json (one object per line) as a log, not as a scenario', () => {
    const frames = readFileSync(fixture('diag-live-trapped.jsonl'), 'utf8');
    const { lines } = runReplay(tmp.file('shaft.json', frames), {});
    expect(lines.filter((l) => /trapped +raised/.test(l))).toHaveLength(1);
  });

  it('refuses a recording of two elevators and a frame that is not one, naming the line', () => {
    const [first, second] = readFileSync(fixture('diag-live-trapped.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const other = second!.replace('"id":"E1"', '"id":"E2"');
    const broken = second!.replace('"door":"closed"', '"door":"shut"').replace('"ratedSpeedMps":1.75', '"ratedSpeedMps":0');
    const log = tmp.file('mixed.jsonl', `${first}\n${other}\n${broken}\n`);
    expect(problemsOf(() => runReplay(log, {}))).toEqual([
      `${log}:2: a frame of elevator "E2" in a recording of "E1" (record one elevator: diag live --elevator ID)`,
      `${log}:3: a diag live frame: elevator.ratedSpeedMps: Too small: expected number to be >0`,
    ]);
    const shut = tmp.file('shut.jsonl', `${first}\n${second!.replace('"door":"closed"', '"door":"shut"')}\n`);
    expect(problemsOf(() => runReplay(shut, {}))).toEqual([`${shut}:2: door: expected one of open, closed, opening, closing, unknown`]);
  });
});

const SECOND_LIFT = `  - id: E0
    registrationCode: "31104201002026110002"
    rescueCode: "JH-10002"
    name: Building 3, lift B
    address: Jianghan District, Wuhan
    board: sim-modbus
    connection: { host: 127.0.0.1, port: 1503, unitId: 1 }
    ratedSpeedMps: 1.0
    floors:
      - { label: "1", levelMm: 0 }
      - { label: "2", levelMm: 3000 }
`;

describe('replay across a gap in the log', () => {
  const door = (t: number, door: 'open' | 'closed'): ReplaySample => ({ t, values: { positionMm: 0, door, doorZone: true, doorLockCircuit: door === 'closed' }, bad: [] });
  const dayGap = [door(0, 'closed'), door(1000, 'open'), door(2000, 'open'), door(86_402_000, 'open'), door(86_403_000, 'closed')];

  it('lists each gap longer than rules.stats.maxGapMs with what the rules raised as it ended', () => {
    const r = replay(dayGap, { thresholds: defaultThresholds, ratedSpeedMps: 1, floorLevelsMm: [0, 3000] });
    // The door "open" for a day is the gap's: the rules held the last values across it.
    expect(r.events.filter((e) => e.type === 'door-open-too-long').map((e) => e.mono)).toEqual([86_402_000]);
    expect(r.gaps).toEqual([{ fromT: 2000, toT: 86_402_000, events: 1 }]);
    // A gap just within the limit is none.
    const within = [door(0, 'closed'), door(10_000, 'closed'), door(10_000 + defaultThresholds.stats.maxGapMs, 'closed')];
    expect(replay(within, { thresholds: defaultThresholds, ratedSpeedMps: 1, floorLevelsMm: [0, 3000] }).gaps).toEqual([]);
  });

  it('says so in the text and the JSON output', () => {
    const log = tmp.file('gap.jsonl', `${dayGap.map((s) => JSON.stringify({ t: s.t, ...s.values })).join('\n')}\n`);
    const { lines } = runReplay(log, { ratedSpeed: '1', floors: '0,3000' });
    expect(lines.slice(2, 4)).toEqual([
      `# gap: 86400.0 s without a sample after +2.0s (resumes at ${log}:4): 1 event raised as it ended may be the gap's, not the lift's`,
      '#   the rules held the last values across each gap (longer than rules.stats.maxGapMs, 10 s); the statistics skip it, health time counts an hour of it at most',
    ]);
    const json = runReplay(log, { ratedSpeed: '1', floors: '0,3000', json: true }).lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.find((o) => 'gaps' in o)).toEqual({ gaps: [{ offsetMs: 2000, ms: 86_400_000, resumesAt: `${log}:4`, events: 1 }] });
    // A log without one says nothing of gaps.
    expect(runReplay(fixture('door-stuck-closing.csv'), { ratedSpeed: '1', floors: '0,3000,6000' }).lines.some((l) => l.includes('gap'))).toBe(false);
  });
});
