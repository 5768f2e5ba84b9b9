import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import type { UpgradeState } from '../../src/contract/upgrade.js';
import { recover } from '../../src/install/recover.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `elevgw upgrade --recover` on a gateway tree (--root) laid out by hand as an upgrade that died
 * at each phase would leave it: two releases, `current`, the unfinished state file. The whole path
 * with real releases, a killed upgrade and the gateway's report is test/install/upgrade.test.ts.
 */
let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
const R = (p: string) => join(tmp.dir, p);
const ID = '01JD00000000000000000000AA';

beforeEach(() => {
  tmp = tempDir('elevgw-recover-');
  for (const v of ['1.0.0', '1.1.0']) mkdirSync(R(`opt/elevgw/releases/${v}`), { recursive: true });
  mkdirSync(R('var/lib/elevgw/upgrade'), { recursive: true });
  mkdirSync(R('etc/elevgw'), { recursive: true });
  writeFileSync(R('etc/elevgw/site.yaml'), 'not read unless an outbox backup is there\n');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  vi.unstubAllEnvs();
  tmp.cleanup();
});

function installed(current: string, state: Partial<UpgradeState> & Pick<UpgradeState, 'phase'>): void {
  symlinkSync(`releases/${current}`, R('opt/elevgw/current'));
  const at = '2026-12-08T01:00:00.000Z';
  const s = { v: 1, id: ID, from: '1.0.0', to: '1.1.0', startedAt: at, steps: [{ phase: 'started', at }], ...state };
  writeFileSync(R(`var/lib/elevgw/upgrade/${ID}.json`), JSON.stringify(s));
}

const stateFile = () => JSON.parse(readFileSync(R(`var/lib/elevgw/upgrade/${ID}.json`), 'utf8')) as UpgradeState;
const current = () => readlinkSync(R('opt/elevgw/current'));
const releases = () => readdirSync(R('opt/elevgw/releases')).sort();
const calls = () => (existsSync(R('.elevgw-install.log')) ? readFileSync(R('.elevgw-install.log'), 'utf8') : '');

/** As the unit's ExecStartPre runs it: no systemctl, no gate. */
const atStart = () =>
  recover({
    root: tmp.dir,
    config: '/etc/elevgw/site.yaml',
    serviceStarting: true,
    windowMs: 1000,
    clock: new FakeClock(),
    health: async () => ({ healthy: false, detail: 'not asked' }),
  });

describe('elevgw upgrade --recover', () => {
  it('interrupted before the swap: refused, nothing changed, its staging directory removed', async () => {
    installed('1.0.0', { phase: 'started' });
    mkdirSync(R('opt/elevgw/releases/.staging.abc123/elevgw-1.1.0-linux-x64'), { recursive: true });
    const [s] = (await atStart()) as UpgradeState[];
    expect(s).toMatchObject({ outcome: 'refused', failedStep: 'stage', phase: 'refused' });
    expect(s!.reason).toMatch(/^interrupted: its process ended during the stage step/);
    expect(stateFile()).toMatchObject({ outcome: 'refused', finishedAt: expect.any(String) });
    expect(current()).toBe('releases/1.0.0');
    expect(releases()).toEqual(['1.0.0', '1.1.0']);
    expect(calls()).not.toMatch(/^systemctl/m);
  });

  it('interrupted after the restart: the previous release is current again, the one it unpacked removed', async () => {
    installed('1.1.0', { phase: 'restarted', unpacked: true });
    const [s] = (await atStart()) as UpgradeState[];
    expect(s).toMatchObject({ outcome: 'rolled-back', failedStep: 'health' });
    expect(s!.reason).toMatch(/; finished at the next start of the service$/);
    expect(current()).toBe('releases/1.0.0');
    expect(releases()).toEqual(['1.0.0']);
    expect(stateFile().steps.map((x) => x.phase)).toEqual(['started', 'rolling-back', 'rolled-back']);
    expect(calls()).toContain('logger -t elevgw-upgrade -p daemon.warning -- 1.0.0 → 1.1.0 was interrupted at restarted; 1.1.0 is current, 1.0.0 goes back');
    expect(calls()).not.toMatch(/^systemctl/m); // the service is in its own start
    expect(await atStart()).toEqual([]); // finished: the next start has nothing to do
  });

  it('keeps a release the upgrade did not unpack (it was the kept previous one), and finishes a rollback cut short', async () => {
    installed('1.1.0', { phase: 'rolling-back', unpacked: false, failedStep: 'health', reason: 'not healthy within 60 s of the restart' });
    const [s] = (await atStart()) as UpgradeState[];
    expect(s).toMatchObject({ outcome: 'rolled-back', failedStep: 'health' });
    expect(s!.reason).toMatch(/^not healthy within 60 s of the restart; the rollback was interrupted: its process ended during the rollback step/);
    expect(current()).toBe('releases/1.0.0');
    expect(releases()).toEqual(['1.0.0', '1.1.0']);
  });

  it('by hand: stops the service, puts the previous release back, starts it and gates it', async () => {
    const fake = R('fake-systemctl');
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = is-active ] && echo active\nexit 0\n');
    chmodSync(fake, 0o755);
    vi.stubEnv('ELEVGW_FAKE_SYSTEMCTL', fake);
    installed('1.1.0', { phase: 'swapped', unpacked: true });
    const clock = new FakeClock();
    const asked: string[] = [];
    let done = false;
    const p = recover({
      root: tmp.dir,
      config: '/etc/elevgw/site.yaml',
      serviceStarting: false,
      windowMs: 5000,
      clock,
      health: async () => {
        asked.push(current());
        return { healthy: true, detail: 'healthy', version: '1.0.0' };
      },
    }).finally(() => (done = true));
    while (!done) await clock.advanceAsync(1000);
    const [s] = (await p) as UpgradeState[];
    expect(s).toMatchObject({ outcome: 'rolled-back', failedStep: 'restart' });
    // What the platform reads in the `upgrade` event says who finished it.
    expect(s!.reason).toMatch(/^interrupted: its process ended during the restart step .*; finished by elevgw upgrade --recover$/);
    expect(calls().match(/^systemctl .*$/gm)).toEqual(['systemctl stop elevgw.service', 'systemctl start elevgw.service']);
    expect(asked.length).toBeGreaterThanOrEqual(5);
    expect(new Set(asked)).toEqual(new Set(['releases/1.0.0']));
  });

  it('leaves an upgrade that still runs alone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'elevgw', 'upgrade'], { stdio: 'ignore' });
    children.push(child);
    await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
    installed('1.1.0', { phase: 'restarted', unpacked: true });
    writeFileSync(R('opt/elevgw/.upgrade.lock'), `${child.pid} ${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`);
    expect(await atStart()).toEqual({ running: child.pid });
    expect(current()).toBe('releases/1.1.0');
    expect(stateFile().outcome).toBeUndefined();
  });
});
