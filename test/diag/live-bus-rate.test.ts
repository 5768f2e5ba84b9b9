import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, stopChild } from '../helpers/child-gateway.js';
import { freePort, waitForPort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `diag live` without a running service reads the bus itself, one poll round every 500 ms. The
 * transaction rate it shows is measured from one round to the next: the first frame has none
 * yet (blank, `null` in JSON), never the first round's transactions over the few milliseconds
 * since the driver opened (once 170 tx/s on a bus polled at about 2).
 */
const tmp = tempDir('elevgw-live-busrate-');
let sim: ChildProcess | undefined;
let config: string;

beforeAll(async () => {
  const port = await freePort();
  sim = spawn(process.execPath, [CLI, 'sim', '--modbus-tcp', `127.0.0.1:${port}`, '--scenario', 'normal'], { stdio: 'ignore' });
  await waitForPort(port);
  config = tmp.file(
    'site.yaml',
    readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8')
      .replace('port: 1502', `port: ${port}`)
      .replace('../data/demo-outbox.db', join(tmp.dir, 'outbox.db')),
  );
}, 30_000);

afterAll(async () => {
  if (sim) await stopChild(sim, 'SIGKILL');
  tmp.cleanup();
});

it('the first frame read from the bus shows no rate yet; later ones the rate the view polls at', async () => {
  const out = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'diag', 'live', '--config', config, '--count', '3', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let s = '';
    p.stdout!.on('data', (d: Buffer) => (s += d.toString()));
    p.on('close', () => resolve(s));
  });
  const frames = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { source: string; driver: { transactionsPerS: number | null } });
  expect(frames.map((f) => f.source)).toEqual(['bus', 'bus', 'bus']);
  const [first, ...later] = frames.map((f) => f.driver.transactionsPerS);
  expect(first, JSON.stringify(frames)).toBeNull();
  // A round every 500 ms, a few transactions each: a few per second, never a burst's rate.
  for (const r of later) expect(r !== null && r > 0 && r <= 20, JSON.stringify(later)).toBe(true);
}, 30_000);
