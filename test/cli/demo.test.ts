import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `elevgw demo`, the quick start's first command (`npm start`), as a newcomer sees it: what the
 * platform receives, one line per event, nothing called invalid, the count it ends with the lines
 * it printed; the gateway's diagnostics socket in the demo's own directory (not the package's
 * data/); every file of its own gone when it stops; a bad flag refused before anything starts.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function demo(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'demo', ...args], { env: { ...process.env, TMPDIR: tmp.dir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 40_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('elevgw demo', () => {
  it('prints what the platform receives, one line per event, and counts exactly those', async () => {
    const r = await demo('--speed', '20', '--duration', '8');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const from = lines.findIndex((l) => l.startsWith('What the district platform receives'));
    const end = lines.findIndex((l) => l.startsWith('demo stopped: the platform received'));
    expect(from).toBeGreaterThan(0);
    const received = lines.slice(from + 1, end);
    expect(received.some((l) => / !! E1 \(31104201002026110001\) \S+ .* raised \(/.test(l))).toBe(true);
    expect(r.stdout).not.toMatch(/invalid/);
    expect(lines[end]).toBe(`demo stopped: the platform received ${received.length} event(s).`);
    expect(r.stderr).not.toMatch(/diagnostics socket not available/);
    // The embedded broker is known to speak 3.1.1: no refusal of MQTT 5 logged at every start.
    expect(r.stdout).toMatch(/broker {5}mqtt:\/\/127\.0\.0\.1:\d+ \(embedded aedes, MQTT 3\.1\.1\)/);
    expect(r.stderr).not.toMatch(/refuses MQTT 5/);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('a log level pino does not know: refused at once (exit 2), nothing started, nothing left', async () => {
    const r = await demo('--log-level', 'loud', '--duration', '30');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--log-level: expected one of fatal, error, warn, info, debug, trace, silent/);
    expect(r.stdout).toBe('');
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('its reader going away (elevgw demo | head) stops it as Ctrl-C does: exit 0, no stack trace, nothing left', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--speed', '20', '--duration', '30'], {
      env: { ...process.env, TMPDIR: tmp.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 40_000,
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // As head does: read until the first event, then close the pipe; the demo writes its next line into it.
    child.stdout.on('data', (b: Buffer) => {
      if (/ !! E1 /.test(b.toString())) child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(status, stderr).toBe(0);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});
