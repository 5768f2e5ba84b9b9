import { describe, expect, it } from 'vitest';
import type { Level } from '../../drivers/gpio/lines.js';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import { FakeI2cBus } from '../../drivers/retrofit/fake-i2c.js';
import { MPU6050 } from '../../drivers/retrofit/sensors/mpu6050.js';
import type { ContactSource, I2cDevice, RetrofitLink } from '../../drivers/retrofit/i2c.js';
import type { RawPoint } from '../../drivers/types.js';
import type { RetrofitBoardProfile } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { Bmp280Device } from '../../src/sim/raw-sensors/bmp280-device.js';
import { Mpu6050Device } from '../../src/sim/raw-sensors/mpu6050-device.js';
import { type RetrofitBoardId, retrofitBoard } from './rig.js';

/**
 * The retrofit box's driver as a technician meets it: which points each poll gives, when a
 * sensor's values turn bad or stale, when the box counts as lost, and the journal lines it
 * writes. Over a link driven by hand, so the test decides when a contact changes, when a sensor
 * stops answering and when the box goes away.
 */

type Line = { level: number; msg: string; code?: string; board?: string; via?: string; link?: string };

/** A box link whose contacts, loss and closing the test controls. */
class HandLink implements RetrofitLink {
  readonly description = 'hand box';
  readonly bus: FakeI2cBus;
  readonly contacts = new Map<string, (level: Level) => void>();
  closes = 0;
  private readonly lostCallbacks: ((reason: string) => void)[] = [];

  constructor(
    devices: Map<number, I2cDevice>,
    /** The level each contact reports when watched; a contact not listed never reports. */
    private readonly levels: Map<string, Level>,
    private readonly watchFails?: Error,
  ) {
    this.bus = new FakeI2cBus(devices);
  }

  async watch(source: ContactSource, onLevel: (level: Level) => void): Promise<void> {
    if (this.watchFails) throw this.watchFails;
    const key = 'line' in source ? `line ${source.line}` : `pin ${source.pin}`;
    this.contacts.set(key, onLevel);
    const level = this.levels.get(key);
    if (level !== undefined) onLevel(level);
  }

  onLost(callback: (reason: string) => void): void {
    this.lostCallbacks.push(callback);
  }

  lose(reason: string): void {
    for (const cb of this.lostCallbacks) cb(reason);
  }

  async close(): Promise<void> {
    this.closes++;
  }
}

interface RigOptions {
  board?: RetrofitBoardId;
  /** Changes to the built-in profile. */
  edit?: (b: RetrofitBoardProfile) => RetrofitBoardProfile;
  /** Contacts that never report a level. */
  silent?: string[];
  /** What each open does instead of opening (in order; then opens normally). */
  opens?: (() => Promise<never>)[];
  watchFails?: Error;
}

function rig(o: RigOptions = {}) {
  const base = retrofitBoard(o.board ?? 'retrofit-pi-i2c-sensorbox');
  const board = o.edit ? o.edit(base) : base;
  const baro = new Bmp280Device();
  const accel = new Mpu6050Device();
  const devices = new Map<number, I2cDevice>([
    [0x76, baro],
    [0x68, accel],
  ]);
  const levels = new Map<string, Level>();
  for (const p of board.points) {
    const s = p.source;
    if ('line' in s && !o.silent?.includes(p.name)) levels.set(`line ${s.line}`, 1);
    if ('pin' in s && !o.silent?.includes(p.name)) levels.set(`pin ${s.pin}`, 1);
  }
  const links: HandLink[] = [];
  const opens = [...(o.opens ?? [])];
  const lines: Line[] = [];
  const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as Line) } });
  const clock = new FakeClock(5000);
  const driver = new RetrofitDriver({
    board,
    clock,
    logger,
    reopenMinMs: 1000,
    reopenMaxMs: 1000,
    connect: async () => {
      const instead = opens.shift();
      if (instead) return instead();
      const link = new HandLink(devices, levels, o.watchFails);
      links.push(link);
      return link;
    },
  });
  const link = () => links.at(-1)!;
  const warnings = () => lines.filter((l) => l.level === 40).map((l) => `${l.code} ${l.msg}`);
  return { board, baro, accel, devices, links, link, lines, warnings, clock, driver };
}

const byPoint = (points: RawPoint[]) => {
  const m: Record<string, string[]> = {};
  for (const p of points) {
    const seen = m[p.point] ?? [];
    seen.push(p.quality === 'bad' ? 'bad' : typeof p.value === 'boolean' ? String(p.value) : 'n');
    m[p.point] = seen;
  }
  return m;
};
const nack: I2cDevice = {
  read: () => {
    throw new Error('nack');
  },
  write: () => undefined,
};
/** Lets a background open (microtasks only, over the in-memory bus) run to its end. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
const CONTACTS = ['doorClosed', 'zoneUpper', 'zoneLower', 'pir', 'alarm', 'inspection', 'mains'];

describe('retrofit box: which points a poll gives', () => {
  it('polls only the group asked for; a group the profile does not have reads nothing', async () => {
    const r = rig({
      edit: (b) => ({
        ...b,
        pollGroups: [
          { name: 'motion', intervalMs: 20 },
          { name: 'sensors', intervalMs: 100 },
        ],
        points: b.points.map((p) => (p.name === 'accel' ? { ...p, group: 'motion' } : p)),
      }),
    });
    await r.driver.open();
    r.accel.push([0, 0, 9.80665]);
    r.baro.convert(101_000, 20);
    r.clock.advance(20);
    expect(Object.keys(byPoint(await r.driver.poll('motion')))).toEqual(['accel']);
    expect(Object.keys(byPoint(await r.driver.poll('sensors')))).toEqual(['pressure', 'baroTemp', ...CONTACTS]);
    expect(await r.driver.poll('nothing')).toEqual([]);
  });

  it('a group of contacts only reads them without touching the I²C bus, even with both sensors gone', async () => {
    const r = rig({
      edit: (b) => ({
        ...b,
        pollGroups: [...b.pollGroups, { name: 'contacts', intervalMs: 50 }],
        points: b.points.map((p) => ('sensor' in p.source ? p : { ...p, group: 'contacts' })),
      }),
    });
    await r.driver.open();
    r.link().bus.unplug();
    r.clock.advance(50);
    const before = r.link().bus.transactions;
    expect(byPoint(await r.driver.poll('contacts'))).toEqual(Object.fromEntries(CONTACTS.map((c) => [c, ['false']])));
    expect(r.link().bus.transactions).toBe(before);
    expect(r.driver.health().state).toBe('ok');
  });

  it('a contact that never reported its level reads bad; a level reported again is not an edge', async () => {
    const r = rig({ silent: ['pir'] });
    await r.driver.open();
    r.clock.advance(30);
    r.link().contacts.get('line 27')!(0);
    r.link().contacts.get('line 27')!(0);
    r.clock.advance(70);
    const points = await r.driver.poll('sensors');
    expect(points.filter((p) => p.point === 'pir')).toEqual([{ point: 'pir', value: 0, at: 5100, quality: 'bad' }]);
    expect(points.filter((p) => p.point === 'zoneUpper')).toEqual([
      { point: 'zoneUpper', value: true, at: 5030, quality: 'good' },
      { point: 'zoneUpper', value: true, at: 5100, quality: 'good' },
    ]);
  });

  it('a contact wired active-high reads its level as it is', async () => {
    const r = rig({ edit: (b) => ({ ...b, points: b.points.map((p) => (p.name === 'mains' ? { ...p, source: { line: 5, activeLow: false } } : p)) }) });
    await r.driver.open();
    r.clock.advance(100);
    const points = await r.driver.poll('sensors');
    expect(points.filter((p) => p.point === 'mains').map((p) => p.value)).toEqual([true]);
    expect(points.filter((p) => p.point === 'doorClosed').map((p) => p.value)).toEqual([false]);
  });

  it('an accelerometer mounted upside down (invert) reads gravity the right way up', async () => {
    const r = rig({ edit: (b) => ({ ...b, sensors: { ...b.sensors, accelerometer: { ...b.sensors.accelerometer, invert: true } } }) });
    await r.driver.open();
    r.accel.push([0, 0, -9.80665]);
    r.clock.advance(100);
    const accel = (await r.driver.poll('sensors')).filter((p) => p.point === 'accel');
    expect(accel).toHaveLength(1);
    expect(accel[0]!.value).toBeCloseTo(9.80665, 2);
  });
});

describe('retrofit box: the barometer', () => {
  it('before its first conversion gives no pressure and no temperature, and is not bad', async () => {
    const r = rig();
    await r.driver.open();
    r.clock.advance(100);
    const m = byPoint(await r.driver.poll('sensors'));
    expect([m.pressure, m.baroTemp]).toEqual([undefined, undefined]);
    expect(r.driver.health().state).toBe('ok');
  });

  it('gives the temperature of its latest conversion at every poll, the pressure only when new', async () => {
    const r = rig();
    await r.driver.open();
    r.baro.convert(101_000, 21.5);
    r.clock.advance(100);
    const first = await r.driver.poll('sensors');
    expect(first.find((p) => p.point === 'baroTemp')).toMatchObject({ at: 5100, quality: 'good' });
    expect(first.find((p) => p.point === 'baroTemp')!.value).toBeCloseTo(21.5, 1);
    expect(first.find((p) => p.point === 'pressure')!.value).toBeGreaterThan(100_900);
    r.clock.advance(100);
    const second = await r.driver.poll('sensors');
    expect(second.filter((p) => p.point === 'pressure')).toEqual([]);
    expect(second.filter((p) => p.point === 'baroTemp')).toMatchObject([{ at: 5100, quality: 'good' }]);
  });

  it('one NACK is retried; a sensor that does not answer twice reads bad, the box degraded', async () => {
    const r = rig();
    await r.driver.open();
    r.baro.convert(101_000, 20);
    let refusals = 1;
    const baro = r.baro;
    r.link().bus.attach(0x76, { read: (reg, n) => (refusals-- > 0 ? nack.read(reg, n) : baro.read(reg, n)), write: () => undefined });
    r.clock.advance(100);
    expect(byPoint(await r.driver.poll('sensors')).pressure).toEqual(['n']);
    expect(r.driver.health()).toMatchObject({ state: 'ok', failures: 0 });
    r.link().bus.attach(0x76, nack);
    r.clock.advance(100);
    expect(byPoint(await r.driver.poll('sensors'))).toMatchObject({ pressure: ['bad'], baroTemp: ['bad'], pir: ['false'] });
    expect(r.driver.health()).toMatchObject({
      state: 'degraded',
      lastErrorCode: 'I2C_IO',
      lastError: 'retrofit box retrofit-pi-i2c-sensorbox: barometer: nack',
    });
    expect(r.lines.find((l) => l.level === 40)).toMatchObject({ board: 'retrofit-pi-i2c-sensorbox', code: 'I2C_IO' });
  });
});

describe('retrofit box: stale sensors', () => {
  it('an accelerometer without samples reads nothing for staleAfterMs, then bad', async () => {
    const r = rig();
    await r.driver.open();
    r.baro.convert(101_000, 20);
    r.clock.advance(1000); // exactly staleAfterMs since the box opened
    expect(byPoint(await r.driver.poll('sensors')).accel).toBeUndefined();
    expect(r.driver.health().state).toBe('ok');
    r.clock.advance(1);
    r.baro.convert(101_010, 20);
    expect(byPoint(await r.driver.poll('sensors')).accel).toEqual(['bad']);
    expect(r.driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'I2C_STALE', lastError: 'no new sample from the accelerometer' });
    r.accel.push([0, 0, 9.80665]);
    r.baro.convert(101_020, 20);
    r.clock.advance(100);
    expect(byPoint(await r.driver.poll('sensors')).accel).toEqual(['n']);
    expect(r.driver.health().state).toBe('ok');
  });

  it('a barometer that stops converting reads bad after staleAfterMs, its temperature too', async () => {
    const r = rig();
    await r.driver.open();
    r.baro.convert(101_000, 20);
    r.accel.push([0, 0, 9.80665]);
    r.clock.advance(100);
    expect(byPoint(await r.driver.poll('sensors'))).toMatchObject({ pressure: ['n'], baroTemp: ['n'] });
    r.clock.advance(1000); // the last conversion exactly staleAfterMs old
    r.accel.push([0, 0, 9.80665]);
    expect(byPoint(await r.driver.poll('sensors'))).toMatchObject({ baroTemp: ['n'] });
    expect(r.driver.health().state).toBe('ok');
    r.clock.advance(1);
    r.accel.push([0, 0, 9.80665]);
    expect(byPoint(await r.driver.poll('sensors'))).toMatchObject({ pressure: ['bad'], baroTemp: ['bad'], accel: ['n'] });
    expect(r.driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'I2C_STALE', lastError: 'no new sample from the barometer' });
  });

  it('both stale: one line naming both, then quiet while it lasts; stale again after a recovery is a new failure', async () => {
    const r = rig();
    await r.driver.open();
    for (let i = 0; i < 3; i++) {
      r.clock.advance(1001);
      await r.driver.poll('sensors');
    }
    expect(r.driver.health()).toMatchObject({ state: 'degraded', failures: 1, errorsByCode: { I2C_STALE: 1 }, lastError: 'no new sample from the accelerometer, barometer' });
    expect(r.warnings()).toEqual(['I2C_STALE no new sample from the accelerometer, barometer']);
    r.accel.push([0, 0, 9.80665]);
    r.baro.convert(101_000, 20);
    r.clock.advance(100);
    await r.driver.poll('sensors');
    expect(r.driver.health()).toMatchObject({ state: 'ok', lastErrorCode: 'I2C_STALE' });
    r.clock.advance(1001);
    await r.driver.poll('sensors');
    expect(r.driver.health()).toMatchObject({ state: 'degraded', failures: 2, errorsByCode: { I2C_STALE: 2 } });
  });

  it('a sensor failing then stale is a new trouble with its own code', async () => {
    const r = rig();
    await r.driver.open();
    r.baro.convert(101_000, 20);
    r.link().bus.attach(0x76, nack);
    r.accel.push([0, 0, 9.80665]);
    r.clock.advance(100);
    await r.driver.poll('sensors');
    expect(r.driver.health().lastErrorCode).toBe('I2C_IO');
    r.link().bus.attach(0x76, r.baro); // answers again, but the accelerometer has stopped
    r.clock.advance(1001);
    await r.driver.poll('sensors');
    expect(r.driver.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'I2C_STALE', errorsByCode: { I2C_IO: 1, I2C_STALE: 1 } });
  });
});

describe('retrofit box: the accelerometer FIFO', () => {
  it('keeps successive reads spaced by the period, and starts afresh after the FIFO was reset', async () => {
    const r = rig();
    await r.driver.open();
    let garbage = false;
    const chip = r.accel;
    // A FIFO count no FIFO holds (noise on the bus) once: the driver resets the FIFO, its samples are gone.
    r.link().bus.attach(0x68, {
      read: (reg, n) => {
        if (!garbage || reg !== MPU6050.FIFO_COUNT) return chip.read(reg, n);
        garbage = false;
        return Uint8Array.of(0xff, 0xff);
      },
      write: (reg, bytes) => chip.write(reg, bytes),
    });
    const times = async (n: number, at: number) => {
      for (let i = 0; i < n; i++) chip.push([0, 0, 9.80665]);
      r.clock.advance(at - r.clock.now());
      return (await r.driver.poll('sensors')).filter((p) => p.point === 'accel').map((p) => p.at);
    };
    // Each sample 10 ms before its period's end (the low-pass's delay), spaced by the 20 ms period.
    expect(await times(5, 5100)).toEqual([5010, 5030, 5050, 5070, 5090]);
    // Read 5 ms late: the sequence goes on from the last sample, nudged 0.5 ms towards the read time.
    expect(await times(5, 5205)).toEqual([5110.5, 5130.5, 5150.5, 5170.5, 5190.5]);
    expect(await times(1, 5225)).toEqual([5210.95]); // 4.5 ms behind: a tenth of it
    garbage = true;
    expect(await times(1, 5245)).toEqual([]);
    // The sample read next is the newest: stamped from its read time, not after the ones reset away.
    expect(await times(1, 5265)).toEqual([5255]);
  });
});

describe('retrofit box: lost and reopened', () => {
  it('a Firmata box opened in the background (the service start): polls read bad while its handshake is pending, then it is retried', async () => {
    let timeOut: (e: Error) => void = () => undefined;
    const handshake = () => new Promise<never>((_, reject) => (timeOut = reject));
    const r = rig({ board: 'retrofit-firmata-sensorbox', opens: [handshake] });
    r.driver.openInBackground();
    const points = await r.driver.poll('sensors');
    expect(points.every((p) => p.quality === 'bad')).toBe(true);
    expect(r.driver.health().state).toBe('lost');
    timeOut(new Error('no Firmata handshake within 10000 ms'));
    await settled();
    expect(r.driver.health().lastError).toMatch(/no Firmata handshake within 10000 ms/);
    r.clock.advance(1000);
    await r.driver.poll('sensors');
    await settled();
    expect(r.links).toHaveLength(1);
    expect(r.driver.health().link).toBe('open');
  });

  it("the Pi's own bus opened in the background: its first poll waits for it and reads", async () => {
    const r = rig();
    r.driver.openInBackground();
    const points = byPoint(await r.driver.poll('sensors'));
    expect(CONTACTS.map((c) => points[c])).not.toContainEqual(['bad']);
    expect(r.driver.health().link).toBe('open');
  });

  it('nothing answering is a lost box: every point bad, the link closed, one line naming each sensor', async () => {
    const r = rig();
    await r.driver.open();
    r.link().bus.unplug();
    r.clock.advance(100);
    const points = await r.driver.poll('sensors');
    expect(points.map((p) => p.quality)).toEqual(Array(10).fill('bad'));
    expect(r.driver.health()).toMatchObject({
      state: 'lost',
      lastErrorCode: 'I2C_IO',
      lastError:
        'retrofit box retrofit-pi-i2c-sensorbox: no sensor answers (accelerometer: i2c read at 0x68: no acknowledge (EREMOTEIO); barometer: i2c read at 0x76: no acknowledge (EREMOTEIO))',
    });
    expect(r.link().closes).toBe(1);
  });

  it('a box lost in the middle of a poll gives that poll nothing good', async () => {
    const r = rig();
    await r.driver.open();
    const baro = r.baro;
    r.link().bus.attach(0x76, {
      read: (reg, n) => {
        r.link().lose('usb unplugged');
        return baro.read(reg, n);
      },
      write: () => undefined,
    });
    r.clock.advance(100);
    const points = await r.driver.poll('sensors');
    expect(points).toHaveLength(10);
    expect(points.every((p) => p.quality === 'bad' && p.at === 5100)).toBe(true);
    expect(r.driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'I2C_IO', lastError: 'hand box lost: usb unplugged' });
  });

  it("a Firmata box's loss has its own code, and an old link's late word does not lose the new one", async () => {
    const r = rig({ board: 'retrofit-firmata-sensorbox' });
    await r.driver.open();
    const old = r.link();
    old.lose('serial port closed');
    expect(r.driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'FIRMATA_IO', lastError: 'hand box lost: serial port closed' });
    r.clock.advance(1000);
    expect(byPoint(await r.driver.poll('sensors')).pir).toEqual(['bad']); // starts the reopen in the background
    await settled();
    expect(r.links).toHaveLength(2);
    r.accel.push([0, 0, 9.80665]);
    r.baro.convert(101_000, 20);
    r.clock.advance(100);
    await r.driver.poll('sensors');
    expect(r.driver.health().state).toBe('ok');
    old.lose('serial port closed');
    expect(r.driver.health().state).toBe('ok');
    expect(r.links[1]!.closes).toBe(0);
  });

  it('a Firmata box opening never holds a poll up; the Pi bus is waited for', async () => {
    let resolveOpen!: () => void;
    const pending = () => new Promise<never>((_, reject) => (resolveOpen = () => reject(new Error('no answer from the board'))));
    const firmata = rig({ board: 'retrofit-firmata-sensorbox', opens: [pending] });
    const points = await firmata.driver.poll('sensors');
    expect(points.map((p) => p.quality)).toEqual(Array(10).fill('bad'));
    expect(firmata.driver.health().state).toBe('lost');
    resolveOpen();
    await firmata.driver.close();

    const pi = rig();
    const polled = await pi.driver.poll('sensors'); // no open(): the first poll opens the bus
    expect(pi.links).toHaveLength(1);
    expect(byPoint(polled).pir).toEqual(['false']);
  });

  it('an open that fails is logged with the board and a code for its transport', async () => {
    const fail = () => Promise.reject(new Error('ENOENT /dev/ttyUSB0'));
    const firmata = rig({ board: 'retrofit-firmata-sensorbox', opens: [fail] });
    await firmata.driver.open();
    expect(firmata.driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'FIRMATA_IO', lastError: 'open retrofit box retrofit-firmata-sensorbox: ENOENT /dev/ttyUSB0' });
    expect(firmata.lines.find((l) => l.level === 40)).toMatchObject({ board: 'retrofit-firmata-sensorbox', code: 'FIRMATA_IO' });
    const pi = rig({ opens: [fail] });
    await pi.driver.open();
    expect(pi.driver.health()).toMatchObject({ lastErrorCode: 'I2C_IO', lastError: 'open retrofit box retrofit-pi-i2c-sensorbox: ENOENT /dev/ttyUSB0' });
  });

  it("a set-up that fails closes the link, coded as its transport's; an open box is logged once with its way in", async () => {
    const r = rig({ watchFails: new Error('line 17 busy') });
    await r.driver.open();
    expect(r.driver.health()).toMatchObject({ state: 'lost', lastErrorCode: 'I2C_IO', lastError: 'open retrofit box retrofit-pi-i2c-sensorbox: line 17 busy' });
    expect(r.link().closes).toBe(1);
    const firmata = rig({ board: 'retrofit-firmata-sensorbox', watchFails: new Error('pin 2: no answer to the pin mode') });
    await firmata.driver.open();
    expect(firmata.driver.health()).toMatchObject({ lastErrorCode: 'FIRMATA_IO', lastError: 'open retrofit box retrofit-firmata-sensorbox: pin 2: no answer to the pin mode' });
    expect(firmata.link().closes).toBe(1);
    const chip = rig();
    chip.devices.set(0x68, { read: () => Uint8Array.of(0x12), write: () => undefined });
    await chip.driver.open();
    expect(chip.driver.health()).toMatchObject({ lastErrorCode: 'SENSOR_INVALID', lastError: expect.stringMatching(/no MPU-6050 at 0x68: WHO_AM_I 0x12/) });
    const ok = rig();
    await ok.driver.open();
    expect(ok.lines.filter((l) => l.msg === 'retrofit box connected')).toEqual([expect.objectContaining({ board: 'retrofit-pi-i2c-sensorbox', via: 'hand box' })]);
    await ok.driver.close();
    expect(ok.link().closes).toBe(1);
  });
});
