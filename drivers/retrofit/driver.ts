import type { RetrofitBoardProfile } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { HealthRecorder } from '../kernel/health.js';
import { LinkSupervisor } from '../kernel/supervisor.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import type { I2cBus, RetrofitConnector, RetrofitLink } from './i2c.js';
import { SampleClock } from './sample-clock.js';
import { type Bmp280Calibration, BMP280, compensate, setUpBmp280 } from './sensors/bmp280.js';
import { MPU6050, readFifo, setUpMpu6050 } from './sensors/mpu6050.js';

export interface RetrofitDriverOptions {
  board: RetrofitBoardProfile;
  /** `johnnyFiveConnector` or `piRetrofitConnector` in production (optional packages, lazy); fakes in tests. */
  connect: RetrofitConnector;
  clock: Clock;
  logger: Logger;
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

type Point = RetrofitBoardProfile['points'][number];

/** One open box: its link, the barometer's calibration, the accelerometer's sample times, the contacts' levels. */
interface Session {
  link: RetrofitLink;
  /** The link's bus, each transaction retried once. */
  bus: I2cBus;
  calibration: Bmp280Calibration;
  samples: SampleClock;
  /** Per contact point: its level now and the changes since the last poll (with their times). */
  contacts: Map<string, { value: boolean; changes: { value: boolean; at: number }[] }>;
  lastRawPressure?: number;
  /** When each sensor last gave a new sample. */
  freshAt: { accelerometer: number; barometer: number };
  temperature?: { value: number; at: number };
}

const G = 9.80665;
/** The MPU-6050's sample is a mean over its 20 ms behind a 21 Hz low-pass: it represents ≈ 10 ms before it was taken. */
const ACCEL_DELAY_MS = 10;

/**
 * The retrofit sensor box (docs/retrofit.md): a BMP280 barometer and an MPU-6050 accelerometer on
 * I²C, and contacts (door, the two door-zone Hall sensors, PIR, alarm, mains). At open it sets
 * the sensors up — the barometer to the datasheet's floor-change preset, the accelerometer to
 * ±2 g, 21 Hz, 50 samples/s into its FIFO; each poll empties the FIFO (every sample, with its own
 * time), reads the barometer's newest conversion, and reports each contact's edges with the time
 * they happened, so the fusion can place a Hall sensor's edge to the millimetre.
 *
 * A transaction that fails is retried once; a sensor still not answering makes its points bad
 * for that poll (health degraded, I2C_IO); nothing answering at all is a lost box, reopened
 * after the back-off like every transport.
 */
export class RetrofitDriver implements Driver {
  readonly kind: string;
  /** Per poll group: its points, by where their values come from. */
  private readonly groups = new Map<string, { points: Point[]; accelerometer: Point[]; barometer: Point[]; contacts: Point[] }>();
  private readonly health_: HealthRecorder;
  private readonly box: LinkSupervisor<Session>;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: RetrofitDriverOptions) {
    this.kind = o.board.transport;
    for (const g of o.board.pollGroups) {
      const points = o.board.points.filter((p) => p.group === g.name);
      const from = (sensor: string) => points.filter((p) => 'sensor' in p.source && p.source.sensor === sensor);
      this.groups.set(g.name, { points, accelerometer: from('accelerometer'), barometer: from('barometer'), contacts: points.filter((p) => !('sensor' in p.source)) });
    }
    this.health_ = new HealthRecorder(o.logger, { board: o.board.id }, o.clock);
    this.box = new LinkSupervisor({
      open: (stopping) => this.connect(stopping),
      release: (s) => s.link.close().catch(() => undefined),
      clock: o.clock,
      health: this.health_,
      backoff: { minMs: o.reopenMinMs ?? 2000, maxMs: o.reopenMaxMs ?? 60_000 },
      openFailCode: o.board.transport === 'retrofit-firmata' ? 'FIRMATA_IO' : 'I2C_IO',
      description: `retrofit box ${o.board.id}`,
      logger: o.logger,
    });
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  async open(): Promise<void> {
    await this.box.start();
  }

  /** Opens in the background: a Firmata box's polls read bad until its handshake is done; the Pi's own bus's first poll waits for it. */
  openInBackground(): void {
    void this.box.start();
  }

  async close(): Promise<void> {
    await this.busy.catch(() => undefined);
    await this.box.stop();
  }

  poll(group: string): Promise<RawPoint[]> {
    const run = this.busy.then(() => this.pollNow(group));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async pollNow(name: string): Promise<RawPoint[]> {
    const group = this.groups.get(name);
    if (!group) return [];
    const points = group.points;
    // A Firmata board takes seconds to answer after a reset: its reopen runs in the background, a
    // poll never waits for it. The Pi's own bus opens at once, so its poll waits for the attempt.
    const attempt = this.box.ensure();
    const s = this.box.current ?? (this.o.board.transport === 'retrofit-i2c' ? await attempt : undefined);
    const now = this.o.clock.now();
    if (!s) {
      this.health_.still('lost');
      return points.map((p) => bad(p.name, now));
    }
    const out: RawPoint[] = [];
    const failures: string[] = [];
    let reads = 0;
    for (const sensor of SENSORS) {
      const ps = group[sensor];
      if (ps.length === 0) continue;
      reads++;
      try {
        if (sensor === 'accelerometer') await this.readAccel(s, ps, now, out);
        else await this.readBaro(s, ps, now, out);
      } catch (e) {
        failures.push(`${sensor}: ${errorMessage(e)}`);
        for (const p of ps) out.push(bad(p.name, now));
      }
    }
    if (this.box.current !== s) return points.map((p) => bad(p.name, now)); // lost while reading
    if (reads > 0 && failures.length === reads) {
      this.box.lost('I2C_IO', `retrofit box ${this.o.board.id}: no sensor answers (${failures.join('; ')})`);
      return points.map((p) => bad(p.name, now));
    }
    for (const p of group.contacts) this.contactPoints(s, p, now, out);
    this.judge(s, failures, now);
    return out;
  }

  private async readAccel(s: Session, ps: Point[], now: number, out: RawPoint[]): Promise<void> {
    const a = this.o.board.sensors.accelerometer;
    const fifo = await readFifo(s.bus, a.address, a.axis);
    if (fifo.overflowed) s.samples.restart();
    if (fifo.counts.length === 0) {
      if (now - s.freshAt.accelerometer > this.o.board.staleAfterMs) for (const p of ps) out.push(bad(p.name, now));
      return;
    }
    s.freshAt.accelerometer = now;
    const times = s.samples.stamp(fifo.counts.length, now);
    const k = ((a.invert ? -1 : 1) * G) / MPU6050.LSB_PER_G;
    for (const p of ps) for (let i = 0; i < fifo.counts.length; i++) out.push({ point: p.name, value: k * fifo.counts[i]!, at: times[i]!, quality: 'good' });
  }

  private async readBaro(s: Session, ps: Point[], now: number, out: RawPoint[]): Promise<void> {
    const bytes = await s.bus.read(this.o.board.sensors.barometer.address, BMP280.DATA, 6);
    const r = compensate(s.calibration, bytes);
    const fresh = r !== undefined && r.rawPressure !== s.lastRawPressure;
    if (fresh) {
      s.lastRawPressure = r.rawPressure;
      s.freshAt.barometer = now;
      s.temperature = { value: r.temperatureC, at: now };
    }
    const stale = now - s.freshAt.barometer > this.o.board.staleAfterMs;
    for (const p of ps) {
      if (stale) out.push(bad(p.name, now));
      else if ('field' in p.source && p.source.field === 'pressure') {
        if (fresh) out.push({ point: p.name, value: r.pressurePa, at: now, quality: 'good' });
      } else if (s.temperature) out.push({ point: p.name, value: s.temperature.value, at: s.temperature.at, quality: 'good' });
    }
  }

  /** A contact: each change since the last poll at its own time, then its level now. */
  private contactPoints(s: Session, p: Point, now: number, out: RawPoint[]): void {
    const c = s.contacts.get(p.name);
    if (!c) {
      out.push(bad(p.name, now));
      return;
    }
    for (const ch of c.changes) out.push({ point: p.name, value: ch.value, at: ch.at, quality: 'good' });
    c.changes.length = 0;
    out.push({ point: p.name, value: c.value, at: now, quality: 'good' });
  }

  private judge(s: Session, failures: string[], now: number): void {
    const staleFor = (sensor: 'accelerometer' | 'barometer') => now - s.freshAt[sensor] > this.o.board.staleAfterMs;
    if (failures.length > 0) this.health_.fail('I2C_IO', `retrofit box ${this.o.board.id}: ${failures.join('; ')}`, 'degraded');
    else if (staleFor('accelerometer') || staleFor('barometer')) {
      const which = (['accelerometer', 'barometer'] as const).filter(staleFor).join(', ');
      if (this.health_.lastErrorCode !== 'I2C_STALE' || this.health_.state === 'ok') this.health_.fail('I2C_STALE', `no new sample from the ${which}`, 'degraded');
      else this.health_.still('degraded');
    } else {
      this.health_.transaction();
      this.health_.ok();
    }
  }

  /**
   * Opens the box and sets its sensors up. Throws what failed: a coded error as it is, anything
   * else the supervisor codes as the transport's (FIRMATA_IO, I2C_IO).
   */
  private async connect(stopping: AbortSignal): Promise<Session> {
    const link = await this.o.connect(stopping);
    try {
      const { barometer, accelerometer } = this.o.board.sensors;
      const bus = retrying(link.bus);
      const calibration = await setUpBmp280(bus, barometer.address);
      await setUpMpu6050(bus, accelerometer.address);
      const now = this.o.clock.now();
      const session: Session = {
        link,
        bus,
        calibration,
        samples: new SampleClock(MPU6050.SAMPLE_PERIOD_MS, ACCEL_DELAY_MS),
        contacts: new Map(),
        freshAt: { accelerometer: now, barometer: now },
      };
      for (const p of this.o.board.points) {
        const src = p.source;
        if ('sensor' in src) continue;
        await link.watch(src, (level) => {
          const value = 'activeLow' in src && src.activeLow ? level === 0 : level === 1;
          const c = session.contacts.get(p.name);
          if (!c) session.contacts.set(p.name, { value, changes: [] });
          else if (c.value !== value) {
            c.value = value;
            c.changes.push({ value, at: this.o.clock.now() });
          }
        });
      }
      link.onLost((reason) => {
        if (this.box.current === session) this.box.lost(this.o.board.transport === 'retrofit-firmata' ? 'FIRMATA_IO' : 'I2C_IO', `${link.description} lost: ${reason}`);
      });
      this.o.logger.info({ board: this.o.board.id, via: link.description }, 'retrofit box connected');
      return session;
    } catch (e) {
      await link.close().catch(() => undefined);
      throw e;
    }
  }
}

const SENSORS = ['accelerometer', 'barometer'] as const;

function bad(point: string, at: number): RawPoint {
  return { point, value: 0, at, quality: 'bad' };
}

/** Each transaction retried once: a single NACK on a bus is noise, two in a row is a device not answering. */
function retrying(bus: I2cBus): I2cBus {
  const again = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch {
      return fn();
    }
  };
  return {
    description: bus.description,
    read: (address, register, length) => again(() => bus.read(address, register, length)),
    write: (address, register, bytes) => again(() => bus.write(address, register, bytes)),
  };
}
