import type { GpioInputLine, GpioLines, GpioOutputLine, Level } from './lines.js';

type Watcher = (err: Error | null | undefined, level: Level) => void;

/**
 * GPIO lines in memory, for tests and for running a gpio board without hardware: `set()` moves
 * an input's level and fires its watchers like an edge interrupt would.
 */
export class FakeGpioLines implements GpioLines {
  readonly description = 'fake gpio';
  private readonly levels = new Map<number, Level>();
  private readonly watchers = new Map<number, Watcher[]>();
  /** Every line ever requested as an output, in order. */
  readonly outputsRequested: number[] = [];
  readonly written: { line: number; level: Level }[] = [];
  /** Lines currently exported as inputs. */
  readonly exported = new Set<number>();
  /** Makes the next input() fail, like a line held by another process (EBUSY). */
  failNextInput?: Error;
  /** Lines asked for as inputs so far (a driver opening its lines again asks again). */
  inputRequests = 0;
  private gone?: Error;

  constructor(initial: Record<number, Level> = {}) {
    for (const [line, level] of Object.entries(initial)) this.levels.set(Number(line), level);
  }

  set(line: number, level: Level): void {
    if (this.levels.get(line) === level) return;
    this.levels.set(line, level);
    for (const w of this.watchers.get(line) ?? []) w(null, level);
  }

  /** An interrupt error on a line (what onoff reports when reading the value file fails). */
  fail(line: number, err: Error): void {
    for (const w of this.watchers.get(line) ?? []) w(err, this.levels.get(line) ?? 0);
  }

  /** The GPIO character device or sysfs goes away (a HAT unplugged, a driver unloaded): every watched line reports EIO, and no line opens until `plug()`. */
  unplug(): void {
    this.gone = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    for (const line of [...this.watchers.keys()]) this.fail(line, this.gone);
  }

  plug(): void {
    this.gone = undefined;
  }

  async input(line: number): Promise<GpioInputLine> {
    this.inputRequests++;
    if (this.gone) throw this.gone;
    if (this.failNextInput) {
      const e = this.failNextInput;
      this.failNextInput = undefined;
      throw e;
    }
    this.exported.add(line);
    return {
      read: async () => this.levels.get(line) ?? 0,
      watch: (cb) => this.watchers.set(line, [...(this.watchers.get(line) ?? []), cb]),
      release: () => {
        this.watchers.delete(line);
        this.exported.delete(line);
      },
    };
  }

  async output(line: number): Promise<GpioOutputLine> {
    this.outputsRequested.push(line);
    return {
      write: async (level) => {
        this.written.push({ line, level });
      },
      release: () => undefined,
    };
  }
}
