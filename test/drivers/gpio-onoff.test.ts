import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FieldBuses } from '../../drivers/buses.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';

/**
 * The GPIO driver with the real onoff package (an optional dependency with a native epoll addon),
 * on a machine without GPIO hardware. Apart from gpio-driver.test.ts, which runs the driver on
 * fake lines: onoff's addon is not safe in worker threads, where mutation testing runs the tests.
 * That onoff loads only when lines are asked for: lazy-natives.test.ts.
 */

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'pi-gpio-sensorbox.yaml'), 'gpio');

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
