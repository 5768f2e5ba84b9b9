import { createWriteStream } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../../src/cli/replay.js';
import { SqliteBaselineStore } from '../../../src/detect/health/baseline-sqlite.js';
import { DAY_MS } from '../../../src/sim/wear/arrivals.js';
import { WearLift } from '../../../src/sim/wear/lift.js';
import { wearLogLines } from '../../../src/sim/wear/log.js';
import { parseWearScenario, type WearScenarioInput } from '../../../src/sim/wear/scenario.js';
import { tempDir } from '../../helpers/tmp.js';
import { runWear } from './harness.js';

const tmp = tempDir('elevgw-wear-replay-');
afterAll(() => tmp.cleanup());

/** A small, quiet lift whose door at its third landing (label 3, index 2) wears fast: a week learned, then two weeks of wear. */
const LIFT: WearScenarioInput = {
  name: 'replay-door-floor-2',
  days: 24,
  seed: 301,
  building: { floors: 4, floorHeightMm: 2800, ratedSpeedMps: 1, accelMps2: 0.6 },
  traffic: { profile: 'light', requestsPerDay: 40 },
  degradations: [{ kind: 'door-operator', landing: 2, motion: 'closing', onsetDay: 8, growthPerDay: 0.05 }],
};

async function writeLog(path: string, fromDay: number, toDay: number): Promise<void> {
  const out = createWriteStream(path);
  for (const line of wearLogLines(new WearLift(parseWearScenario(LIFT)), fromDay * DAY_MS, toDay * DAY_MS)) {
    if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

const SITE = (outbox: string) => `version: 1
gateway: { id: replay-gw }
elevators:
  - { id: E1, registrationCode: "31104201002026110001", rescueCode: "JH-1", board: sim-modbus, connection: { host: 127.0.0.1 }, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 2800 }, { label: "3", levelMm: 5600 }, { label: "4", levelMm: 8400 }] }
uplink: { url: "mqtt://127.0.0.1:1883" }
outbox: { path: "${outbox}" }
`;

/**
 * `elevgw replay` runs the health indicators as the gateway does: over a recorded log of weeks it
 * learns the baselines itself and prints the early warning the gateway would have given; with a
 * gateway's database (`--baselines`) it judges a log of a few days against what that gateway
 * learned, without writing to it.
 */
describe('elevgw replay with the health indicators', () => {
  it('prints the early warning, with its hint, that the gateway would have given over a recorded log', async () => {
    const log = tmp.file('three-weeks.jsonl');
    await writeLog(log, 0, 24);
    const { lines, exitCode } = runReplay(log, { config: tmp.file('site.yaml', SITE(tmp.file('unused.db'))), earlyWarning: true });
    expect(exitCode).toBe(0);
    const warning = lines.find((l) => /early-warning +raised/.test(l));
    expect(warning).toMatch(
      /doorCloseS@2 [\d.]+ → [\d.]+ s \(day \d+\.\d\): door closing time at floor 3 has risen from [\d.]+ s to [\d.]+ s over \d+ days?: check the door operator and the sill at floor 3$/,
    );
    const day = Number(/\(day (\d+\.\d)\)/.exec(warning!)![1]);
    expect(day).toBeGreaterThan(8);
    expect(lines.some((l) => /^# early warning: 24\.0 days observed; \d+ baselines, \d+ learned; raised at the end: .*doorCloseS@2/.test(l))).toBe(true);
  }, 300_000);

  it("judges a few days' log against a gateway's baselines (--baselines), read-only", async () => {
    const db = tmp.file('gateway.db');
    // The gateway watched the lift for 12 days and saved its baselines...
    runWear(LIFT, { store: SqliteBaselineStore.open(db), untilDay: 12 });
    // ...then a technician recorded days 16 to 19.
    const log = tmp.file('days-16-19.jsonl');
    await writeLog(log, 16, 19);
    const config = tmp.file('site-b.yaml', SITE(db));
    const without = runReplay(log, { config });
    expect(without.lines.some((l) => l.includes('early-warning'))).toBe(false); // three days: nothing learned
    const { lines } = runReplay(log, { config, baselines: db });
    expect(lines.find((l) => /early-warning +raised/.test(l))).toMatch(/doorCloseS@2 .*: door closing time at floor 3 has risen/);
    expect(SqliteBaselineStore.open(db, { readonly: true }).load('E1')?.keys.get('doorCloseS@2')?.raised).toBeUndefined();
    expect(() => runReplay(log, { config, baselines: db, elevator: 'E1', floors: '0,2800,5600,8400', ratedSpeed: '1' })).not.toThrow();
    expect(() => runReplay(log, { ratedSpeed: '1', floors: '0,2800,5600,8400', baselines: db })).toThrow(
      /has no baselines for elevator "replay" \(it has: E1; pick one with --elevator\)/,
    );
  }, 300_000);
});
