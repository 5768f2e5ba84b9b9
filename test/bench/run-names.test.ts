import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';

/**
 * `npm run bench -- NAME` with a name it does not know: refused at once, naming the known ones, not
 * dropped (with none left, the whole suite ran: hours, and `startup` builds a release). A bad
 * variable of one bench (`peer`'s) does not stop another.
 */
const RUN = built('bench/run.ts');
const bench = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['--expose-gc', RUN, ...args], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, ...env } });

describe('bench/run.ts', () => {
  it('an unknown name: exit 2 at once, the known names listed, nothing run', () => {
    const r = bench(['engine', 'pollpath']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^unknown bench: pollpath \(known: engine, outbox, .*poll-path; none for all of them\)/);
  });

  it('a bad peer variable does not stop another bench', () => {
    const r = bench(['fusion'], { ELEVGW_BENCH_PEER_WHO: 'node-red' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\n== fusion ==\n/);
  });
});
