import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CLI, runGateway, stopChild } from '../helpers/child-gateway.js';
import { freePort, waitForPort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `diag live --count N` off a terminal: when the service stops while it runs, the last frames
 * printed are stale (`?` everywhere, `staleSince` set) and the exit code says the service cannot
 * be reached (3), not the verdict of the last good frame received before it stopped.
 */
const tmp = tempDir('elevgw-live-exit-');
let sim: ChildProcess | undefined;
let gateway: ChildProcess | undefined;
const configFile = join(tmp.dir, 'site.yaml');

beforeAll(async () => {
  const port = await freePort();
  sim = spawn(process.execPath, [CLI, 'sim', '--modbus-tcp', `127.0.0.1:${port}`, '--scenario', 'demo', '--loop'], { stdio: 'ignore' });
  await waitForPort(port);
  const demo = readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8')
    .replace('port: 1502', `port: ${port}`)
    .replace('mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1')
    .replace('../data/demo-outbox.db', join(tmp.dir, 'outbox.db'));
  tmp.file('site.yaml', demo);
  gateway = runGateway(configFile);
  await vi.waitFor(() => expect(existsSync(join(tmp.dir, 'diag.sock'))).toBe(true), { timeout: 20_000, interval: 100 });
}, 60_000);

afterAll(async () => {
  if (gateway) await stopChild(gateway, 'SIGTERM');
  if (sim) await stopChild(sim, 'SIGKILL');
  tmp.cleanup();
});

it('the service stops under diag live --count N --json: the last frames are stale and the exit is 3', async () => {
  const live = spawn(process.execPath, [CLI, 'diag', 'live', '--config', configFile, '--count', '8', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  live.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await vi.waitFor(() => expect(out.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
  await stopChild(gateway!, 'SIGTERM');
  gateway = undefined;
  const code = await new Promise<number | null>((resolve) => live.on('close', resolve));
  const frames = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { staleSince?: number; signals: Record<string, unknown> });
  expect(frames[0]!.staleSince).toBeUndefined();
  const last = frames.at(-1)!;
  expect(last.staleSince).toBeDefined();
  expect(Object.values(last.signals).every((v) => v === null)).toBe(true);
  expect(code).toBe(3);
}, 40_000);
