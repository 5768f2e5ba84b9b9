import { afterAll, describe, it } from 'vitest';
import { HEALTHY } from './corpus.js';
import { checkHealthy, rateLine } from './healthy-case.js';

/** Half of the healthy lifts (the other half: healthy-b.test.ts), so the two files run in parallel. */
const results: ReturnType<typeof checkHealthy>[] = [];

describe('healthy lifts give no early warning', () => {
  it.each(HEALTHY.slice(0, 3).map((s) => [s.name, s] as const))(
    '%s',
    (_name, s) => {
      results.push(checkHealthy(s));
    },
    300_000,
  );

  afterAll(() => {
    for (const r of results) console.log(`${r.name.padEnd(36)} ${r.days.toFixed(0)} days, ${r.trips} trips, ${r.warnings} early warnings`);
    console.log(rateLine(results));
  });
});
