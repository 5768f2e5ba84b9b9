import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../../src/config/load.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { startSimModbusRtu, type SimModbusRtu } from '../../src/sim/rtu-host.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { CLI, readOutbox, runGateway, stopChild } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { rtuSiteYaml } from '../interop/site.js';
import { sh, Terminal } from './live-terminal.js';

const TIME_SCALE = 10;

/**
 * `elevgw commission` end to end: a gateway (`elevgw run`, a child) reads the simulator over
 * Modbus RTU on a socat pty, 10× faster than real time; the technician's keystrokes go in through
 * tmux, and the test plays the lift — calls, inspection, the alarm button, the mains — on the
 * simulator when each prompt appears. The site config has landing 3 at 9400 mm where the car
 * stops at 9000.
 */
describe('elevgw commission, driven through a terminal', () => {
  const tmp = tempDir('elevgw-commission-');
  const configFile = join(tmp.dir, 'site.yaml');
  const outboxPath = join(tmp.dir, 'outbox.db');
  let pair: PtyPair;
  let sim: SimModbusRtu;
  let broker: EmbeddedBroker;
  let platform: mqtt.MqttClient;
  let gateway: ChildProcess | undefined;
  /** Every terminal a test started: each tmux server lives on (`; cat`) until killed. */
  const terms: Terminal[] = [];
  let original = '';
  const upstream: { type: string; data?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    sim = await startSimModbusRtu({ path: pair.a, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 36_000 }), timeScale: TIME_SCALE, loop: false });
    broker = await startEmbeddedBroker();
    platform = await mqtt.connectAsync(broker.url, { clientId: 'platform-commission' });
    platform.on('message', (_t, p) => upstream.push(JSON.parse(p.toString()) as (typeof upstream)[number]));
    await platform.subscribeAsync('elevgw/v1/rtu-gw/elevators/+/events', { qos: 1 });
    original = `# Jianghan pilot, lift E1 — installer's notes stay\n${rtuSiteYaml({ path: pair.b, brokerUrl: broker.url, outboxPath, timeScale: TIME_SCALE }).replace('levelMm: 9000', 'levelMm: 9400')}`;
    tmp.file('site.yaml', original);
    gateway = runGateway(configFile);
    await vi.waitFor(() => expect(existsSync(join(tmp.dir, 'diag.sock'))).toBe(true), { timeout: 20_000, interval: 100 });
  }, 60_000);

  afterAll(async () => {
    for (const t of terms) t.kill();
    if (gateway) await stopChild(gateway, 'SIGTERM');
    await platform?.endAsync();
    await broker?.close();
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  const commission = (args: string) => {
    const t = Terminal.start(tmp.dir, `${sh(process.execPath)} ${sh(CLI)} commission --config ${sh(configFile)} --elevator E1 ${args}`);
    terms.push(t);
    return t;
  };

  it('walks every step with the lift, checks the session, corrects the floor table after confirmation, reports and records the event', async () => {
    const car = sim.sim.elevator;
    const t = commission(`--by ${sh('Li Gong')} --lang en --timeout 60`);
    const step = (re: RegExp, ms = 30_000) => t.waitFor(re, ms, 'history');

    await step(/\[1\/7\] doors — close the doors/);
    car.call(0);
    await step(/✓ doors: door (?:closed → )?opening → open → closing → closed/);
    await step(/\[2\/7\] top landing — run the car to the top landing \(9\)/);
    car.call(9);
    // The level is what the watch measured while the car stood: one frame per simulated second can
    // catch the last millimetre of its creep (26999, 1 mm), within the ±20 mm the checks allow.
    const near = (m: RegExpMatchArray, mm: number) => expect(Math.abs(Number(m[1]) - mm)).toBeLessThanOrEqual(20);
    near(await step(/✓ top landing: stopped at 9, level (-?\d+) mm/), 27000);
    await step(/\[3\/7\] bottom landing/);
    car.call(0);
    near(await step(/✓ bottom landing: stopped at B1, level (-?\d+) mm/), 0);
    await step(/\[4\/7\] every floor/);
    for (let f = 1; f <= 8; f++) car.call(f);
    await step(/✓ every floor: stopped at all 10 landings/, 60_000);
    await step(/\[5\/7\] inspection/);
    car.setInspection(true);
    await t.waitFor(/^\s{6}inspection (?:off → )?on\s+\d/m, 20_000); // the status line has seen it on
    car.setInspection(false);
    await step(/✓ inspection: inspection (?:off → )?on → off/);
    await step(/\[6\/7\] alarm button/);
    car.pressAlarm(true);
    await step(/✓ alarm button: held \d+\.\d s/);
    car.pressAlarm(false);
    await step(/\[7\/7\] mains/);
    car.mainsOff();
    await t.waitFor(/mains off (?:[5-9]|\d\d+)\.\d s/, 20_000);
    car.mainsOn();
    await step(/✓ mains: mains off \d+\.\d s, back on/);

    await step(/✗ floor table: 3: configured 9400 mm, measured 9000 mm \(-400 mm\); 9 landing\(s\) within ±20 mm/);
    await step(/Write the measured levels into .*site\.yaml\? A backup is kept\. \[y\/N\]/);
    t.type('y');
    await step(/✓ written to .*site\.yaml \(backup .*site\.yaml\.bak-\d{8}T\d{6}Z\)/);
    await step(/\[exit 0\]/, 20_000);
    const shown = t.history();
    expect(shown).toMatch(/✓ rated speed: 1\.75 m\/s seen, 100 % of the configured 1\.75 m\/s/);
    expect(shown).toMatch(/! signals: never changed during the session \(\d+\): .*safetyCircuit/);
    expect(shown).toMatch(/✓ rules: all \d+ rules armed/);
    expect(shown).toMatch(/Result: PASS — 7 steps: 7 passed, 0 skipped, 0 failed; 0 check\(s\) failed/);

    // The config: only landing 3 changed, the installer's comment kept, the original backed up.
    expect(readFileSync(configFile, 'utf8')).toBe(original.replace('levelMm: 9400', 'levelMm: 9000'));
    const backups = readdirSync(tmp.dir).filter((f) => f.startsWith('site.yaml.bak-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, backups[0]!), 'utf8')).toBe(original);
    expect(loadConfig(configFile).elevators[0]!.config.floors[3]!.levelMm).toBe(9000);

    // The reports, under the state directory.
    const dir = join(tmp.dir, 'commissioning');
    const json = readdirSync(dir).find((f) => /^E1-\d{8}T\d{6}Z\.json$/.test(f))!;
    const report = JSON.parse(readFileSync(join(dir, json), 'utf8')) as Record<string, unknown> & {
      steps: { step: string; result: string }[];
      trace: unknown[];
      event: { id: string };
    };
    expect(report).toMatchObject({
      elevator: 'E1',
      technician: 'Li Gong',
      board: 'generic-modbus-controller',
      result: 'pass',
      timeScale: TIME_SCALE,
      floorTableWritten: { levels: [{ index: 3, fromMm: 9400, toMm: 9000 }] },
    });
    expect(report.steps.map((s) => `${s.step}:${s.result}`)).toEqual(['doors:pass', 'top:pass', 'bottom:pass', 'floors:pass', 'inspection:pass', 'alarm:pass', 'mains:pass']);
    expect(report.trace.length).toBeGreaterThan(50);
    const html = readFileSync(join(dir, json.replace(/\.json$/, '.html')), 'utf8');
    expect(html).toMatch(/<svg[^>]*>[\s\S]*<polyline[^>]+points="[\d., ]{200,}"/);
    expect(html).not.toMatch(/(src|href)=|@import|url\(/); // nothing loaded from elsewhere

    // The event, stored in the gateway's outbox and delivered to the platform.
    const row = readOutbox(outboxPath).find((r) => r.id === report.event.id);
    expect(row?.type).toBe('commissioning');
    await vi.waitFor(() => expect(upstream.filter((e) => e.type === 'commissioning')).toHaveLength(1), { timeout: 10_000 });
    expect(upstream.find((e) => e.type === 'commissioning')!.data).toMatchObject({
      result: 'pass',
      technician: 'Li Gong',
      board: 'generic-modbus-controller',
      report: json.replace(/\.json$/, ''),
    });
    t.kill();
  }, 90_000);

  it('a step that never happens times out with what was missing; a skipped step keeps its typed reason', async () => {
    const t = commission(`--by ${sh('王工')} --lang en --steps inspection,alarm --timeout 20`);
    const before = readOutbox(outboxPath).filter((r) => r.type === 'commissioning').length;
    await t.waitFor(/\[1\/2\] inspection/, 20_000, 'history');
    t.type('s');
    await t.waitFor(/reason for skipping/, 10_000, 'history');
    t.type('key switch seized');
    t.press('Enter');
    await t.waitFor(/– inspection: skipped: key switch seized/, 10_000, 'history');
    await t.waitFor(/✗ alarm button: timed out after 20 s: the alarm button was never pressed/, 20_000, 'history');
    await t.waitFor(/Result: FAIL — 2 steps: 0 passed, 1 skipped, 1 failed/, 20_000, 'history');
    await t.waitFor(/\[exit 1\]/, 10_000, 'history');
    const events = readOutbox(outboxPath).filter((r) => r.type === 'commissioning');
    expect(events).toHaveLength(before + 1);
    expect(JSON.parse(events.at(-1)!.payload)).toMatchObject({
      data: {
        result: 'fail',
        technician: '王工',
        steps: [
          { step: 'inspection', result: 'skipped', reason: 'key switch seized' },
          { step: 'alarm', result: 'timeout', reason: 'the alarm button was never pressed' },
        ],
      },
    });
  }, 60_000);

  it('q aborts: nothing recorded, exit 1 (a check not done), not "is the service still running?" with the gateway up', async () => {
    const t = commission(`--by ${sh('T')} --lang en --steps alarm --timeout 60`);
    const before = readOutbox(outboxPath).filter((r) => r.type === 'commissioning').length;
    await t.waitFor(/\[1\/1\] alarm/, 20_000, 'history');
    t.type('q');
    await t.waitFor(/\[exit \d+\]/, 10_000, 'history');
    const text = t.history();
    expect(text).toMatch(/commissioning aborted: nothing written, nothing recorded/);
    expect(text).not.toMatch(/DIAG_UNREACHABLE|still running/);
    expect(text).toMatch(/\[exit 1\]/);
    expect(readOutbox(outboxPath).filter((r) => r.type === 'commissioning')).toHaveLength(before);
  }, 60_000);
});
