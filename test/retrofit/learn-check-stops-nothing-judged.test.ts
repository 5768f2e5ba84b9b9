import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { learnSiteYaml } from './learn-site.js';

/**
 * `elevgw diag learn --check --stops 12` on a 6-landing lift in ordinary traffic: no landing had its
 * 5 stops, so none was judged. docs/retrofit.md: a check that could not tell says so and exits 1,
 * never "still fits". checkShaft is stubbed with what the simulated run returned, so only the
 * CLI's verdict is under test.
 */

vi.mock('../../drivers/factory.js', () => ({
  createDriver: async () => ({ kind: 'retrofit', open: async () => {}, close: async () => {}, health: () => ({ link: 'open' }), poll: async () => new Map() }),
}));
vi.mock('../../src/diag/learn/run.js', () => ({
  runLearning: async () => ({ ok: false, reason: 'unused' }),
  checkShaft: async () => ({
    stops: 12,
    drift: [0, 1, 2, 3, 4, 5].map((landing) => ({ landing, baroM: 0, edgeMm: 0, stops: 2, edges: 4 })),
    advised: [],
    unjudged: [0, 1, 2, 3, 4, 5],
  }),
}));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const LEVELS = [0, 4500, 7500, 10500, 13500, 16500];

describe('diag learn --check --stops N with no landing judged', () => {
  it('does not say the learned shaft still fits, and exits 1', async () => {
    const site = tmp.file('site.yaml', learnSiteYaml({ levels: LEVELS, shaft: true }));
    const out: string[] = [];
    const [log, err] = [console.log, console.error];
    console.log = (m: unknown) => out.push(String(m));
    console.error = (m: unknown) => out.push(String(m));
    process.exitCode = 0;
    try {
      const { buildProgram } = await import('../../src/cli/program.js');
      await buildProgram().exitOverride().parseAsync(['node', 'elevgw', 'diag', 'learn', '--config', site, '--check', '--stops', '12', '--lang', 'en']);
    } finally {
      [console.log, console.error] = [log, err];
    }
    const code = process.exitCode;
    process.exitCode = 0;
    const text = out.join('\n');
    expect(text).toMatch(/not judged \(fewer than 5 stops there\): 1, 2, 3, 4, 5, 6/);
    expect(text).not.toMatch(/still fits$/m);
    expect(text).toMatch(/cannot tell whether the learned shaft still fits/);
    expect(code).toBe(1);
  });
});
