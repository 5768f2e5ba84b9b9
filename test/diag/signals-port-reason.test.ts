import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPtyPair, stopProcess } from '../../src/sim/pty-pair.js';
import { tempDir } from '../helpers/tmp.js';
import { rtuSiteYaml } from '../interop/site.js';
import { elevgw } from './cli-run.js';

/**
 * docs/diagnostics.md: exit 3 for "a serial port that is missing, not permitted or held by the
 * service". `diag signals` said only "driver lost (MODBUS_IO)" for each; its line now says which,
 * from the driver's last error, so a missing adapter and a port the service holds look different.
 */
describe('diag signals names why the serial port cannot be used', () => {
  const tmp = tempDir('elevgw-signals-port-');
  afterAll(() => tmp.cleanup());
  const site = (path: string, name: string) => tmp.file(name, rtuSiteYaml({ path, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1 }));

  it('a missing port: exit 3, "does not exist"', async () => {
    const run = await elevgw(['diag', 'signals', '--config', site(join(tmp.dir, 'ttyUSB-missing'), 'missing.yaml'), '--count', '1']);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/\| driver lost \(MODBUS_IO: does not exist\)/);
  }, 30_000);

  it('a port another process holds locked: exit 3, "locked by another process"', async () => {
    const pair = await startPtyPair(tmp.dir);
    let holder: ChildProcess | undefined;
    try {
      const lock = 'import fcntl,os,sys,time; fd=os.open(sys.argv[1],os.O_RDWR|os.O_NOCTTY); fcntl.flock(fd,fcntl.LOCK_EX|fcntl.LOCK_NB); print("held",flush=True); time.sleep(60)';
      holder = spawn('/usr/bin/python3', ['-c', lock, pair.b], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => holder!.stdout!.once('data', () => resolve()));
      const run = await elevgw(['diag', 'signals', '--config', site(pair.b, 'locked.yaml'), '--count', '1']);
      expect(run.status).toBe(3);
      expect(run.stdout).toMatch(/\| driver lost \(MODBUS_IO: locked by another process \(the service\?\)\)/);
    } finally {
      if (holder) await stopProcess(holder);
      await pair.close();
    }
  }, 30_000);
});
