import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { learnSiteYaml } from './learn-site.js';

/**
 * docs/retrofit.md: stop the gateway service before `diag learn` (the command opens the box itself;
 * both polling it would drain a Pi I²C box's FIFO). Like `diag scan`, learn sees the running service
 * by its answer on the config's diagnostics socket and refuses, exit 3, before the box is opened.
 */

const opened = vi.fn();
vi.mock('../../drivers/factory.js', () => ({
  createDriver: async () => {
    opened();
    return {
      kind: 'retrofit',
      open: async () => {},
      close: async () => {},
      health: () => ({ link: 'open' }),
      poll: async () => new Map(),
    };
  },
}));

const tmp = tempDir();
let server: Server | undefined;
afterAll(() => {
  server?.close();
  tmp.cleanup();
});

describe('elevgw diag learn while the gateway runs', () => {
  it("refuses (exit 3) when the running gateway answers on the config's diagnostics socket, without opening the box", async () => {
    const sock = join(tmp.dir, 'diag.sock');
    server = createServer((c) => c.end());
    await new Promise<void>((r) => server!.listen(sock, r));
    const site = tmp.file('site.yaml', learnSiteYaml({ levels: [0, 3000, 6000], extra: 'runtime: { diagSocket: ./diag.sock }\n' }));
    const out: string[] = [];
    const [log, err] = [console.log, console.error];
    console.log = (m: unknown) => out.push(String(m));
    console.error = (m: unknown) => out.push(String(m));
    process.exitCode = 0;
    try {
      const { buildProgram } = await import('../../src/cli/program.js');
      await buildProgram().exitOverride().parseAsync(['node', 'elevgw', 'diag', 'learn', '--config', site, '--timeout', '1', '--lang', 'en']);
    } finally {
      [console.log, console.error] = [log, err];
    }
    const code = process.exitCode;
    process.exitCode = 0;
    expect(opened).not.toHaveBeenCalled();
    expect(code).toBe(3);
    expect(out.join('\n')).not.toMatch(/Learning run: put the car/);
    expect(out.join('\n')).toMatch(/elevgw service is running on .*site\.yaml.*Stop the service first/);
  });
});
