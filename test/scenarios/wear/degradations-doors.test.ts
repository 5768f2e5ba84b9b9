import { afterAll, describe, it } from 'vitest';
import { DEGRADATIONS } from './corpus.js';
import { type CaseResult, checkDegradation, report } from './degradation-case.js';

/** The door degradations of the corpus (the others: degradations-car.test.ts), so the two files run in parallel. */
const DOORS = DEGRADATIONS.filter((c) => c.scenario.degradations?.some((d) => d.kind === 'door-operator' || d.kind === 'door-edge'));
const results: CaseResult[] = [];

describe('early warning before the fault: door wear', () => {
  it.each(DOORS.map((c) => [c.scenario.name, c] as const))(
    '%s',
    (_name, c) => {
      results.push(checkDegradation(c));
    },
    300_000,
  );

  afterAll(() => {
    for (const r of results) console.log(report(r));
  });
});
