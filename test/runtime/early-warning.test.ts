import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandResponse, commandResponseSchema } from '../../src/contract/commands.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { type KeyState, newKeyState } from '../../src/detect/health/baseline.js';
import { SqliteBaselineStore } from '../../src/detect/health/baseline-sqlite.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { contractProblems } from '../helpers/contract-check.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PREFIX = 'elevgw/v1/ew-gw';

/**
 * A lift whose gateway has watched it for ten days: the car door's closing time was learned at
 * 2.0 s and has been 3.0 s for seven hours (the demo lift's door), and a levelling warning is
 * already raised. As the database holds them after a restart.
 */
function seed(path: string): void {
  const store = SqliteBaselineStore.open(path);
  const base = (median: number, mad: number): KeyState => ({ ...newKeyState(0), base: { median, mad, n: 200, learnedH: 7 * DAY }, day: 10 });
  const door: KeyState = {
    ...base(2, 0.02),
    recent: Array(14).fill(3),
    out: { side: 'high', sinceH: 10 * DAY - 7 * HOUR },
    daily: [5, 6, 7, 8, 9].map((d) => [d, 2 + (d - 4) * 0.2] as [number, number]),
  };
  const leveling: KeyState = { ...base(0.5, 1), recent: Array(15).fill(-5), raised: { side: 'low', atH: 9.5 * DAY }, lastRaisedH: 9.5 * DAY };
  store.save(
    'E1',
    { healthMs: 10 * DAY, counters: { trips: 5000, doorCycles: 5500, runningMs: 20 * HOUR }, blocks: {} },
    new Map([
      ['doorCloseS', door],
      ['levelingMm@*/up', leveling],
    ]),
  );
  store.close();
}

/**
 * The gateway's side of early warning, whole and in sample time: the simulated demo lift → the
 * real Modbus driver → the pipeline with its health indicators → the SQLite outbox → the uplink,
 * into an in-memory broker that checks every message against the contract.
 */
describe('early warning in a running gateway', () => {
  const tmp = tempDir('elevgw-ew-', '/dev/shm');
  afterAll(() => tmp.cleanup());

  it('raises from baselines kept in its database, resets them on a platform command, adds the indicators to the day statistics, and saves at a clean stop', async () => {
    const dbPath = join(tmp.dir, 'outbox.db');
    seed(dbPath);
    const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 15, 50, 0)); // 23:50 in Wuhan
    const broker = new FakeBroker(clock, 5, { validate: (m) => contractProblems(m.topic, m.payload) });
    const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock, loop: true });
    const config = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'ew-gw' });
    const gw = new Gateway({
      config,
      logger: silentLogger,
      clock,
      clockSynced: () => true,
      timeZone: 'Asia/Shanghai',
      mqttConnect: broker.connect,
      diagSocket: false,
      driverFor: simDriverFor(sim, clock),
    });
    const events = () =>
      broker.on(`${PREFIX}/elevators/E1/events`).map((m) => JSON.parse(m.payload) as { type: string; phase: string; severity: string; data: Record<string, unknown> });
    const warnings = () => events().filter((e) => e.type === 'early-warning');
    const responses: CommandResponse[] = [];
    broker.subscribe(`${PREFIX}/responses/+`, (m) => responses.push(commandResponseSchema.parse(JSON.parse(m.payload))));

    await gw.start();
    await clock.advanceAsync(5 * 60_000);
    // The first door closing makes "now" 3.0 s against 2.0 s, seven hours out: raised at once.
    const raised = warnings().find((w) => w.phase === 'raised');
    expect(raised).toMatchObject({ severity: 'warning', data: { indicator: 'doorCloseS', cause: 'doorCloseS', floor: null, baseline: 2, now: 3, drift: 'high' } });
    expect((raised!.data.hint as { en: string }).en).toMatch(/^door closing time has risen from 2\.0 s to 3\.0 s over \d+ days?: check the car door operator/);

    broker.send(`${PREFIX}/commands/reset-baseline`, JSON.stringify({ v: 1, requestId: 'r1', args: { elevatorId: 'E1', indicator: 'levelingMm' } }));
    broker.send(`${PREFIX}/commands/reset-baseline`, JSON.stringify({ v: 1, requestId: 'r2', args: {} }));
    // A floor the lift does not have resets nothing and is refused, not reported upstream as a reset.
    broker.send(`${PREFIX}/commands/reset-baseline`, JSON.stringify({ v: 1, requestId: 'r3', args: { elevatorId: 'E1', floor: 200 } }));
    await clock.advanceAsync(1000);
    // Every levelling baseline goes (the raised one, and those learning since the start); only the raised one had a warning to clear.
    expect(responses.map((r) => [r.requestId, r.ok, r.result ?? r.error?.message])).toEqual([
      ['r1', true, { keys: expect.any(Number), cleared: ['levelingMm@*/up'] }],
      ['r2', false, 'args.elevatorId: required for reset-baseline'],
      ['r3', false, expect.stringMatching(/^elevator "E1" has no floor index 200 \(expected 0–\d+: /)],
    ]);
    expect(
      warnings()
        .slice(-2)
        .map((w) => [w.phase, w.severity, w.data.cause ?? w.data.action, w.data.reason ?? w.data.by]),
    ).toEqual([
      ['cleared', 'warning', 'levelingMm@*/up', 'baseline-reset'],
      ['instant', 'info', 'baseline-reset', 'platform'],
    ]);

    // Midnight in Wuhan: the day's statistics carry the indicators.
    await clock.advanceAsync(10 * 60_000);
    const day = broker
      .on(`${PREFIX}/elevators/E1/stats`)
      .map((m) => JSON.parse(m.payload))
      .find((s) => s.period === 'day');
    expect(day?.indicators.warnings).toEqual(['doorCloseS']);
    expect(day?.indicators.counters.doorCycles).toBeGreaterThan(5500);
    expect(Object.keys(day?.indicators.histograms.doorCloseS.byFloor ?? {}).length).toBeGreaterThan(2);

    const stopping = gw.stop();
    await clock.advanceAsync(10_000);
    await stopping;
    expect(broker.invalid).toEqual([]);
    // Saved at the stop: a restart goes on from here, the reset included.
    const saved = SqliteBaselineStore.open(dbPath, { readonly: true }).load('E1')!;
    expect(saved.meta.healthMs).toBeGreaterThan(10 * DAY + 14 * 60_000);
    expect(saved.keys.get('doorCloseS')?.raised?.side).toBe('high');
    // Learning again since the reset: no baseline yet, nothing raised.
    const relearning = saved.keys.get('levelingMm@*/up')!;
    expect([relearning.base, relearning.raised, relearning.learn.length > 0]).toEqual([undefined, undefined, true]);
  });
});
