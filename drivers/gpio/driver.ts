import type { GpioBoardProfile, GpioPointDef } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { Backoff } from '../backoff.js';
import { HealthRecorder } from '../health.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import { Debouncer } from './debounce.js';
import type { GpioInputLine, GpioLines, GpioLinesLoader, GpioOutputLine, Level } from './lines.js';

export interface GpioDriverOptions {
  board: GpioBoardProfile;
  /** `loadOnoffLines` in production (lazy, optional package); `FakeGpioLines` in tests. */
  lines: GpioLinesLoader;
  clock: Clock;
  logger: Logger;
  /** Retry back-off when the lines cannot be opened, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

/**
 * Contacts on the gateway's GPIO header. Each line is watched on both edges; every point keeps a
 * debounced level (active-low applied), and `poll()` reads it — or, for `edge: rising|falling`,
 * whether that debounced transition happened since the last poll. Lines are inputs only: an
 * output is created solely by `writeLine` for a line the profile allow-lists.
 */
export class GpioDriver implements Driver {
  readonly kind = 'gpio';
  private lines?: GpioLines;
  private readonly inputs = new Map<number, GpioInputLine>();
  private readonly outputs = new Map<number, GpioOutputLine>();
  private readonly debouncers = new Map<string, Debouncer>();
  private readonly byLine = new Map<number, GpioPointDef[]>();
  private readonly groups = new Map<string, GpioPointDef[]>();
  private readonly health_: HealthRecorder;
  private readonly backoff: Backoff;
  private ready = false;
  private closed = true;
  private opening?: Promise<boolean>;

  constructor(private readonly o: GpioDriverOptions) {
    for (const p of o.board.points) this.byLine.set(p.source.line, [...(this.byLine.get(p.source.line) ?? []), p]);
    for (const g of o.board.pollGroups) this.groups.set(g.name, o.board.points.filter((p) => p.group === g.name));
    this.health_ = new HealthRecorder(o.logger, { board: o.board.id });
    this.backoff = new Backoff(o.reopenMinMs ?? 1000, o.reopenMaxMs ?? 30_000);
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  async open(): Promise<void> {
    this.closed = false;
    await this.ensureOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening;
    this.releaseAll();
  }

  async poll(group: string): Promise<RawPoint[]> {
    const points = this.groups.get(group);
    if (!points) return [];
    const ok = await this.ensureOpen();
    const now = this.o.clock.now();
    if (!ok) {
      const h = this.health_.get();
      this.health_.fail(h.lastErrorCode ?? 'GPIO_IO', h.lastError ?? 'gpio lines not open', 'lost');
      return points.map((p) => ({ point: p.name, value: false, at: now, quality: 'bad' }));
    }
    this.health_.transaction();
    if (this.health_.state !== 'degraded') this.health_.ok();
    return points.map((p) => ({ point: p.name, value: this.valueOf(p, now), at: now, quality: 'good' }));
  }

  /** Monitoring only: drives a line solely when the board profile allow-lists it. */
  async writeLine(line: number, value: boolean): Promise<void> {
    if (!this.o.board.writable.some((w) => w.line === line)) {
      throw new ElevgwError('WRITE_NOT_ALLOWED', `board "${this.o.board.id}" does not allow driving GPIO ${line} (writable: ${JSON.stringify(this.o.board.writable)})`, {
        board: this.o.board.id,
        line,
      });
    }
    if (!(await this.ensureOpen()) || !this.lines) throw new ElevgwError('DRIVER_OPEN_FAILED', `gpio lines not open: ${this.health_.get().lastError ?? ''}`);
    let out = this.outputs.get(line);
    if (!out) {
      out = await this.lines.output(line);
      this.outputs.set(line, out);
    }
    await out.write(value ? 1 : 0);
  }

  private valueOf(p: GpioPointDef, now: number): boolean {
    const d = this.debouncers.get(p.name)!;
    if (p.source.edge === 'both') return d.level(now);
    const t = d.takeTransitions(now);
    return p.source.edge === 'rising' ? t.rose : t.fell;
  }

  private logical(p: GpioPointDef, level: Level): boolean {
    return (level === 1) !== p.source.activeLow;
  }

  private ensureOpen(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.closed || !this.backoff.canTry(this.o.clock.now())) return Promise.resolve(false);
    this.opening ??= this.openLines().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openLines(): Promise<boolean> {
    try {
      this.lines ??= await this.o.lines();
    } catch (e) {
      return this.openFailed('GPIO_UNAVAILABLE', errorMessage(e));
    }
    try {
      for (const [line, points] of this.byLine) {
        const input = await this.lines.input(line);
        this.inputs.set(line, input);
        const level = await input.read();
        const now = this.o.clock.now();
        for (const p of points) this.debouncers.set(p.name, new Debouncer(this.logical(p, level), p.source.debounceMs, now));
        input.watch((err, v) => this.onEdge(line, err, v));
      }
    } catch (e) {
      this.releaseAll();
      return this.openFailed('GPIO_IO', `open lines on ${this.lines.description}: ${errorMessage(e)}`);
    }
    if (this.closed) {
      this.releaseAll();
      return false;
    }
    this.ready = true;
    this.backoff.succeeded();
    this.o.logger.info({ board: this.o.board.id, lines: [...this.byLine.keys()], via: this.lines.description }, 'gpio lines open');
    return true;
  }

  private openFailed(code: string, message: string): false {
    this.health_.fail(code, message, 'lost');
    this.backoff.failed(this.o.clock.now());
    return false;
  }

  private onEdge(line: number, err: Error | null | undefined, level: Level): void {
    if (err) {
      this.health_.fail('GPIO_IO', `GPIO ${line}: ${errorMessage(err)}`, 'degraded');
      return;
    }
    const now = this.o.clock.now();
    for (const p of this.byLine.get(line) ?? []) this.debouncers.get(p.name)?.edge(this.logical(p, level), now);
    if (this.health_.state === 'degraded') this.health_.ok();
  }

  private releaseAll(): void {
    for (const l of [...this.inputs.values(), ...this.outputs.values()]) {
      try {
        l.release();
      } catch {
        // releasing is best effort: the process may not own the line any more
      }
    }
    this.inputs.clear();
    this.outputs.clear();
    this.ready = false;
  }
}
