import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pymodbusOnPty } from './pymodbus-pty.js';
import { elevgw } from './cli-run.js';

/**
 * The same adapter named twice — as its device and as a /dev/serial/by-id/… link, or the same
 * path twice — is one bus: scanned once, its controller reported once, and the scan says so.
 */
describe('diag scan: one adapter named twice is one bus', () => {
  const bus = pymodbusOnPty('elevgw-scan-twice-', 7);

  it('through a symlink: one device, one line per setting, said once', async () => {
    const byId = join(bus.dir, 'usb-FTDI_FT232R-if00-port0');
    symlinkSync(bus.pair.b, byId);
    const run = await elevgw(['diag', 'scan', '--port', bus.pair.b, '--port', byId, '--units', '7', '--bauds', '9600', '--parity', 'none', '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { devices: { port: string }[]; lines: unknown[]; probes: number };
    expect(json.devices.map((d) => d.port)).toEqual([bus.pair.b]);
    expect([json.lines.length, json.probes]).toEqual([1, 1]);
    expect(run.stderr.split('\n').filter((l) => l.includes('scanned once'))).toEqual([`${byId} is the same port as ${bus.pair.b}: scanned once`]);
  }, 60_000);

  it('the same path twice: "1 device(s) found"', async () => {
    const run = await elevgw(['diag', 'scan', '--port', bus.pair.b, '--port', bus.pair.b, '--units', '7', '--bauds', '9600', '--parity', 'none']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`${bus.pair.b} is named twice: scanned once`);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^1 device\(s\) found/);
  }, 60_000);
});
