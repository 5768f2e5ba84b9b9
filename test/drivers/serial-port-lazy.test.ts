import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';

/**
 * A Modbus TCP site never opens a serial port, so `elevgw run` must not carry node-serialport
 * and its native binding (docs/release.md, "Memory of `elevgw run`"). Checked in a fresh Node:
 * the drivers of every transport are imported, and serialport is loaded only when a port is made.
 */
describe('node-serialport is loaded on first use', () => {
  it('is absent after importing the drivers, present once a serial port is made', () => {
    const url = (source: string) => pathToFileURL(built(source)).href;
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/serialport/'));
      await import(${JSON.stringify(url('drivers/factory.ts'))});
      await import(${JSON.stringify(url('drivers/buses.ts'))});
      const ports = await import(${JSON.stringify(url('drivers/kernel/serial-port.ts'))});
      const before = loaded();
      ports.mockBinding.createPort('/dev/lazy-test');
      const port = ports.systemSerialPorts({ path: '/dev/lazy-test-absent', baudRate: 9600 });
      console.log(JSON.stringify({ before, after: loaded(), isOpen: port.isOpen, path: port.path }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true, isOpen: false, path: '/dev/lazy-test-absent' });
  });
});
