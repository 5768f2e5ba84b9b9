import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SerialFramedDriver } from '../../drivers/serial/driver.js';
import { systemSerialPorts } from '../../drivers/kernel/serial-port.js';
import type { RawPoint } from '../../drivers/types.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { startSimSerialSensorbox, type SimSerialSensorbox } from '../../src/sim/serial-sensorbox-server.js';
import { tempDir } from '../helpers/tmp.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'), 'serial-framed');
const allGood = (points: RawPoint[]) => points.length > 0 && points.every((p) => p.quality === 'good');
const allBad = (points: RawPoint[]) => points.length > 0 && points.every((p) => p.quality === 'bad');
const waitLong = { timeout: 8000, interval: 20 };

describe('framed serial over a real pty pair (socat): simulator on one end, driver on the other', () => {
  let tmp: ReturnType<typeof tempDir>;
  let pair: PtyPair | undefined;
  let sim: SimSerialSensorbox | undefined;
  let driver: SerialFramedDriver | undefined;

  beforeEach(() => {
    tmp = tempDir('elevgw-pty-');
  });

  afterEach(async () => {
    await driver?.close();
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('reads the virtual elevator; pulling the pty away makes every point bad; a new pty makes them good again, same driver', async () => {
    pair = await startPtyPair(tmp.dir);
    sim = await startSimSerialSensorbox({ path: pair.a, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true, reopenMs: 50 });
    driver = new SerialFramedDriver({
      board,
      connection: { path: pair.b, baudRate: 115200 },
      ports: systemSerialPorts,
      clock: systemClock,
      logger: silentLogger,
      reopenMinMs: 50,
      reopenMaxMs: 200,
    });
    await driver.open();
    const d = driver;
    await vi.waitFor(async () => expect(allGood(await d.poll('fast'))).toBe(true), waitLong);
    const first = Object.fromEntries((await d.poll('fast')).map((p) => [p.point, p.value]));
    expect(first.version).toBe(1);
    expect(first.position).toBe(Math.round(sim.sim.state().positionMm));

    await pair.close('SIGKILL'); // the cable is yanked: both ptys vanish
    // ...and their device nodes with them, as udev removes a yanked adapter's. A dangling link would
    // do in a quiet machine, but another test's socat may be given the freed /dev/pts number at
    // once: the driver would reopen that pty (open, silent: 'degraded', never 'lost').
    rmSync(pair.a, { force: true });
    rmSync(pair.b, { force: true });
    await vi.waitFor(async () => expect(allBad(await d.poll('fast'))).toBe(true), waitLong);
    // Stale frames make the points bad (health 'degraded') before the port's hang-up is seen ('lost').
    await vi.waitFor(async () => {
      await d.poll('fast');
      expect(d.health().state).toBe('lost');
    }, waitLong);

    pair = await startPtyPair(tmp.dir); // plugged back in: new ptys behind the same paths
    await vi.waitFor(async () => expect(allGood(await d.poll('fast'))).toBe(true), waitLong);
    expect(d.health().state).toBe('ok');
    const after = d.stats().frames;
    await vi.waitFor(() => expect(d.stats().frames).toBeGreaterThan(after + 3), waitLong); // 20 Hz keeps coming
    expect(d.stats().checksumErrors).toBe(0);
  });
});
