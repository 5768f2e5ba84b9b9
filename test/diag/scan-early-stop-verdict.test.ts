import { describe, expect, it } from 'vitest';
import { pymodbusOnPty } from './pymodbus-pty.js';
import { elevgw } from './cli-run.js';

/**
 * A controller at unit 100 on a bus: with the default range every setting is given up after
 * ids 1–10 (docs/diagnostics.md, "Early stop on a silent line"). The final verdict says that only
 * those ids were tried and how to reach the others (--units <id>), not just "check the wiring".
 */
describe('diag scan: the "none found" verdict after early stops', () => {
  const bus = pymodbusOnPty('elevgw-scan-early-', 100);

  it('names the ids tried and --units, and --units 100 then finds the controller', async () => {
    const run = await elevgw(['diag', 'scan', '--port', bus.pair.b, '--bauds', '9600', '--parity', 'none']);
    expect(run.status).toBe(1);
    const verdict = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(verdict).toMatch(/^no device answered .*only unit ids 1–10 were tried at each setting.*--units <id> \(e\.g\. --units 100\)/);
    const zh = await elevgw(['diag', 'scan', '--port', bus.pair.b, '--bauds', '9600', '--parity', 'none', '--lang', 'zh']);
    expect(zh.stdout).toMatch(/只试了站号 1–10.*--units/);
    const named = await elevgw(['diag', 'scan', '--port', bus.pair.b, '--units', '100', '--bauds', '9600', '--parity', 'none']);
    expect(named.status).toBe(0);
  }, 60_000);
});
