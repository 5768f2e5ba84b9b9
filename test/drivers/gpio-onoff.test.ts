import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FieldBuses } from '../../drivers/buses.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { built } from '../helpers/built.js';

/**
 * The GPIO driver with the real onoff package (an optional dependency with a native epoll addon),
 * on a machine without GPIO hardware. Apart from gpio-driver.test.ts, which runs the driver on
 * fake lines: onoff's addon is not safe in worker threads, where mutation testing runs the tests.
 */

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'pi-gpio-sensorbox.yaml'), 'gpio');

describe('onoff is loaded on first use', () => {
  it('is absent after importing the drivers, present once GPIO lines are asked for', () => {
    const url = (source: string) => pathToFileURL(built(source)).href;
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/onoff/'));
      await import(${JSON.stringify(url('drivers/factory.ts'))});
      const { loadOnoffLines } = await import(${JSON.stringify(url('drivers/gpio/onoff-lines.ts'))});
      const before = loaded();
      const error = await loadOnoffLines().then(() => undefined, (e) => e.code);
      console.log(JSON.stringify({ before, after: loaded(), error }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    // No GPIO on this machine: onoff loads, then says the lines are not accessible.
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true, error: 'DRIVER_OPEN_FAILED' });
  });
});

describe('GPIO through the driver factory, on a machine without GPIO hardware', () => {
  it('builds the driver; opening it reports lost instead of throwing', async () => {
    const { createDriver } = await import('../../drivers/factory.js');
    const d = await createDriver({ board, connection: undefined, clock: new FakeClock(0), logger: silentLogger, buses: new FieldBuses() });
    expect(d.kind).toBe('gpio');
    await d.open();
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'GPIO_UNAVAILABLE' });
    expect(d.health().lastError).toMatch(/GPIO is not accessible|gpiochip/);
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    await d.close();
  });
});
