import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair, stopProcess } from '../../src/sim/pty-pair.js';
import { tempDir } from '../helpers/tmp.js';
import { elevgw } from './cli-run.js';

/**
 * A controller at the right unit id, baud rate and parity that answers 250 ms after each request,
 * past the 170 ms a 9600 baud probe waits (slow_slave.py, a plain python slave). Its valid answers
 * arrive during the next probe: the scan names it as slow with the --timeout that takes it, finds
 * it with that timeout, and sends nobody to the wiring or the line settings.
 */
describe('diag scan: a device that answers after the timeout', () => {
  const tmp = tempDir('elevgw-scan-slow-');
  let pair: PtyPair;
  let slave: ChildProcess;

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    slave = spawn('/usr/bin/python3', [fileURLToPath(new URL('./slow_slave.py', import.meta.url)), pair.a, '1', '0.25'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => slave.stdout!.once('data', () => resolve()));
    slave.stdout!.resume();
  }, 30_000);
  afterAll(async () => {
    if (slave) await stopProcess(slave);
    await pair?.close();
    tmp.cleanup();
  });

  it('says it answered late, names --timeout, and finds it', async () => {
    const run = await elevgw(['diag', 'scan', '--port', pair.b, '--units', '1-12', '--bauds', '9600', '--parity', 'none']);
    const all = `${run.stdout}${run.stderr}`;
    expect(run.stderr).toMatch(/unit 1 answered after the timeout \((2[5-9]\d|3\d\d) ms\): try --timeout \d+/);
    expect(all).not.toMatch(/no valid answer|check the wiring/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/unit 1 on .* 9600 8N1.*answers slowly/);
  }, 60_000);

  it('--json carries the late answer and the slow device', async () => {
    const run = await elevgw(['diag', 'scan', '--port', pair.b, '--units', '1-3', '--bauds', '9600', '--parity', 'none', '--json']);
    const json = JSON.parse(run.stdout) as { devices: { unitId: number; slowMs?: number }[]; lines: { late: { unitId: number; found: boolean }[] }[] };
    expect(json.devices.map((d) => [d.unitId, typeof d.slowMs])).toEqual([[1, 'number']]);
    expect(json.lines[0]!.late).toEqual([expect.objectContaining({ unitId: 1, found: true })]);
  }, 60_000);
});
