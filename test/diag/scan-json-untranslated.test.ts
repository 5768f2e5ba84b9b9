import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { elevgw } from './cli-run.js';

/**
 * docs/diagnostics.md: "`--json` output is never translated". A port or host `diag scan` cannot
 * use gives `{ devices: [], reachable: false, reason, problem }` on stdout: the same object under
 * any language, `reason` a stable code a script can branch on, `problem` the English line; the
 * person reading stderr still gets their language.
 */
describe('diag scan --json when a port or host cannot be used', () => {
  const tmp = tempDir('elevgw-scan-json-');
  afterAll(() => tmp.cleanup());

  it('a missing port: reason "missing", the English problem, under LANG=zh_CN and --lang zh alike', async () => {
    const missing = join(tmp.dir, 'ttyUSB9');
    const en = await elevgw(['diag', 'scan', '--port', missing, '--json']);
    const zhEnv = await elevgw(['diag', 'scan', '--port', missing, '--json'], { LANG: 'zh_CN.UTF-8' });
    const zhFlag = await elevgw(['diag', 'scan', '--port', missing, '--json', '--lang', 'zh']);
    for (const r of [en, zhEnv, zhFlag]) expect(r.status).toBe(3);
    expect(JSON.parse(en.stdout)).toEqual({
      devices: [],
      reachable: false,
      reason: 'missing',
      problem: `${missing} does not exist: is the RS-485 adapter plugged in? (ls /dev/serial/by-id)`,
    });
    expect(JSON.parse(zhEnv.stdout)).toEqual(JSON.parse(en.stdout));
    expect(JSON.parse(zhFlag.stdout)).toEqual(JSON.parse(en.stdout));
    expect(zhFlag.stderr).toContain('不存在');
  }, 30_000);

  it('a host that refuses: reason "refused", in English under --lang zh', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r)); // nothing listens there now
    const run = await elevgw(['diag', 'scan', '--tcp', `127.0.0.1:${port}`, '--units', '1', '--json', '--lang', 'zh']);
    expect(run.status).toBe(3);
    const json = JSON.parse(run.stdout) as { reason: string; problem: string };
    expect(json.reason).toBe('refused');
    expect(json.problem).toMatch(/^cannot reach 127\.0\.0\.1:\d+ /);
  }, 30_000);
});
