import { spawn } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A technician outside the elevgw group runs `diag live` while the gateway listens on its
 * diagnostics socket (0660): exit 3, and the words name the permission and the group, not a
 * service that is not running. Runs as root and drops to uid/gid 65534 for the CLI.
 */
const tmp = tempDir('elevgw-live-eacces-');
let server: Server;
const sock = join(tmp.dir, 'diag.sock');

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error(`running the CLI as another user needs root (uid ${process.getuid?.()}); run it as root, as CI does`);
  chmodSync(tmp.dir, 0o755);
  server = createServer((c) => c.end());
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  chmodSync(sock, 0o660);
  const demo = readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8')
    .replace('../data/demo-outbox.db', join(tmp.dir, 'outbox.db'))
    .replace('runtime:\n  timeScale: 1', `runtime:\n  timeScale: 1\n  diagSocket: ${sock}`);
  chmodSync(tmp.file('site.yaml', demo), 0o644);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.cleanup();
});

it('a socket this user may not open is named as a permission problem, not as "no running gateway"', async () => {
  const r = await new Promise<{ status: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'diag', 'live', '--config', join(tmp.dir, 'site.yaml'), '--count', '1', '--lang', 'en'], {
      uid: 65534,
      gid: 65534,
      cwd: tmp.dir,
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (status) => resolve({ status, out }));
  });
  expect(r.status, r.out).toBe(3);
  expect(r.out).toContain(`this user may not open the gateway's diagnostics socket ${sock} (EACCES): only the elevgw group may; join it`);
  expect(r.out).not.toMatch(/no running gateway|is the service running/);
}, 30_000);
