import type { SerialPortFactory, SerialPortLike, SerialSettings } from '../../drivers/kernel/serial-port.js';
import { crcOk } from '../../drivers/modbus/rtu-frame.js';

/**
 * Counts every byte a serial line brings back — answers, garbage, late replies, bytes that
 * arrive while no request waits (which the RTU port drops unseen) — so `diag scan` can tell a
 * silent line from a noisy one. A local echo of our own request (some RS-485 adapters hear
 * themselves) is not counted: an echo is not a device.
 */
export class HeardBytes {
  count = 0;
  /** Every well-formed answer seen on the line, in time or not (see `answers`). */
  readonly answers: HeardAnswer[] = [];

  /** `now` is monotonic milliseconds, for how long after its request an answer came. */
  constructor(readonly now: () => number) {}

  wrap(factory: SerialPortFactory): SerialPortFactory {
    return (settings: SerialSettings) => new ListenedPort(factory(settings), this);
  }
}

/**
 * A frame with the unit id, function code (or its exception) and CRC of a read request sent
 * earlier: the scan compares these with the probes that timed out to tell a slow device — its
 * valid answer arriving after the timeout, during the next probe — from a wrong line setting.
 */
export interface HeardAnswer {
  unitId: number;
  /** Milliseconds from the last request to that unit to the answer's last byte. */
  afterMs: number;
}

const MAX_FRAME = 256;

/** The length of the RTU answer (or exception) to a read starting at `i`, once the bytes so far say. */
function answerLength(b: Buffer, i: number): number | undefined {
  if ((b[i + 1]! & 0x80) !== 0) return 5;
  return b[i + 2] === undefined ? undefined : 5 + b[i + 2]!;
}

class ListenedPort implements SerialPortLike {
  /** The last request written, and how much of its echo has come back. */
  private echo: Buffer = Buffer.alloc(0);
  private echoed = 0;
  /** When each unit's last request went out, and its function code. */
  private readonly asked = new Map<number, { fc: number; at: number }>();
  /** Bytes heard that are not yet part of a well-formed answer. */
  private rx: Buffer = Buffer.alloc(0);

  constructor(
    private readonly inner: SerialPortLike,
    private readonly heard: HeardBytes,
  ) {}

  get path(): string {
    return this.inner.path;
  }
  get isOpen(): boolean {
    return this.inner.isOpen;
  }
  get writableLength(): number {
    return this.inner.writableLength;
  }
  open(callback: (err: Error | null) => void): void {
    this.inner.open(callback);
  }
  close(callback?: (err: Error | null) => void): void {
    this.inner.close(callback);
  }
  flush(callback?: (err: Error | null) => void): void {
    this.inner.flush(callback);
  }
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean {
    this.echo = data;
    this.echoed = 0;
    if (data.length >= 2) this.asked.set(data[0]!, { fc: data[1]!, at: this.heard.now() });
    return this.inner.write(data, callback);
  }
  removeAllListeners(): this {
    this.inner.removeAllListeners();
    return this;
  }

  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (err?: (Error & { disconnected?: boolean }) | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'data' | 'close' | 'error', listener: (arg: never) => void): this {
    if (event === 'data') {
      const onData = listener as (chunk: Buffer) => void;
      this.inner.on('data', (chunk: Buffer) => {
        this.count(chunk);
        onData(chunk);
      });
    } else if (event === 'close') this.inner.on('close', listener as (err?: Error | null) => void);
    else this.inner.on('error', listener as (err: Error) => void);
    return this;
  }

  private count(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && this.echoed < this.echo.length && chunk[i] === this.echo[this.echoed]) {
      i++;
      this.echoed++;
    }
    if (i < chunk.length) this.echoed = this.echo.length; // anything else ends the echo
    this.heard.count += chunk.length - i;
    if (i < chunk.length) this.findAnswers(chunk.subarray(i));
  }

  /** Looks for well-formed answers to our requests in the bytes heard, wherever they start. */
  private findAnswers(bytes: Buffer): void {
    this.rx = Buffer.concat([this.rx, bytes]).subarray(-MAX_FRAME);
    let i = 0;
    while (i < this.rx.length) {
      const asked = this.asked.get(this.rx[i]!);
      const fc = this.rx[i + 1];
      if (fc === undefined) break; // wait for more
      if (asked?.fc === (fc & 0x7f)) {
        const len = answerLength(this.rx, i);
        if (len === undefined || i + len > this.rx.length) break;
        if (crcOk(this.rx, i, i + len)) {
          this.heard.answers.push({ unitId: this.rx[i]!, afterMs: Math.round(this.heard.now() - asked.at) });
          i += len;
          continue;
        }
      }
      i++;
    }
    this.rx = this.rx.subarray(i);
  }
}
