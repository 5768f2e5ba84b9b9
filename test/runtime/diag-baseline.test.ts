import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resetBaselines } from '../../src/cli/diag-baseline.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { newKeyState } from '../../src/detect/health/baseline.js';
import { SqliteBaselineStore } from '../../src/detect/health/baseline-sqlite.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { contractProblems } from '../helpers/contract-check.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig, siteYaml } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

/**
 * `elevgw diag baseline reset` against a running gateway: the request goes over the gateway's
 * real diagnostics socket, the gateway resets and tells the platform, and the command says what
 * was done — or why not, with the exit codes of every diag command.
 */
describe('elevgw diag baseline reset', () => {
  const tmp = tempDir('elevgw-diag-baseline-');
  afterAll(() => tmp.cleanup());

  it('resets through the running gateway, which reports it upstream as done by the user on this machine', async () => {
    const dbPath = join(tmp.dir, 'outbox.db');
    const store = SqliteBaselineStore.open(dbPath);
    // A warning raised on the door at landing 5 ("5" in the demo building), and another landing's baseline.
    const learned = { ...newKeyState(0), base: { median: 0.1, mad: 0.02, n: 80, learnedH: 7 * DAY }, recent: Array(15).fill(1.4), day: 10 };
    store.save(
      'E1',
      { healthMs: 10 * DAY, counters: { trips: 1, doorCycles: 1, runningMs: 1 }, blocks: {} },
      new Map([
        ['doorCloseS@5', { ...learned, raised: { side: 'high' as const, atH: 9 * DAY }, lastRaisedH: 9 * DAY }],
        ['doorCloseS@3', learned],
      ]),
    );
    store.close();
    const configFile = tmp.file('site.yaml', siteYaml({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'db-gw' }));
    const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 2, 0, 0));
    const broker = new FakeBroker(clock, 5, { validate: (m) => contractProblems(m.topic, m.payload) });
    const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock, loop: true });
    const gw = new Gateway({
      config: siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: dbPath, timeScale: 1, gatewayId: 'db-gw' }),
      logger: silentLogger,
      clock,
      clockSynced: () => true,
      mqttConnect: broker.connect,
      driverFor: simDriverFor(sim, clock),
    });
    await gw.start();
    try {
      await clock.advanceAsync(2000);
      const done = await resetBaselines({ config: configFile, elevator: 'E1', indicator: 'doorCloseS', floor: '5' });
      expect(done).toEqual({
        exitCode: 0,
        lines: [
          expect.stringMatching(/^✓ E1: 1 early-warning baseline\(s\) of doorCloseS at floor 5 forgotten/),
          '  warning cleared: doorCloseS@5',
          expect.stringContaining('the platform has been told'),
        ],
      });
      await clock.advanceAsync(1000);
      const events = broker.on('elevgw/v1/db-gw/elevators/E1/events').map((m) => JSON.parse(m.payload) as { type: string; phase: string; data: Record<string, unknown> });
      expect(events.filter((e) => e.type === 'early-warning').map((e) => [e.phase, e.data.cause ?? e.data.action, e.data.reason ?? e.data.by])).toEqual([
        ['cleared', 'doorCloseS@5', 'baseline-reset'],
        ['instant', 'baseline-reset', `diag:${userInfo().username}`],
      ]);
      expect(broker.invalid).toEqual([]);

      // Refused: an elevator the gateway does not have is the config's problem; a floor the building does not have, too.
      await expect(resetBaselines({ config: configFile, elevator: 'E9' })).rejects.toThrow(/--elevator: no elevator "E9"/);
      await expect(resetBaselines({ config: configFile, elevator: 'E1', floor: '13' })).rejects.toThrow(/--floor: no floor "13" \(floors: B1, 1, 2/);
      await expect(resetBaselines({ config: configFile, elevator: 'E1', indicator: 'doorSpeed' })).rejects.toThrow(/--indicator: /);

      // In Chinese for the pilot's technicians (--lang, else $LANG), as every diag command.
      const zh = await resetBaselines({ config: configFile, elevator: 'E1', indicator: 'levelingMm', lang: 'zh' });
      expect(zh.lines).toEqual([expect.stringMatching(/^✓ E1：已清除levelingMm的预警基线 \d+ 条；从现在起重新学习/), '  已通知平台（early-warning 事件，baseline-reset）']);
      await expect(resetBaselines({ config: configFile, elevator: 'E1', lang: 'fr' })).rejects.toThrow(/--lang: expected zh or en, got "fr"/);
    } finally {
      const stopping = gw.stop();
      await clock.advanceAsync(10_000);
      await stopping;
    }
    // No gateway running: exit 3, as every diag command.
    const none = await resetBaselines({ config: configFile, elevator: 'E1', json: true });
    expect(none.exitCode).toBe(3);
    expect(JSON.parse(none.lines[0]!)).toMatchObject({ ok: false, reachable: false });
  });
});
