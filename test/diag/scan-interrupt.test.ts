import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { pymodbusOnPty } from './pymodbus-pty.js';

/**
 * docs/diagnostics.md: every diag command ends with exit 0–3. Ctrl-C (or SIGTERM) during a long
 * `diag scan` stops it, releases the port and still reports the controller found so far, marked
 * as interrupted, with the exit code of a scan that found it — not 130 and nothing on stdout.
 */
describe('diag scan stopped by a signal', () => {
  const bus = pymodbusOnPty('elevgw-scan-interrupt-', 1);

  /** Starts a scan of ids 1–100, sends `signal` once unit 1 has answered, and collects the end. */
  async function interrupted(signal: NodeJS.Signals, json: boolean) {
    const args = [CLI, 'diag', 'scan', '--port', bus.pair.b, '--units', '1-100', '--bauds', '9600', '--parity', 'none', ...(json ? ['--json'] : [])];
    const p = spawn(process.execPath, args, { env: { ...process.env, LANG: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    await new Promise<void>((resolve) =>
      p.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('unit 1 answers')) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    p.kill(signal);
    const status = await new Promise<number | null>((resolve) => p.once('close', (c) => resolve(c)));
    return { status, stdout, stderr };
  }

  it('SIGINT with --json: exit 0, the device found so far, interrupted: true', async () => {
    const run = await interrupted('SIGINT', true);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { devices: { unitId: number; profile: string | null }[]; interrupted: boolean; probes: number };
    expect(json.devices.map((d) => d.unitId)).toEqual([1]);
    expect(json.interrupted).toBe(true);
    expect(json.probes).toBeLessThan(100);
  }, 60_000);

  it('SIGTERM in text: the device line, then the interrupted verdict; the port is free again', async () => {
    const run = await interrupted('SIGTERM', false);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/unit 1 on .* 9600 8N1/);
    expect(lines.at(-1)).toMatch(/^scan interrupted after \d+ of up to 100 probes .*1 device\(s\) found so far/);
    // Released: the next scan opens the same port at once.
    const again = spawn(process.execPath, [CLI, 'diag', 'scan', '--port', bus.pair.b, '--units', '1', '--bauds', '9600', '--parity', 'none'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => again.once('close', resolve))).toBe(0);
  }, 60_000);
});
