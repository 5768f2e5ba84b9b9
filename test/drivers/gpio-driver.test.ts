import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Debouncer } from '../../drivers/gpio/debounce.js';
import { GpioDriver } from '../../drivers/gpio/driver.js';
import { FakeGpioLines } from '../../drivers/gpio/fake-lines.js';
import type { Level } from '../../drivers/gpio/lines.js';
import { loadOnoffLines } from '../../drivers/gpio/onoff-lines.js';
import type { RawPoint } from '../../drivers/types.js';
import { gpioBoardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { isElevgwError } from '../../src/core/errors.js';
import { createLogger, silentLogger } from '../../src/core/log.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'pi-gpio-sensorbox.yaml'), 'gpio');
const LINE = { doorClosed: 17, zoneUpper: 27, zoneLower: 22, pir: 23, alarm: 24, inspection: 25, mains: 5 } as const;
/** Opto inputs idle high (pull-up): every contact open, mains absent. */
const idle = (): Record<number, Level> => Object.fromEntries(Object.values(LINE).map((l) => [l, 1]));
const values = (points: RawPoint[]) => Object.fromEntries(points.map((p) => [p.point, p.value]));

let driver: GpioDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function started(lines = new FakeGpioLines(idle()), b = board) {
  const clock = new FakeClock(0);
  driver = new GpioDriver({ board: b, lines: async () => lines, clock, logger: silentLogger, reopenMinMs: 1000 });
  await driver.open();
  return { lines, clock, driver };
}

describe('GPIO driver (pi-gpio-sensorbox profile, fake lines)', () => {
  it('reads the contacts active-low from the levels at start', async () => {
    const { driver: d } = await started(new FakeGpioLines({ ...idle(), [LINE.doorClosed]: 0, [LINE.mains]: 0 }));
    const points = await d.poll('inputs');
    expect(points.every((p) => p.quality === 'good')).toBe(true);
    expect(values(points)).toMatchObject({ doorClosed: true, mains: true, pir: false, alarm: false, zoneUpper: false });
    expect(d.health().state).toBe('ok');
  });

  it('given a bouncing door contact, reports the new level only once it has held for debounceMs', async () => {
    const { lines, clock, driver: d } = await started();
    for (const level of [0, 1, 0, 1, 0] as Level[]) {
      lines.set(LINE.doorClosed, level);
      clock.advance(3);
    }
    expect(values(await d.poll('inputs')).doorClosed).toBe(false); // last edge 3 ms ago, debounce 30 ms
    clock.advance(26);
    expect(values(await d.poll('inputs')).doorClosed).toBe(false);
    clock.advance(1);
    expect(values(await d.poll('inputs')).doorClosed).toBe(true);
  });

  it('ignores a glitch shorter than the debounce time', async () => {
    const { lines, clock, driver: d } = await started();
    lines.set(LINE.pir, 0);
    clock.advance(60);
    lines.set(LINE.pir, 1);
    clock.advance(500);
    expect(values(await d.poll('inputs')).pir).toBe(false);
  });

  it('sees a debounced change that came and went between two polls only as its last level', async () => {
    const { lines, clock, driver: d } = await started();
    lines.set(LINE.alarm, 0);
    clock.advance(80);
    lines.set(LINE.alarm, 1);
    clock.advance(80);
    expect(values(await d.poll('inputs')).alarm).toBe(false);
  });

  it('latches a debounced edge for one poll: the press with edge: rising, the release with edge: falling', async () => {
    const pulses = gpioBoardSchema().parse({
      id: 'pulses',
      transport: 'gpio',
      pollGroups: [{ name: 'g', intervalMs: 100 }],
      points: [
        { name: 'level', group: 'g', source: { line: 4, activeLow: true, debounceMs: 10 } },
        { name: 'presses', group: 'g', source: { line: 4, activeLow: true, debounceMs: 10, edge: 'rising' } },
        { name: 'releases', group: 'g', source: { line: 4, activeLow: true, debounceMs: 10, edge: 'falling' } },
      ],
    });
    const { lines, clock, driver: d } = await started(new FakeGpioLines({ 4: 1 }), pulses);
    lines.set(4, 0);
    clock.advance(20);
    lines.set(4, 1);
    clock.advance(20);
    expect(values(await d.poll('g'))).toEqual({ level: false, presses: true, releases: true });
    expect(values(await d.poll('g'))).toEqual({ level: false, presses: false, releases: false });
    lines.set(4, 0);
    clock.advance(20);
    expect(values(await d.poll('g'))).toEqual({ level: true, presses: true, releases: false });
    lines.set(4, 1);
    clock.advance(20);
    expect(values(await d.poll('g'))).toEqual({ level: false, presses: false, releases: true });
  });

  it('given a line interrupt error, releases the lines, reads bad, and opens them again after the back-off with the level as it is then', async () => {
    const { lines, clock, driver: d } = await started();
    lines.fail(LINE.inspection, new Error('EIO reading value'));
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'GPIO_IO', link: 'lost' });
    expect(lines.exported.size).toBe(0);
    lines.set(LINE.inspection, 0);
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    clock.advance(1000); // reopenMinMs
    expect(values(await d.poll('inputs')).inspection).toBe(true);
    expect(d.health()).toMatchObject({ state: 'ok', link: 'open' });
  });

  it('retries lines held by another process with back-off, without throwing', async () => {
    const lines = new FakeGpioLines(idle());
    lines.failNextInput = Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
    const { clock, driver: d } = await started(lines);
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'GPIO_IO' });
    expect((await d.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    expect(lines.exported.size).toBe(0);
    clock.advance(1000);
    expect((await d.poll('inputs')).every((p) => p.quality === 'good')).toBe(true);
    expect(lines.exported.size).toBe(Object.keys(LINE).length);
  });
});

describe('GPIO without the optional onoff package', () => {
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'onoff'"), { code: 'ERR_MODULE_NOT_FOUND' }));

  it('reports health lost with a clear error instead of crashing, and keeps trying', async () => {
    const clock = new FakeClock(0);
    let imports = 0;
    driver = new GpioDriver({
      board,
      lines: () => {
        imports++;
        return loadOnoffLines({ importOnoff: missing });
      },
      clock,
      logger: silentLogger,
      reopenMinMs: 1000,
    });
    await driver.open();
    expect(driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'GPIO_UNAVAILABLE' });
    expect(driver.health().lastError).toMatch(/optional package "onoff" \(npm install onoff\)/);
    expect((await driver.poll('inputs')).every((p) => p.quality === 'bad')).toBe(true);
    clock.advance(1000);
    await driver.poll('inputs');
    expect(imports).toBe(2);
  });
});

describe('GPIO is read-only unless allow-listed', () => {
  it('refuses to drive an input or any unlisted line, and never creates an output', async () => {
    const { lines, driver: d } = await started();
    for (const line of [LINE.doorClosed, 26]) {
      const err = await d.writeLine(line, true).catch((e: unknown) => e);
      expect(isElevgwError(err, 'WRITE_NOT_ALLOWED')).toBe(true);
    }
    expect(lines.outputsRequested).toEqual([]);
  });

  it('drives a line the profile allow-lists, through one output line, and no other', async () => {
    const withRelay = gpioBoardSchema().parse({ ...board, writable: [{ line: 26 }] });
    const { lines, driver: d } = await started(undefined, withRelay);
    await d.writeLine(26, true);
    await d.writeLine(26, false);
    expect(lines.outputsRequested).toEqual([26]);
    expect(lines.written).toEqual([
      { line: 26, level: 1 },
      { line: 26, level: 0 },
    ]);
    const refused = await d.writeLine(12, true).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isElevgwError(refused, 'WRITE_NOT_ALLOWED') && refused.context).toEqual({ board: 'pi-gpio-sensorbox', line: 12 });
    expect((refused as Error).message).toBe('board "pi-gpio-sensorbox" does not allow driving GPIO 12 (writable: [{"line":26}])');
  });

  it('an allow-listed line cannot be driven while the lines are not open: says why', async () => {
    const withRelay = gpioBoardSchema().parse({ ...board, writable: [{ line: 26 }] });
    const lines = new FakeGpioLines(idle());
    lines.failNextInput = Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
    const { driver: d } = await started(lines, withRelay);
    const err = await d.writeLine(26, true).catch((e: unknown) => e);
    expect(isElevgwError(err, 'DRIVER_OPEN_FAILED')).toBe(true);
    expect((err as Error).message).toBe('gpio lines not open: open gpio lines: open lines on fake gpio: EBUSY: resource busy');
    expect(lines.outputsRequested).toEqual([]);
  });

  it('refuses a profile that allow-lists an input line', () => {
    const r = gpioBoardSchema().safeParse({ ...board, writable: [{ line: LINE.doorClosed }] });
    expect(r.error?.issues[0]).toMatchObject({ path: ['writable', 0, 'line'], message: 'line 17 is an input point: an input is never driven' });
  });
});

describe('GPIO driver: what a technician reads', () => {
  it('is a gpio driver; an unknown poll group has no points', async () => {
    const { driver: d } = await started();
    expect(d.kind).toBe('gpio');
    expect(await d.poll('nothing')).toEqual([]);
  });

  it('a poll returns its own group’s points only', async () => {
    const two = gpioBoardSchema().parse({
      ...board,
      pollGroups: [...board.pollGroups, { name: 'slow', intervalMs: 1000 }],
      points: board.points.map((p) => (p.name === 'mains' ? { ...p, group: 'slow' } : p)),
    });
    const { driver: d } = await started(undefined, two);
    expect((await d.poll('slow')).map((p) => p.point)).toEqual(['mains']);
    expect((await d.poll('inputs')).map((p) => p.point)).not.toContain('mains');
  });

  it('lines lost: every point bad and false, health lost with the line and the error, logged', async () => {
    const lines: { msg: string; board?: string; lines?: number[]; via?: string; code?: string }[] = [];
    const clock = new FakeClock(0);
    const fake = new FakeGpioLines(idle());
    driver = new GpioDriver({
      board,
      lines: async () => fake,
      clock,
      logger: createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } }),
      reopenMinMs: 1000,
    });
    await driver.open();
    expect(lines.find((l) => l.msg === 'gpio lines open')).toMatchObject({ board: 'pi-gpio-sensorbox', lines: Object.values(LINE), via: 'fake gpio' });
    fake.fail(LINE.alarm, new Error('EIO reading value'));
    expect(driver.health()).toMatchObject({ lastError: 'GPIO 24: EIO reading value' });
    expect(lines.find((l) => l.code === 'GPIO_IO')).toMatchObject({ board: 'pi-gpio-sensorbox', msg: 'GPIO 24: EIO reading value' });
    const bad = await driver.poll('inputs');
    expect(bad.map((p) => [p.value, p.quality])).toEqual(bad.map(() => [false, 'bad']));
  });
});

describe('debouncer', () => {
  it('a new debouncer has no transition to report', () => {
    expect(new Debouncer(true, 10, 0).takeTransitions(100)).toEqual({ rose: false, fell: false });
  });

  it('an edge repeating the level it is heading for does not restart its time', () => {
    const d = new Debouncer(false, 50, 0);
    d.edge(true, 0);
    d.edge(true, 30);
    expect(d.level(50)).toBe(true);
  });

  it('with debounceMs 0 follows every edge', () => {
    const d = new Debouncer(false, 0, 0);
    d.edge(true, 1);
    expect(d.level(1)).toBe(true);
    expect(d.takeTransitions(1)).toEqual({ rose: true, fell: false });
  });

  it('commits a level held long enough before the next edge, even if nobody looked in between', () => {
    const d = new Debouncer(false, 10, 0);
    d.edge(true, 0);
    d.edge(false, 15); // true held 15 ms ≥ 10 before falling
    expect(d.takeTransitions(15)).toEqual({ rose: true, fell: false });
    expect(d.level(25)).toBe(false);
    expect(d.takeTransitions(25)).toEqual({ rose: false, fell: true });
  });
});
