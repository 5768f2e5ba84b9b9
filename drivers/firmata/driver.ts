import type { FirmataBoardProfile } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { ElevgwError, errorMessage, isElevgwError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { HealthRecorder } from '../kernel/health.js';
import { LatestValues } from '../kernel/latest-values.js';
import { LinkSupervisor } from '../kernel/supervisor.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import type { FirmataCapabilities, FirmataConnector, FirmataIo } from './io.js';

export interface FirmataDriverOptions {
  board: FirmataBoardProfile;
  /** `firmataIoConnector(...)` in production (lazy, optional package); a MockFirmataIo in tests. */
  connect: FirmataConnector;
  clock: Clock;
  logger: Logger;
  /** Reconnect back-off, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

/**
 * Digital and analog pins of an Arduino-class sensor box running StandardFirmata. The board
 * pushes changes (digital) and samples (analog); the driver keeps the latest of each and
 * `poll()` returns them: analog values older than `staleAfterMs` read bad, digital values hold
 * while the board is connected. Connecting (an Arduino resets on open and needs ~2 s; one
 * without StandardFirmata never answers) runs in the background in the service, first open and
 * reopens alike, so neither the gateway's start nor a poll waits for it. Pins are inputs only, unless the profile
 * allow-lists one for `writePin`.
 */
export class FirmataDriver implements Driver {
  readonly kind = 'firmata';
  private readonly latest = new LatestValues();
  private readonly groups = new Map<string, string[]>();
  private readonly analog = new Set<string>();
  private readonly health_: HealthRecorder;
  private readonly board: LinkSupervisor<FirmataIo>;
  /** The board whose reports count: the one being set up or in use; none once given up on. */
  private live: FirmataIo | undefined;
  /** When the board in use was set up, and which of its points have not reported since. */
  private setUpAt = 0;
  private unreported = new Set<string>();

  constructor(private readonly o: FirmataDriverOptions) {
    for (const g of o.board.pollGroups)
      this.groups.set(
        g.name,
        o.board.points.filter((p) => p.group === g.name).map((p) => p.name),
      );
    for (const p of o.board.points) if (p.source.mode === 'analog') this.analog.add(p.name);
    this.health_ = new HealthRecorder(o.logger, { board: o.board.id }, o.clock);
    this.board = new LinkSupervisor({
      open: (stopping) => this.connect(stopping),
      release: (io) => io.close().catch(() => undefined),
      clock: o.clock,
      health: this.health_,
      backoff: { minMs: o.reopenMinMs ?? 2000, maxMs: o.reopenMaxMs ?? 60_000 },
      openFailCode: 'FIRMATA_IO',
      description: `firmata board ${o.board.id}`,
      logger: o.logger,
    });
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  /** Connects (waiting for the handshake once); never throws. */
  async open(): Promise<void> {
    await this.board.start();
  }

  /** Connects in the background, like a reconnect: polls read bad ('lost') until the handshake is done. */
  openInBackground(): void {
    void this.board.start();
  }

  async close(): Promise<void> {
    await this.board.stop();
    this.live = undefined;
    this.latest.clear();
  }

  async poll(group: string): Promise<RawPoint[]> {
    const names = this.groups.get(group);
    if (!names) return [];
    void this.board.ensure(); // a reconnect runs in the background: a poll never waits for it
    const now = this.o.clock.now();
    const points = this.latest.read(names, now, (name) => (this.analog.has(name) ? this.o.board.staleAfterMs : undefined));
    this.judge(points);
    return points;
  }

  /** Monitoring only: a pin becomes an output solely when the board profile allow-lists it. */
  async writePin(pin: number, value: boolean): Promise<void> {
    if (!this.o.board.writable.some((w) => w.pin === pin)) {
      throw new ElevgwError('WRITE_NOT_ALLOWED', `board "${this.o.board.id}" does not allow driving pin ${pin} (writable: ${JSON.stringify(this.o.board.writable)})`, {
        board: this.o.board.id,
        pin,
      });
    }
    const io = this.board.current;
    if (!io) throw new ElevgwError('DRIVER_OPEN_FAILED', `firmata board not connected: ${this.health_.get().lastError ?? ''}`);
    io.pinMode(pin, 'output');
    io.digitalWrite(pin, value ? 1 : 0);
  }

  /**
   * A point not reported yet is stale only once the board has had `staleAfterMs` since it was set
   * up to report it: right after a connect the first reports are on their way (digital levels at
   * once, analog samples within a sampling interval), which is no trouble to warn about.
   */
  private judge(points: readonly RawPoint[]): void {
    if (!this.board.current) {
      this.health_.still('lost');
      return;
    }
    const bad = points.filter((p) => p.quality === 'bad').map((p) => p.point);
    const settling = this.o.clock.now() - this.setUpAt <= this.o.board.staleAfterMs;
    const stale = settling ? bad.filter((name) => !this.unreported.has(name)) : bad;
    if (stale.length > 0) {
      if (this.health_.lastErrorCode !== 'FIRMATA_STALE' || this.health_.state === 'ok') this.health_.fail('FIRMATA_STALE', `no report for ${stale.join(', ')}`, 'degraded');
      else this.health_.still('degraded');
    } else if (bad.length > 0) this.health_.still('degraded');
    else {
      this.health_.transaction();
      this.health_.ok();
    }
  }

  /**
   * Connects and sets the profile's pins up; throws a coded error the supervisor counts. A board
   * whose set-up fails is closed at once (its port would stay locked for the next attempt) and
   * its reports are ignored from then on.
   */
  private async connect(stopping: AbortSignal): Promise<FirmataIo> {
    const io = await this.o.connect(stopping);
    this.live = io;
    try {
      io.onLost((reason) => this.onLost(io, reason));
      this.checkPins(io.capabilities);
      this.setUp(io);
    } catch (e) {
      this.abandon(io);
      await io.close().catch(() => undefined);
      if (isElevgwError(e)) throw e;
      throw new ElevgwError('FIRMATA_IO', `${io.description}: setting the pins up failed: ${errorMessage(e)}`);
    }
    this.o.logger.info({ board: this.o.board.id, via: io.description }, 'firmata board connected');
    return io;
  }

  /**
   * Every pin of the profile against what the board reported of itself, before any is touched:
   * a profile written for another board (pin 50 on an Uno, A7 on an Uno, D0/D1 that carry an
   * Uno's serial link) is named point by point instead of failing inside firmata-io.
   */
  private checkPins(caps: FirmataCapabilities): void {
    const problems: string[] = [];
    this.o.board.points.forEach((p, i) => {
      const at = `points[${i}] (${p.name})`;
      if (p.source.mode === 'analog') {
        if (p.source.pin >= caps.analogChannels)
          problems.push(`${at}: analog channel A${p.source.pin} — the board reports ${caps.analogChannels === 0 ? 'no analog channels' : `A0–A${caps.analogChannels - 1}`}`);
        return;
      }
      const modes = caps.pins[p.source.pin];
      const wanted = p.source.pullup ? 'pullup' : 'input';
      if (!modes) problems.push(`${at}: pin ${p.source.pin} — the board reports pins 0–${caps.pins.length - 1}`);
      else if (!modes.includes(wanted))
        problems.push(
          `${at}: pin ${p.source.pin} — the board offers no ${wanted === 'pullup' ? 'input with pull-up' : 'input'} there (${modes.length === 0 ? 'no mode at all: a pin StandardFirmata keeps, e.g. D0/D1 for its serial link on an Uno' : `modes: ${modes.join(', ')}`})`,
        );
    });
    if (problems.length > 0) throw new ElevgwError('DRIVER_OPEN_FAILED', `board profile ${this.o.board.id}.yaml does not fit the board: ${problems.join('; ')}`);
  }

  /** Every pin of the profile as an input reporting into `latest`, while `io` is the board in use. */
  private setUp(io: FirmataIo): void {
    this.setUpAt = this.o.clock.now();
    this.unreported = new Set(this.o.board.points.map((p) => p.name));
    io.setSamplingInterval(this.o.board.samplingIntervalMs);
    for (const p of this.o.board.points) {
      const set = (v: number | boolean) => {
        if (this.live !== io) return;
        this.unreported.delete(p.name);
        this.latest.set(p.name, v, this.o.clock.now());
      };
      if (p.source.mode === 'digital') {
        io.pinMode(p.source.pin, p.source.pullup ? 'pullup' : 'input');
        io.digitalRead(p.source.pin, (v) => set(v === 1));
      } else io.analogRead(p.source.pin, (v) => set(v));
    }
  }

  /** A board given up on: what it still reports is not a reading. */
  private abandon(io: FirmataIo): void {
    if (this.live !== io) return;
    this.live = undefined;
    this.latest.clear();
  }

  private onLost(io: FirmataIo, reason: string): void {
    if (this.board.current !== io) return;
    this.abandon(io);
    this.board.lost('FIRMATA_IO', `${io.description} lost: ${reason}`);
  }
}
