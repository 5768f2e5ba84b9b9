import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { CLI, runGateway, stopChild } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { rtuSiteYaml } from '../interop/site.js';
import { sh, Terminal } from './live-terminal.js';

/** The staleness window of the generic controller board (src/signals/normalize.ts staleWindowMs: 3 s at 100 ms polls), plus the RTU answer timeouts of the polls that fail meanwhile. */
const STALE_MS = 3000;
const MARGIN_MS = 5000;

/** `elevgw sim --modbus-rtu PATH` as a child, the slave a test can kill like a dead controller; resolves once it serves. */
function startSlave(path: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [CLI, 'sim', '--modbus-rtu', path, '--scenario', 'demo', '--loop'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    p.stdout!.once('data', () => resolve(p));
    p.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before serving`)));
  });
}

const position = (screen: string) => screen.match(/position\s+(\d+) mm/)?.[1];

/**
 * `elevgw diag live` as a technician uses it over SSH: a gateway (`elevgw run`, a child) holds the
 * RTU port with the simulator as its slave on a socat pty; the live view in a 100×40 tmux terminal
 * shows the car moving, turns every value to `?` when the slave dies, quits cleanly on `q`, and
 * without a running gateway reads the bus itself and says so.
 */
describe('elevgw diag live against a running gateway on Modbus RTU', () => {
  const tmp = tempDir('elevgw-live-');
  const configFile = join(tmp.dir, 'site.yaml');
  let pair: PtyPair;
  let slave: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  let term: Terminal | undefined;

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    tmp.file('site.yaml', rtuSiteYaml({ path: pair.b, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1 }));
    slave = await startSlave(pair.a);
    gateway = runGateway(configFile);
    await vi.waitFor(() => expect(existsSync(join(tmp.dir, 'diag.sock'))).toBe(true), { timeout: 20_000, interval: 100 });
  }, 60_000);

  afterAll(async () => {
    term?.kill();
    if (gateway) await stopChild(gateway, 'SIGTERM');
    if (slave) await stopChild(slave, 'SIGKILL');
    await pair?.close();
    tmp.cleanup();
  });

  it('draws the shaft and the car moving through the scenario, from the service', async () => {
    term = Terminal.start(tmp.dir, `${sh(process.execPath)} ${sh(CLI)} diag live --config ${sh(configFile)} --lang en`);
    const first = (await term.waitFor(/position\s+(\d+) mm/))[1];
    await term.waitFor(new RegExp(`position\\s+(?!${first} mm)\\d+ mm`), 30_000);
    const screen = term.screen();
    expect(screen).toMatch(/service rtu-gw/);
    expect(screen).toMatch(/^B1\s+0 ─┤/m);
    expect(screen).toMatch(/^9\s+27000 ─┤/m);
    expect(screen).toMatch(/\[[▲▼■]\]/);
    expect(screen).toMatch(/driver\s+ok · [\d.]+ tx\/s/);
    expect(screen).toMatch(/outbox\s+\d+ pending/);
    expect(position(screen)).not.toBe(first);
  }, 60_000);

  it('turns every reading to ? within the stale time when the slave dies, and draws no car', async () => {
    expect(position(term!.screen())).toBeDefined();
    await stopChild(slave!, 'SIGKILL');
    slave = undefined;
    await term!.waitFor(/position\s+\?\s*$/m, STALE_MS + MARGIN_MS);
    const screen = term!.screen();
    for (const label of ['speed', 'door', 'door zone', 'lock circuit', 'safety', 'mains']) expect(screen).toMatch(new RegExp(`${label}\\s+\\?`));
    expect(screen).not.toMatch(/\[[▲▼■]\]/);
    expect(screen).toMatch(/driver\s+(lost|degraded) \(MODBUS_TIMEOUT\)/);
    expect(screen).toMatch(/errors\s+MODBUS_TIMEOUT \d+/);
  }, 30_000);

  it('q gives the terminal back and exits 0', async () => {
    term!.type('q');
    await term!.waitFor(/\[exit 0\]/, 10_000, 'history');
    expect(term!.screen()).not.toMatch(/position/); // the alternate screen is gone
    term!.kill();
  }, 20_000);

  it('without a running gateway reads the bus itself and says so on screen', async () => {
    await stopChild(gateway!, 'SIGTERM');
    gateway = undefined;
    slave = await startSlave(pair.a);
    term = Terminal.start(tmp.dir, `${sh(process.execPath)} ${sh(CLI)} diag live --config ${sh(configFile)} --lang en`);
    await term.waitFor(/reading the bus directly \(read-only\): no running gateway answers on/);
    await term.waitFor(/position\s+\d+ mm/);
    expect(term.screen()).toMatch(/bus read by this tool/);
    term.type('q');
    await term.waitFor(/\[exit 0\]/, 10_000, 'history');
  }, 40_000);
});
