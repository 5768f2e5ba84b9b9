import { describe, expect, it } from 'vitest';
import { defaultThresholds, mergeThresholds } from '../../../src/config/thresholds.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import type { Transition } from '../../../src/detect/types.js';
import { ALL_SIGNALS, FLOORS_MM } from '../scenario.js';

/**
 * The rate indicators through ElevatorHealth: occurrences counted per block of exposure, a block's
 * rate one observation, "now" the mean of the last blocks, and the landing most occurrences had
 * named in the hint. Floor labels unlike the indices.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;
const LABELS = ['B2', 'B1', 'G', '1', '2', '3'];
const FLOORS = FLOORS_MM.map((levelMm, i) => ({ label: LABELS[i]!, levelMm }));

function health(): ElevatorHealth {
  return new ElevatorHealth({
    elevatorId: 'E1',
    thresholds: mergeThresholds(defaultThresholds, { earlyWarning: { learningDays: 2 } }),
    ratedSpeedMps: 1.75,
    floors: FLOORS,
    available: new Set(ALL_SIGNALS),
  });
}

/**
 * Failed closings for 3 days at 0 or 2 per 100 closings, then 4 days at 12, 12, 12, 28 per 100
 * (a block of 50 closings an hour): one at index 0 in each block, the rest at `worst` (all at no
 * landing when `worst` is null). The
 * events raised, and the day's count.
 */
function failedClosesRising(worst: number | null): { raised: Record<string, unknown>[]; counted: number } {
  const h = health();
  const events: Transition[] = [];
  let now = 0;
  const hour = (n: number) => {
    now += HOUR;
    events.push(...h.observe({}, now));
    if (n > 0) h.count('failedCloses', worst === null ? null : 0);
    if (n > 1) h.count('failedCloses', worst, n - 1);
    for (let c = 0; c < 50; c++) h.expose('closings', 1);
  };
  for (let i = 0; i < 3 * 24; i++) hour(i % 2);
  for (let i = 0; i < 24; i++) hour(i % 4 === 3 ? 14 : 6);
  const raised = events.filter((e) => e.type === 'early-warning' && e.phase === 'raised').map((e) => e.data!);
  return { raised, counted: h.takeSummary().counts.failedClosings };
}

const advice = (w: Record<string, unknown>) => (w.hint as { en: string }).en.split(': ').at(-1);

describe('rate indicators', () => {
  it("failed closings rising: a warning whose 'now' is the mean of the last four blocks and whose hint names the worst landing by its label", () => {
    const { raised, counted } = failedClosesRising(3);
    expect(raised).toHaveLength(1);
    // The mean of any four blocks is 16 per 100 closings, their median 12.
    expect(raised[0]).toMatchObject({ cause: 'failedCloses', floor: null, landing: null, unit: 'per 100 closings', drift: 'high', now: 16 });
    expect((raised[0]!.hint as { en: string }).en).toMatch(
      /^closings that reverse before the door is closed have risen from [0-2] per 100 closings to 16 per 100 closings over 1 day: check the door operator's closing force, the door lock and the sill \(most at floor 1\)$/,
    );
    expect((raised[0]!.hint as { zh: string }).zh).toMatch(/（以1层最多）$/);
    expect(counted).toBe(36 + 6 * 14 + 18 * 6);
  });

  it('the hint names no landing when most failed closings had none, and a landing past the floor table by its number', () => {
    expect(failedClosesRising(null).raised.map(advice)).toEqual(["check the door operator's closing force, the door lock and the sill"]);
    expect(failedClosesRising(9).raised.map(advice)).toEqual(["check the door operator's closing force, the door lock and the sill (most at floor 9)"]);
  });

  it('sensor drop-outs are judged per six hours watched: the first block ends after six hours of samples, not before', () => {
    const h = health();
    let now = 0;
    const minutes = (n: number) => {
      for (let i = 0; i < n; i++) {
        now += MINUTE;
        h.observe({}, now);
      }
    };
    h.observe({}, now);
    minutes(6 * 60 - 1);
    expect(h.baselines().map((b) => b.cause)).toEqual([]);
    minutes(2); // the hours are handed on a minute at a time, each 1/60 h: their sum reaches 6 a minute late
    expect(h.baselines().map((b) => b.cause)).toEqual(['sensorDrops']);
  });
});
