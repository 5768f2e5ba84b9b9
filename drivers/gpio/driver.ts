import type { GpioBoardProfile, GpioPointDef } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { HealthRecorder } from '../kernel/health.js';
import { LinkSupervisor } from '../kernel/supervisor.js';
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
  private readonly supervisor: LinkSupervisor<GpioLines>;

  constructor(private readonly o: GpioDriverOptions) {
    for (const p of o.board.points) this.byLine.set(p.source.line, [...(this.byLine.get(p.source.line) ?? []), p]);
    for (const g of o.board.pollGroups)
      this.groups.set(
        g.name,
        o.board.points.filter((p) => p.group === g.name),
      );
    this.health_ = new HealthRecorder(o.logger, { board: o.board.id }, o.clock);
    this.supervisor = new LinkSupervisor({
      open: () => this.openLines(),
      release: async () => this.releaseAll(),
      clock: o.clock,
      health: this.health_,
      backoff: { minMs: o.reopenMinMs ?? 1000, maxMs: o.reopenMaxMs ?? 30_000 },
      openFailCode: 'GPIO_IO',
      description: 'gpio lines',
      logger: o.logger,
    });
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  async open(): Promise<void> {
    await this.supervisor.start();
  }

  async close(): Promise<void> {
    await this.supervisor.stop();
  }

  async poll(group: string): Promise<RawPoint[]> {
    const points = this.groups.get(group);
    if (!points) return [];
    const lines = await this.supervisor.ensure();
    const now = this.o.clock.now();
    if (!lines) {
      this.health_.still('lost');
      return points.map((p) => ({ point: p.name, value: false, at: now, quality: 'bad' }));
    }
    this.health_.transaction();
    this.health_.ok();
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
    const lines = await this.supervisor.ensure();
    if (!lines) throw new ElevgwError('DRIVER_OPEN_FAILED', `gpio lines not open: ${this.health_.get().lastError ?? ''}`);
    let out = this.outputs.get(line);
    if (!out) {
      out = await lines.output(line);
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

  /** Opens every input line of the profile; throws a coded error the supervisor counts. */
  private async openLines(): Promise<GpioLines> {
    let lines: GpioLines;
    try {
      lines = this.lines ??= await this.o.lines();
    } catch (e) {
      throw new ElevgwError('GPIO_UNAVAILABLE', errorMessage(e));
    }
    try {
      for (const [line, points] of this.byLine) {
        const input = await lines.input(line);
        this.inputs.set(line, input);
        const level = await input.read();
        const now = this.o.clock.now();
        for (const p of points) this.debouncers.set(p.name, new Debouncer(this.logical(p, level), p.source.debounceMs, now));
        input.watch((err, v) => this.onEdge(line, err, v));
      }
    } catch (e) {
      this.releaseAll();
      throw new ElevgwError('GPIO_IO', `open lines on ${lines.description}: ${errorMessage(e)}`);
    }
    this.o.logger.info({ board: this.o.board.id, lines: [...this.byLine.keys()], via: lines.description }, 'gpio lines open');
    return lines;
  }

  private onEdge(line: number, err: Error | null | undefined, level: Level): void {
    if (err) {
      // The kernel could not read the line: its export is no longer to be trusted. Release every
      // line and open them again after the back-off, as any other transport that was lost.
      this.supervisor.lost('GPIO_IO', `GPIO ${line}: ${errorMessage(err)}`);
      return;
    }
    const now = this.o.clock.now();
    for (const p of this.byLine.get(line) ?? []) this.debouncers.get(p.name)?.edge(this.logical(p, level), now);
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
  }
}
