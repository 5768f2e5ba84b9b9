import { describe, it } from 'vitest';
import { expectAcceptance, runQuarter } from './day.js';

/** docs/retrofit.md, acceptance: one quarter of the simulated day (test/retrofit/day.ts). */
describe('a retrofit box on a 20-storey tower, normal traffic, 12:00–18:00', () => {
  it('identifies every landing, keeps position and speed within bounds, raises nothing', async () => {
    expectAcceptance(2, await runQuarter(2));
  });
});
