import { describe, expect, it } from 'vitest';
import { defaultSeverity } from '../../src/detect/catalogue.js';
import type { DetectedEvent, EventType, Phase } from '../../src/detect/types.js';
import { checkExpectations } from '../../src/replay/expect.js';
import { ruleScenarioSchema } from '../../src/replay/rule-scenario.js';

/**
 * The corpus checker itself, on hand-made event lists: each way a rule could be wrong and still
 * pass a looser checker (an allowance that is never timed, a raise repeated or flapping, a false
 * alarm before the expected raise, a stray clear, one event taken by two expectations, …) fails.
 */
function scenario(o: { expect?: unknown[]; allow?: unknown[] } = {}) {
  return ruleScenarioSchema.parse({ name: 't', durationMs: 60_000, signals: {}, ...o });
}

function ev(type: EventType, phase: Phase, mono: number, extra: Partial<DetectedEvent> = {}): DetectedEvent {
  return { type, phase, mono, severity: defaultSeverity(type), elevatorId: 'E1', ...extra };
}

/** Trapped expected 30 s after 2.4 s, cleared 1 s after 40 s. */
const TRAPPED = { type: 'trapped', conditionAt: 2400, thresholdMs: 30_000, clearAt: 40_000 };
const onTime = [ev('trapped', 'raised', 32_400), ev('trapped', 'cleared', 41_000)];

describe('checkExpectations', () => {
  it('passes the expected episode on time, at the threshold or one sample later', () => {
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), onTime)).toEqual([]);
    const oneLate = [ev('trapped', 'raised', 32_500), ev('trapped', 'cleared', 41_100)];
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), oneLate)).toEqual([]);
  });

  it('takes a wider slack for a lossy path, later only: never sooner, never twice', () => {
    const late = [ev('trapped', 'raised', 34_000), ev('trapped', 'cleared', 42_900)];
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), late, { slackMs: 2000 })).toEqual([]);
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), late)).toHaveLength(2);
    const early = [ev('trapped', 'raised', 32_300), ev('trapped', 'cleared', 41_000)];
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), early, { slackMs: 2000 })).toEqual([
      'trapped: expected raised at 32400 ms (+2000), raised at 32300 ms, 100 ms early',
    ]);
    const twice = [...onTime, ev('trapped', 'raised', 41_500)];
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), twice, { slackMs: 2000 })).toEqual([expect.stringMatching(/^trapped: raised at 41500 ms, not expected/)]);
  });

  it('fails a raise sooner or later than its window, and a clear likewise', () => {
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), [ev('trapped', 'raised', 32_300), ev('trapped', 'cleared', 41_000)])).toEqual([
      'trapped: expected raised at 32400 ms (+100), raised at 32300 ms, 100 ms early',
    ]);
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), [ev('trapped', 'raised', 32_400), ev('trapped', 'cleared', 41_200)])).toEqual([
      'trapped: expected cleared at 41000 ms (+100), cleared at 41200 ms',
    ]);
  });

  // Old checker: `allow` welcomed its types at any time, any number of times.
  describe('allow: each entry one episode, raised within its window', () => {
    const allow = [{ type: 'stopped-outside-zone', from: 7000, to: 8000 }];

    it('tolerates it inside the window, or not at all', () => {
      const stopped = [ev('stopped-outside-zone', 'raised', 7400), ev('stopped-outside-zone', 'cleared', 50_000)];
      expect(checkExpectations(scenario({ expect: [TRAPPED], allow }), [...onTime, ...stopped])).toEqual([]);
      expect(checkExpectations(scenario({ expect: [TRAPPED], allow }), onTime)).toEqual([]);
    });

    it('fails it outside the window', () => {
      const failures = checkExpectations(scenario({ expect: [TRAPPED], allow }), [...onTime, ev('stopped-outside-zone', 'raised', 20_000)]);
      expect(failures).toEqual(['stopped-outside-zone: raised at 20000 ms, not expected (allowed once in each of [7000, 8000] ms)']);
    });

    it('fails a second episode inside the window unless a second entry allows it', () => {
      const flapping = ['raised', 'cleared', 'raised'].map((p, i) => ev('stopped-outside-zone', p as Phase, 7100 + i * 100));
      expect(checkExpectations(scenario({ allow }), flapping)).toEqual([expect.stringMatching(/^stopped-outside-zone: raised at 7300 ms, not expected/)]);
      expect(checkExpectations(scenario({ allow: [...allow, ...allow] }), flapping)).toEqual([]);
    });

    it('has no untimed form: a bare type under allow is refused', () => {
      expect(() => scenario({ allow: ['stopped-outside-zone'] })).toThrow();
      expect(() => scenario({ allow: [{ type: 'stopped-outside-zone' }] })).toThrow();
      expect(() => scenario({ allow: [{ type: 'stopped-outside-zone', from: 9000, to: 8000 }] })).toThrow();
    });
  });

  // Old checker: every event of an expected type after the first was waved through.
  describe('repeated raises fail unless expected', () => {
    it('fails a raise/clear/raise (flapping) of an expected fault', () => {
      const failures = checkExpectations(scenario({ expect: [TRAPPED] }), [...onTime, ev('trapped', 'raised', 42_000)]);
      expect(failures).toEqual(['trapped: raised at 42000 ms, not expected (raised once more than expected)']);
    });

    it('fails a second raise without a clear in between', () => {
      const failures = checkExpectations(scenario({ expect: [TRAPPED] }), [ev('trapped', 'raised', 32_400), ev('trapped', 'raised', 35_000), ev('trapped', 'cleared', 41_000)]);
      expect(failures).toEqual(['trapped: raised again at 35000 ms while raised since 32400 ms']);
    });

    it('fails a second instant event of an expected type (an alarm counted twice)', () => {
      const alarm = { type: 'alarm-pressed', conditionAt: 3000, thresholdMs: 200 };
      const events = [ev('alarm-pressed', 'instant', 3200), ev('alarm-pressed', 'instant', 3900)];
      expect(checkExpectations(scenario({ expect: [alarm] }), events)).toEqual([expect.stringMatching(/^alarm-pressed: instant at 3900 ms, not expected/)]);
      expect(checkExpectations(scenario({ expect: [alarm, { ...alarm, conditionAt: 3700 }] }), events)).toEqual([]);
    });

    it('fails a second event of an informational type the scenario names', () => {
      const mode = { type: 'service-mode', conditionAt: 2000, thresholdMs: 2000 };
      const events = [ev('service-mode', 'instant', 4000), ev('service-mode', 'instant', 9000)];
      expect(checkExpectations(scenario({ expect: [mode] }), events)).toEqual([expect.stringMatching(/^service-mode: instant at 9000 ms, not expected/)]);
      // Not named, informational events are free.
      expect(checkExpectations(scenario(), events)).toEqual([]);
    });
  });

  // Old checker: `events.find(e => e.mono >= conditionAt)` skipped anything raised before the condition.
  it('fails a false alarm raised (and cleared) before the condition, even with the expected raise after it', () => {
    const events = [ev('trapped', 'raised', 1000), ev('trapped', 'cleared', 2000), ...onTime];
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), events)).toEqual(['trapped: raised at 1000 ms, not expected (a false alarm: before the expected raise at 32400 ms)']);
  });

  // Old checker: cleared events were never looked at unless an expectation had a clearAt.
  describe('clears are accounted for', () => {
    it('fails a clear without a raise, of an unexpected type', () => {
      expect(checkExpectations(scenario(), [ev('overspeed', 'cleared', 5000)])).toEqual(['overspeed: cleared at 5000 ms without being raised']);
    });

    it('fails a clear before the raise of an expected fault', () => {
      const failures = checkExpectations(scenario({ expect: [TRAPPED] }), [ev('trapped', 'cleared', 1000), ...onTime]);
      expect(failures).toEqual(['trapped: cleared at 1000 ms without being raised']);
    });

    it('fails a clear of an expected fault that must still be raised at the end (no clearAt)', () => {
      const { clearAt: _, ...open } = TRAPPED;
      expect(checkExpectations(scenario({ expect: [open] }), [ev('trapped', 'raised', 32_400)])).toEqual([]);
      expect(checkExpectations(scenario({ expect: [open] }), onTime)).toEqual(['trapped: expected still raised at the end, cleared at 41000 ms']);
    });
  });

  // Old checker: two expectations of one type both found the same first event.
  it('lets one event satisfy one expectation only', () => {
    const alarm = { type: 'alarm-pressed', conditionAt: 3000, thresholdMs: 200 };
    const failures = checkExpectations(scenario({ expect: [alarm, alarm] }), [ev('alarm-pressed', 'instant', 3200)]);
    expect(failures).toEqual(['alarm-pressed: expected raised at 3200 ms (+100), never raised']);
  });

  it('fails a black-box follow-up whose raise is not there', () => {
    const orphan = ev('blackbox', 'instant', 32_400, { blackboxFor: { type: 'overspeed', mono: 32_400 } });
    const own = ev('blackbox', 'instant', 32_400, { blackboxFor: { type: 'trapped', mono: 32_400 } });
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), [...onTime, own])).toEqual([]);
    expect(checkExpectations(scenario({ expect: [TRAPPED] }), [...onTime, orphan])).toEqual(['blackbox: follow-up at 32400 ms for overspeed@32400, no such raise']);
  });

  it('fails any fault or warning the scenario does not name', () => {
    expect(checkExpectations(scenario(), [ev('leveling-error', 'raised', 5000)])).toEqual([expect.stringMatching(/^leveling-error: raised at 5000 ms, not expected$/)]);
  });

  it('refuses an expectation cleared before it is raised', () => {
    expect(() => scenario({ expect: [{ ...TRAPPED, clearAt: 20_000, clearMs: 1000 }] })).toThrow(/clearAt/);
  });
});
