import { expect } from 'vitest';
import type { WearScenarioInput } from '../../../src/sim/wear/scenario.js';
import { isFault, isWarning } from './degradation-case.js';
import { runWear } from './harness.js';

/**
 * A healthy lift over its whole scenario: normal variation (traffic by hour and weekday, loads,
 * passengers holding doors, maintenance visits) must raise no early warning, and the rules no
 * fault. Returns the simulated days, for the false-warning rate per lift-year.
 */
export function checkHealthy(s: WearScenarioInput & { days: number }): { name: string; days: number; trips: number; warnings: number } {
  const r = runWear(s);
  expect(r.events.filter((e) => isWarning(e) && e.phase === 'raised').map((e) => `${String(e.data?.cause)} on day ${e.day.toFixed(1)}: ${JSON.stringify(e.data?.hint)}`)).toEqual(
    [],
  );
  expect(r.events.filter(isFault).map((e) => `${e.type} on day ${e.day.toFixed(1)}`)).toEqual([]);
  expect(r.endDay).toBeGreaterThanOrEqual(60);
  // The lift did live: baselines learned, thousands of trips.
  expect(r.detection.health?.baselines().filter((b) => b.phase === 'learned').length).toBeGreaterThan(10);
  return { name: s.name, days: r.endDay, trips: r.lift.trips, warnings: 0 };
}

export function rateLine(results: readonly { days: number; warnings: number }[]): string {
  const years = results.reduce((a, r) => a + r.days, 0) / 365;
  const warnings = results.reduce((a, r) => a + r.warnings, 0);
  return `${warnings} early warnings in ${results.length} healthy lifts × ${(results.reduce((a, r) => a + r.days, 0) / results.length).toFixed(0)} days = ${years.toFixed(2)} lift-years: ${(warnings / years).toFixed(2)} false warnings per lift-year`;
}
