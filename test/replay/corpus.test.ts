import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeThresholds, defaultThresholds } from '../../src/config/thresholds.js';
import { EVENT_TYPES, type EventType } from '../../src/contract/enums.js';
import { CATALOGUE } from '../../src/detect/catalogue.js';
import { checkExpectations } from '../../src/replay/expect.js';
import { readReplayFile } from '../../src/replay/read.js';
import { replay } from '../../src/replay/run.js';
import type { RuleScenario } from '../../src/replay/rule-scenario.js';

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

/**
 * Types that must each have two raising scenarios of their own: faults, warnings and the alarm
 * press — not gateway or informational events, nor early warnings (weeks of a lift's life:
 * test/scenarios/wear/).
 */
const RAISING_TYPES = EVENT_TYPES.filter((t): t is EventType => CATALOGUE[t].severity !== 'info' && !['gateway-started', 'outbox-loss', 'early-warning'].includes(t));

describe('rule scenario corpus (test/scenarios)', () => {
  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, { scenario, samples }) => {
    const result = run(scenario, samples);
    expect(checkExpectations(scenario, result.events)).toEqual([]);
  });

  it('has at least two raising scenarios in the folder of every fault type, and near misses that raise nothing', () => {
    const folder = (c: (typeof corpus)[number]) => c.file.split(sep)[0]!;
    // A folder is named after the fault its scenarios must raise.
    const misfiled = corpus.filter((c) => folder(c) !== 'near-miss' && !c.scenario.expect.some((x) => x.type === folder(c)));
    expect(misfiled.map((c) => c.file)).toEqual([]);
    const short = RAISING_TYPES.filter((t) => corpus.filter((c) => folder(c) === t).length < 2);
    expect(short).toEqual([]);
    const nearMisses = corpus.filter((c) => folder(c) === 'near-miss');
    expect(nearMisses.filter((c) => c.scenario.expect.length > 0 || c.scenario.allow.length > 0).map((c) => c.file)).toEqual([]);
    expect(nearMisses.length).toBeGreaterThanOrEqual(5);
  });

  it('is checked for real: a late, early, repeated or missing raise, or an unexpected fault, fails a scenario', () => {
    const { scenario, samples } = corpus.find((c) => c.scenario.name === 'trapped-stalled-between-floors')!;
    const events = run(scenario, samples).events;
    const [trapped, stopped] = scenario.expect;
    expect(trapped!.type).toBe('trapped');
    const late = { ...scenario, expect: [{ ...trapped!, thresholdMs: 29_000 }, stopped!] };
    expect(checkExpectations(late, events)).toEqual(['trapped: expected raised at 31400 ms (+100), raised at 32400 ms, 1000 ms late']);
    const early = { ...scenario, expect: [{ ...trapped!, thresholdMs: 31_000 }, stopped!] };
    expect(checkExpectations(early, events)).toEqual(['trapped: expected raised at 33400 ms (+100), raised at 32400 ms, 1000 ms early']);
    const strict = { ...scenario, expect: [trapped!] };
    expect(checkExpectations(strict, events)).toEqual([expect.stringMatching(/^stopped-outside-zone: raised at 7400 ms, not expected/)]);
    const twice = { ...scenario, expect: [trapped!, stopped!, { ...trapped!, conditionAt: 3400 }] };
    expect(checkExpectations(twice, events)).toEqual(['trapped: expected raised at 33400 ms (+100), never raised']);
    const missing = { ...scenario, expect: [stopped!, { ...trapped!, type: 'overspeed' as const }] };
    expect(checkExpectations(missing, events)).toEqual([
      expect.stringMatching(/^trapped: raised at 32400 ms, not expected/),
      'overspeed: expected raised at 32400 ms (+100), never raised',
    ]);
  });
});
