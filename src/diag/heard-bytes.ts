import type { SerialPortFactory, SerialPortLike, SerialSettings } from '../../drivers/kernel/serial-port.js';

/**
 * Counts every byte a serial line brings back — answers, garbage, late replies, bytes that
 * arrive while no request waits (which the RTU port drops unseen) — so `diag scan` can tell a
 * silent line from a noisy one. A local echo of our own request (some RS-485 adapters hear
 * themselves) is not counted: an echo is not a device.
 */
export class HeardBytes {
  count = 0;

  wrap(factory: SerialPortFactory): SerialPortFactory {
    return (settings: SerialSettings) => new ListenedPort(factory(settings), this);
  }
}

class ListenedPort implements SerialPortLike {
  /** The last request written, and how much of its echo has come back. */
  private echo: Buffer = Buffer.alloc(0);
  private echoed = 0;

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
  }
}
