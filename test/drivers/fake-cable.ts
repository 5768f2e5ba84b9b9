import { EventEmitter } from 'node:events';
import type { SerialPortFactory, SerialPortLike } from '../../drivers/kernel/serial-port.js';

/**
 * An in-memory null-modem cable at the byte boundary: what one end writes arrives at the other,
 * asynchronously and, if asked, in small chunks. It can be unplugged (both ends see a disconnect,
 * opens fail) and plugged back. The master end can echo its own writes, like RS-485 adapters
 * whose receiver is always enabled.
 */
export class FakeCable {
  private readonly ends = new Map<string, FakeEnd>();
  plugged = true;

  constructor(private readonly o: { chunk?: number; echoAt?: string } = {}) {}

  /** A SerialPortFactory for the end called `name` (its path is ignored). */
  opener(name: string): SerialPortFactory {
    return () => {
      const end = new FakeEnd(this, name);
      this.ends.set(name, end);
      return end;
    };
  }

  end(name: string): FakeEnd | undefined {
    return this.ends.get(name);
  }

  unplug(): void {
    this.plugged = false;
    for (const e of this.ends.values()) e.disconnect();
  }

  plug(): void {
    this.plugged = true;
  }

  /** Bytes written by `from`, delivered to the other open end(s). */
  carry(from: FakeEnd, data: Buffer): void {
    if (this.o.echoAt === from.name) this.deliver(from, data);
    for (const e of this.ends.values()) if (e !== from) this.deliver(e, data);
  }

  private deliver(to: FakeEnd, data: Buffer): void {
    const size = this.o.chunk ?? data.length;
    for (let i = 0; i < data.length; i += size) {
      const part = Buffer.from(data.subarray(i, i + size));
      setImmediate(() => to.receive(part));
    }
  }
}

export class FakeEnd extends EventEmitter implements SerialPortLike {
  isOpen = false;
  readonly written: Buffer[] = [];
  readonly writableLength = 0;

  constructor(
    private readonly cable: FakeCable,
    readonly name: string,
  ) {
    super();
  }

  open(callback: (err: Error | null) => void): void {
    setImmediate(() => {
      if (!this.cable.plugged) return callback(new Error(`Error: No such file or directory, cannot open ${this.name}`));
      this.isOpen = true;
      callback(null);
    });
  }

  close(callback?: (err: Error | null) => void): void {
    this.isOpen = false;
    setImmediate(() => {
      this.emit('close');
      callback?.(null);
    });
  }

  /** Set to make every write fail with it (an adapter whose driver reports EIO), nothing sent. */
  writeError: Error | undefined;

  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean {
    const refused = this.isOpen ? this.writeError : new Error('Port is not open');
    if (refused) {
      setImmediate(() => callback?.(refused));
      return false;
    }
    this.written.push(Buffer.from(data));
    this.cable.carry(this, data);
    setImmediate(() => callback?.(null));
    return true;
  }

  get path(): string {
    return this.name;
  }

  /** Nothing is buffered on the way in: bytes are delivered as they arrive. */
  flush(callback?: (err: Error | null) => void): void {
    setImmediate(() => callback?.(null));
  }

  /** Bytes from the line; dropped unless open. */
  receive(data: Buffer): void {
    if (this.isOpen) this.emit('data', data);
  }

  disconnect(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    setImmediate(() => this.emit('close', Object.assign(new Error('Disconnected'), { disconnected: true })));
  }
}
