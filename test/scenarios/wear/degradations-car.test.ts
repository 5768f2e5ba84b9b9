import { afterAll, describe, it } from 'vitest';
import { DEGRADATIONS } from './corpus.js';
import { type CaseResult, checkDegradation, report } from './degradation-case.js';

/** The other degradations of the corpus (the others: degradations-doors.test.ts), so the two files run in parallel. */
const OTHERS = DEGRADATIONS.filter((c) => c.scenario.degradations?.some((d) => d.kind === 'door-operator' || d.kind === 'door-edge') === false);
const results: CaseResult[] = [];

describe('early warning before the fault: car, contacts and link', () => {
  it.each(OTHERS.map((c) => [c.scenario.name, c] as const))(
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
