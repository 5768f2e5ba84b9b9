import { copyFileSync, existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteBaselineStore } from '../../../src/detect/health/baseline-sqlite.js';
import { DEGRADATIONS } from './corpus.js';
import { isFault, isWarning } from './degradation-case.js';
import { runWear } from './harness.js';

const tmp = (await import('../../helpers/tmp.js')).tempDir('elevgw-restart-');
afterAll(() => tmp.cleanup());

/**
 * Baselines survive a power cut. The door at floor 5 starts slowing on day 12; on day 16.4 — its
 * baselines learned, no warning yet — the gateway dies: whatever it had not saved is gone (it saves
 * hourly), and the database file is as a power cut leaves it (the file and its WAL copied while
 * the connection is still open). A new process opens that file 10 minutes later, its monotonic
 * clock at 0: the baselines are there, learning does not start again, and the warning still
 * comes before the fault, on the day it would have come without the cut.
 */
describe('early warning across a gateway restart', () => {
  const c = DEGRADATIONS.find((d) => d.scenario.name === 'door-operator-floor-5')!;
  const isExpectedFault = (e: Parameters<typeof isFault>[0]) => isFault(e) && c.fault.includes(e.type);

  it('keeps the learned baselines through a power cut and still warns before the fault', () => {
    const before = tmp.file('before.db');
    const first = runWear(c.scenario, { store: SqliteBaselineStore.open(before), untilDay: 16.4 });
    expect(first.events.filter((e) => isWarning(e) && e.phase === 'raised')).toEqual([]);
    const learned = first.detection.health!.baselines().find((b) => b.cause === 'doorCloseS@5')!;
    expect(learned.phase).toBe('learned');

    // The power cut: the file as it is on disk, with the connection still open.
    const after = tmp.file('after.db');
    copyFileSync(before, after);
    if (existsSync(`${before}-wal`)) copyFileSync(`${before}-wal`, `${after}-wal`);

    const store = SqliteBaselineStore.open(after);
    // At most the last hour of observation is lost; what was learned is there.
    const saved = store.load('E1')!;
    const lost = first.detection.health!.healthMs - saved.meta.healthMs;
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(lost).toBeLessThan(3_600_000);
    expect(saved.keys.get('doorCloseS@5')?.base?.median).toBeCloseTo(learned.baseline!, 6);

    const second = runWear(c.scenario, { store, fromDay: 16.4 + 10 / 1440, stopAfter: isExpectedFault, graceDays: 0.5 });
    expect(second.detection.health!.baselines().find((b) => b.cause === 'doorCloseS@5')?.baseline).toBeCloseTo(learned.baseline!, 6);

    const warning = second.events.find((e) => isWarning(e) && e.phase === 'raised');
    const fault = second.events.find(isExpectedFault);
    expect(warning?.data?.cause).toBe('doorCloseS@5');
    expect(warning!.day).toBeLessThan(fault!.day);
    // The uninterrupted run warns on day 18.6 (degradations-doors.test.ts): the cut costs at most a day.
    expect(Math.abs(warning!.day - 18.6)).toBeLessThan(1);
    console.log(`restart on day 16.4: warned day ${warning!.day.toFixed(1)}, ${fault!.type} day ${fault!.day.toFixed(1)}: lead ${(fault!.day - warning!.day).toFixed(1)} days`);
    store.close();
  }, 300_000);

  it('without them (a new database) the gateway would learn the worn door as normal and warn days later', () => {
    const second = runWear(c.scenario, { store: SqliteBaselineStore.open(tmp.file('fresh.db')), fromDay: 16.4 + 10 / 1440, stopAfter: isExpectedFault, graceDays: 0.5 });
    const warning = second.events.find((e) => isWarning(e) && e.phase === 'raised' && e.data?.cause === 'doorCloseS@5');
    const fault = second.events.find(isExpectedFault)!;
    // Learning again from day 16.4 takes a week; the door is by then half-way to stalling.
    expect(warning === undefined || warning.day > 23.4).toBe(true);
    console.log(`restart on day 16.4 with no baselines: ${warning ? `warned day ${warning.day.toFixed(1)}` : 'no warning'}, ${fault.type} day ${fault.day.toFixed(1)}`);
  }, 300_000);
});
