import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeThresholds, defaultThresholds } from '../../src/config/thresholds.js';
import { EVENT_TYPES, type EventType } from '../../src/detect/types.js';
import { CATALOGUE } from '../../src/detect/catalogue.js';
import { checkExpectations } from '../../src/replay/expect.js';
import { readReplayFile } from '../../src/replay/read.js';
import { replay } from '../../src/replay/run.js';
import type { RuleScenario } from '../../src/replay/scenario.js';

const CORPUS = join(import.meta.dirname, '..', 'scenarios');

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return scenarioFiles(path);
    return /\.(ya?ml|json)$/.test(d.name) ? [path] : [];
  });
}

const corpus = scenarioFiles(CORPUS)
  .sort()
  .map((file) => {
    const input = readReplayFile(file);
    if (input.kind !== 'scenario') throw new Error(`${file}: not a scenario`);
    return { file: relative(CORPUS, file), scenario: input.scenario, samples: input.samples };
  });

function run(scenario: RuleScenario, samples: Parameters<typeof replay>[0]) {
  return replay(samples, {
    thresholds: mergeThresholds(defaultThresholds, scenario.rules),
    ratedSpeedMps: scenario.elevator.ratedSpeedMps,
    floorLevelsMm: scenario.elevator.floorsMm,
  });
}

/** Types that are faults or warnings (raised/cleared episodes), not gateway or informational events. */
const FAULT_TYPES = EVENT_TYPES.filter(
  (t): t is EventType => CATALOGUE[t].severity !== 'info' && !['alarm-pressed', 'gateway-started', 'outbox-loss'].includes(t),
);

describe('rule scenario corpus (test/scenarios)', () => {
  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, { scenario, samples }) => {
    const result = run(scenario, samples);
    expect(checkExpectations(scenario, result.events)).toEqual([]);
  });

  it('has at least two raising scenarios for every fault type, and near misses that raise nothing', () => {
    const raising = new Map<EventType, number>();
    for (const { scenario } of corpus) for (const x of scenario.expect) raising.set(x.type, (raising.get(x.type) ?? 0) + 1);
    const short = FAULT_TYPES.filter((t) => (raising.get(t) ?? 0) < 2);
    expect(short).toEqual([]);
    const nearMisses = corpus.filter((c) => c.scenario.expect.length === 0 && c.scenario.allow.length === 0);
    expect(nearMisses.length).toBeGreaterThanOrEqual(5);
  });

  it('is checked for real: a late or missing raise, or an unexpected fault, fails a scenario', () => {
    const { scenario, samples } = corpus.find((c) => c.scenario.name === 'trapped-stalled-between-floors')!;
    const events = run(scenario, samples).events;
    const late = { ...scenario, expect: [{ ...scenario.expect[0]!, thresholdMs: 29_000 }] };
    expect(checkExpectations(late, events)).toEqual(['trapped: expected raised at 31400 ms (+100), raised at 32400 ms']);
    const strict = { ...scenario, allow: [] };
    expect(checkExpectations(strict, events)[0]).toMatch(/^stopped-outside-zone: raised at 7400 ms, not expected/);
    const missing = { ...scenario, expect: [{ ...scenario.expect[0]!, type: 'overspeed' as const }] };
    expect(checkExpectations(missing, events)).toContain('overspeed: expected raised at 32400 ms (+100), never raised');
  });
});
