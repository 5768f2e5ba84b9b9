import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';

/**
 * A site whose boards do not need them must not carry the optional native packages: a Modbus TCP
 * site never opens a serial port, so `elevgw run` must not load node-serialport and its binding
 * (docs/release.md, "Memory of `elevgw run`"), and only a GPIO board loads onoff and its epoll
 * addon. Checked in a fresh Node: the drivers of every transport are imported, and the package
 * is loaded only when a port is made or GPIO lines are asked for.
 */

/** Runs `body` in a fresh Node after importing the drivers; `loaded()` says whether `pkg` is in the module cache. */
function inFreshNode(pkg: string, body: string): unknown {
  const url = (source: string) => JSON.stringify(pathToFileURL(built(source)).href);
  const script = `
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/${pkg}/'));
    await import(${url('drivers/factory.ts')});
    await import(${url('drivers/buses.ts')});
    const ports = await import(${url('drivers/kernel/serial-port.ts')});
    const gpio = await import(${url('drivers/gpio/onoff-lines.ts')});
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('optional native packages are loaded on first use', () => {
  it('node-serialport: absent after importing the drivers, present once a serial port is made', () => {
    const seen = inFreshNode(
      'serialport',
      `const before = loaded();
       ports.mockBinding.createPort('/dev/lazy-test');
       const port = ports.systemSerialPorts({ path: '/dev/lazy-test-absent', baudRate: 9600 });
       console.log(JSON.stringify({ before, after: loaded(), isOpen: port.isOpen, path: port.path }));`,
    );
    expect(seen).toEqual({ before: false, after: true, isOpen: false, path: '/dev/lazy-test-absent' });
  });

  it('onoff: absent after importing the drivers, present once GPIO lines are asked for', () => {
    const seen = inFreshNode(
      'onoff',
      `const before = loaded();
       const error = await gpio.loadOnoffLines().then(() => undefined, (e) => e.code);
       console.log(JSON.stringify({ before, after: loaded(), error }));`,
    );
    // No GPIO on this machine: onoff loads, then says the lines are not accessible.
    expect(seen).toEqual({ before: false, after: true, error: 'DRIVER_OPEN_FAILED' });
  });
});
