import { describe, expect, it } from 'vitest';
import type { MaintenanceEventRow } from '../../src/platform/store/types.js';
import { maintenanceCsv, maintenanceReport } from '../../src/platform/workflows/maintenance.js';

const DAY = 86_400_000;
const TO = Date.UTC(2026, 5, 30);
const FROM = TO - 60 * DAY;
const lift = (elevatorId: string, firstSeenDaysAgo = 365) => ({
  gatewayId: 'gw',
  elevatorId,
  registrationCode: `3110420100202611000${elevatorId.slice(1)}`,
  firstSeenMs: TO - firstSeenDaysAgo * DAY,
});
const ev = (elevatorId: string, phase: 'raised' | 'cleared', daysAgo: number, durationS: number | null = null): MaintenanceEventRow => ({
  gatewayId: 'gw',
  elevatorId,
  registrationCode: lift(elevatorId).registrationCode,
  phase,
  atMs: TO - daysAgo * DAY,
  durationS,
});

describe('maintenance evidence against the 15-day rule', () => {
  it('pairs sessions, measures the intervals between their starts and flags those over 15 days', () => {
    const r = maintenanceReport(
      [
        ev('E1', 'raised', 70),
        ev('E1', 'cleared', 69.9, 3600),
        ev('E1', 'raised', 56),
        ev('E1', 'cleared', 55.95, 1800),
        ev('E1', 'raised', 42),
        ev('E1', 'cleared', 41.9, 0),
        ev('E1', 'raised', 10),
      ],
      [lift('E1')],
      { fromMs: FROM, toMs: TO },
    );
    const e1 = r.elevators[0]!;
    expect(e1.sessions.map((s) => s.durationS)).toEqual([1800, 0, null]);
    // 70 → 56 is 14 days (the session before the window counts as the start of the first interval); 56 → 42, 42 → 10.
    expect(e1.intervalsDays).toEqual([14, 14, 32]);
    expect(e1).toMatchObject({ intervalsOverLimit: 1, longestIntervalDays: 32, emptySessions: 1, totalDurationS: 1800, daysSinceLast: 10, overdue: false });
  });

  it('a lift with no session for more than 15 days, or none since it was first seen over 15 days ago, is overdue', () => {
    const r = maintenanceReport([ev('E1', 'raised', 16), ev('E1', 'cleared', 15.9, 900)], [lift('E1'), lift('E2'), lift('E3', 3)], { fromMs: FROM, toMs: TO });
    expect(r.overdue).toEqual(['gw/E1', 'gw/E2']);
    expect(r.elevators.find((e) => e.elevatorId === 'E3')).toMatchObject({ sessions: [], lastSessionAt: null, overdue: false });
  });

  it('dates back a session whose opening came before the events read, from its duration', () => {
    const r = maintenanceReport([ev('E1', 'cleared', 5, 7200)], [lift('E1')], { fromMs: FROM, toMs: TO });
    expect(r.elevators[0]!.sessions).toEqual([{ startedAt: new Date(TO - 5 * DAY - 7_200_000).toISOString(), endedAt: new Date(TO - 5 * DAY).toISOString(), durationS: 7200 }]);
  });

  it('writes CSV a spreadsheet opens safely (quoted commas and formulas)', () => {
    const r = maintenanceReport([], [{ ...lift('E1'), gatewayId: '=cmd,1' }], { fromMs: FROM, toMs: TO });
    expect(maintenanceCsv(r).split('\r\n')[1]).toBe('"=cmd,1",E1,31104201002026110001,0,0,0,,,,0,yes');
  });
});
