import type { SerialFramedBoardProfile } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { HealthRecorder } from '../kernel/health.js';
import { LatestValues } from '../kernel/latest-values.js';
import type { SerialPortFactory, SerialPortLike, SerialSettings } from '../kernel/serial-port.js';
import { LinkSupervisor } from '../kernel/supervisor.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import { FrameDecoder, type DecoderCounts } from './decoder.js';
import { payloadNeeded, readField } from './fields.js';

export interface SerialFramedDriverOptions {
  board: SerialFramedBoardProfile;
  connection: SerialSettings;
  /** The byte boundary: `systemSerialPorts` in production, `mockSerialPorts` in tests. */
  ports: SerialPortFactory;
  clock: Clock;
  logger: Logger;
  /** Reopen back-off after the port is lost or cannot be opened, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

export interface SerialFramedStats extends DecoderCounts {
  /** Valid frames too short for the profile's fields. */
  shortFrames: number;
  /** Bytes waiting for the rest of a frame. */
  pending: number;
}

/**
 * A sensor box that pushes frames over a serial line. The port's bytes go through the profile's
 * frame decoder; each valid frame updates the latest value of every field point. `poll(group)`
 * returns those values with their age: older than `staleAfterMs` reads 'bad'. A port that
 * disappears makes every point bad at once and is reopened by the link supervisor with back-off.
 * Nothing is ever written to the port.
 */
export class SerialFramedDriver implements Driver {
  readonly kind = 'serial-framed';
  private readonly decoder: FrameDecoder;
  private readonly latest = new LatestValues();
  private readonly groups = new Map<string, string[]>();
  private readonly needed: number;
  private readonly health_: HealthRecorder;
  private readonly port: LinkSupervisor<SerialPortLike>;
  private lastFrameAt?: number;
  private shortFrames = 0;

  constructor(private readonly o: SerialFramedDriverOptions) {
    this.decoder = new FrameDecoder(o.board.framing);
    for (const g of o.board.pollGroups)
      this.groups.set(
        g.name,
        o.board.points.filter((p) => p.group === g.name).map((p) => p.name),
      );
    this.needed = Math.max(o.board.framing.minLength, payloadNeeded(o.board.points.map((p) => p.source)));
    this.health_ = new HealthRecorder(o.logger, { port: o.connection.path, board: o.board.id }, o.clock);
    this.port = new LinkSupervisor({
      open: () => this.openPort(),
      release: (port) => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
      clock: o.clock,
      health: this.health_,
      backoff: { minMs: o.reopenMinMs ?? 1000, maxMs: o.reopenMaxMs ?? 30_000 },
      openFailCode: 'SERIAL_IO',
      description: `${o.connection.path}@${o.connection.baudRate}`,
      logger: o.logger,
    });
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  stats(): SerialFramedStats {
    return { ...this.decoder.totals, shortFrames: this.shortFrames, pending: this.decoder.pending };
  }

  async open(): Promise<void> {
    await this.port.start();
    this.judge(this.o.clock.now());
  }

  async close(): Promise<void> {
    await this.port.stop();
    this.latest.clear();
  }

  async poll(group: string): Promise<RawPoint[]> {
    const names = this.groups.get(group);
    if (!names) return [];
    await this.port.ensure();
    const now = this.o.clock.now();
    this.judge(now);
    return this.latest.read(names, now, () => this.o.board.staleAfterMs);
  }

  /** Health from what the port delivers: lost without a port, degraded without fresh frames. */
  private judge(now: number): void {
    if (!this.port.current) this.health_.still('lost');
    else if (this.lastFrameAt === undefined || now - this.lastFrameAt > this.o.board.staleAfterMs) {
      if (this.health_.lastErrorCode !== 'SERIAL_STALE' || this.health_.state === 'ok') {
        this.health_.fail('SERIAL_STALE', `no valid frame on ${this.o.connection.path} for ${this.o.board.staleAfterMs} ms`, 'degraded');
      } else this.health_.still('degraded');
    } else this.health_.ok();
  }

  private async openPort(): Promise<SerialPortLike> {
    const port = this.o.ports(this.o.connection);
    // Listeners for this port object only: a port given up on can still emit, and is ignored.
    port.on('data', (chunk) => {
      if (this.port.current === port) this.onData(chunk);
    });
    port.on('close', (err) => {
      if (this.port.current === port) this.onLost(err ? errorMessage(err) : 'closed');
    });
    port.on('error', (err) => {
      if (this.port.current === port) this.health_.fail('SERIAL_IO', `${this.o.connection.path}: ${errorMessage(err)}`);
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      port.removeAllListeners();
      throw e;
    }
    // Frames buffered while nobody listened are old: their age would be wrong.
    await new Promise<void>((resolve) => port.flush(() => resolve()));
    this.decoder.reset();
    this.lastFrameAt = undefined;
    return port;
  }

  private onLost(reason: string): void {
    this.lastFrameAt = undefined;
    this.latest.clear();
    this.decoder.reset();
    this.port.lost('SERIAL_IO', `${this.o.connection.path} lost: ${reason}`);
  }

  private onData(chunk: Buffer): void {
    const now = this.o.clock.now();
    const r = this.decoder.push(chunk);
    if (r.checksumErrors + r.lengthErrors > 0) {
      this.health_.fail('FRAME_INVALID', `${r.checksumErrors} checksum and ${r.lengthErrors} length error(s) on ${this.o.connection.path}`);
    }
    let fresh = false;
    for (const payload of r.payloads) {
      if (payload.length < this.needed) {
        this.shortFrames++;
        this.health_.fail('FRAME_INVALID', `a ${payload.length}-byte frame on ${this.o.connection.path}; the profile's fields need ${this.needed}`);
        continue;
      }
      for (const p of this.o.board.points) {
        const v = readField(payload, p.source);
        if (v !== undefined) this.latest.set(p.name, v, now);
      }
      this.health_.transaction();
      this.lastFrameAt = now;
      fresh = true;
    }
    // Judged again only when this chunk brought a frame: bad bytes alone leave the trouble counted.
    if (fresh) this.judge(now);
  }
}
