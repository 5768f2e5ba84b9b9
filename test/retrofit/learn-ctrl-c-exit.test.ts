import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';
import { learnSiteYaml } from './learn-site.js';

/**
 * docs/diagnostics.md: every `diag` command ends with one of four exit codes (0–3), and `diag scan`
 * stopped by Ctrl-C still does. `diag learn` stopped by Ctrl-C in the middle of the learning run is
 * an incomplete run: it closes the box, says so, writes nothing and exits 1 (not killed by the signal).
 *
 * The box is the simulator's (SimRetrofitBoard behind the real RetrofitDriver), put in place of
 * drivers/factory.js by a module hook in the child, the car standing still.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const dist = (p: string) => pathToFileURL(join(REPO, 'dist', p)).href;

describe('diag learn stopped with Ctrl-C during the run', () => {
  it('ends with exit 1 (incomplete), not killed by the signal, and writes nothing', async () => {
    tmp.file(
      'hooks.mjs',
      `export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (r.url === ${JSON.stringify(dist('drivers/factory.js'))} && !(c.parentURL ?? '').endsWith('sim-factory.mjs')) return { ...r, url: new URL('./sim-factory.mjs', import.meta.url).href };
  return r;
}`,
    );
    tmp.file('register.mjs', `import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);`);
    tmp.file(
      'sim-factory.mjs',
      `import { RetrofitDriver } from ${JSON.stringify(dist('drivers/retrofit/driver.js'))};
import { FakeClock } from ${JSON.stringify(dist('src/core/clock.js'))};
import { SimRetrofitBoard } from ${JSON.stringify(dist('src/sim/retrofit-board.js'))};
import { ScenarioRunner } from ${JSON.stringify(dist('src/sim/runner.js'))};
import { parseSimScenario } from ${JSON.stringify(dist('src/sim/scenario.js'))};
export async function createDriver(ctx) {
  const clock = new FakeClock(ctx.clock.now());
  const sc = parseSimScenario({ name: 'idle', durationS: 3600, elevator: { floorLevelsMm: [0, 3000, 6000], ratedSpeedMps: 1 } });
  const rig = new SimRetrofitBoard({ board: ctx.board, runner: new ScenarioRunner(sc), clock });
  const d = new RetrofitDriver({ board: ctx.board, connect: rig.connect, clock, logger: ctx.logger });
  return { kind: d.kind, open: () => d.open(), close: () => d.close(), health: () => d.health(), poll: async (g) => { rig.advance(100); clock.advance(100); return d.poll(g); } };
}`,
    );
    const text = learnSiteYaml({ levels: [0, 3000, 6000], ratedSpeedMps: 1 });
    const site = tmp.file('site.yaml', text);
    const p = spawn(process.execPath, ['--import', join(tmp.dir, 'register.mjs'), CLI, 'diag', 'learn', '--config', site, '--lang', 'en'], {
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
    let out = '';
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((resolve) =>
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('landings recorded')) resolve();
      }),
    );
    // A progress line: the run is under way, its handler for Ctrl-C set before it began.
    p.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => p.once('close', (c, s) => resolve([c, s])));
    expect(out).toMatch(/Learning run: put the car at the BOTTOM landing/);
    expect(out).toMatch(/stopped with Ctrl-C: nothing written/);
    expect(readFileSync(site, 'utf8')).toBe(text);
    expect({ code, signal }).toEqual({ code: 1, signal: null });
  }, 60_000);
});
