import { createRequire } from 'node:module';
import type * as NodeSerialport from 'serialport';

/**
 * node-serialport, loaded when a port is first opened: a site whose boards all speak Modbus TCP
 * never opens one, and `elevgw run` then carries neither its streams nor its native binding
 * (0.5 MiB of RSS and of peak with the launcher's flags; `npm run bench -- memory`). It is a CommonJS package, so
 * `require` gives the very instance an `import` of it gives: one mock binding for tests and driver.
 */
let loaded: typeof NodeSerialport | undefined;
function serialport(): typeof NodeSerialport {
  loaded ??= createRequire(import.meta.url)('serialport') as typeof NodeSerialport;
  return loaded;
}

/** Line settings of a serial port; 8 data bits and 1 stop bit. */
export interface SerialSettings {
  path: string;
  baudRate: number;
  /** Modbus RTU buses often run even parity; framed sensor boxes none (the default). */
  parity?: 'none' | 'even' | 'odd';
}

/**
 * The byte boundary of every serial driver (Modbus RTU, framed sensor boxes, Firmata): what they
 * need of a serial port. node-serialport's `SerialPort` (real ports, ptys) and `SerialPortMock`
 * (@serialport/binding-mock) differ only in their binding; test fakes are a third kind. A driver
 * receives a factory and never knows which it got.
 */
export interface SerialPortLike {
  readonly path: string;
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  /** Bytes queued for writing and not yet handed to the OS (a sender backs off when it grows). */
  readonly writableLength: number;
  /** Discards bytes received and not yet read (stale frames buffered while nobody listened). */
  flush(callback?: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  /** `err.disconnected` when the device went away. */
  on(event: 'close', listener: (err?: (Error & { disconnected?: boolean }) | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  removeAllListeners(): this;
}

export type SerialPortFactory = (settings: SerialSettings) => SerialPortLike;

/** Real serial ports and ptys (node-serialport's default binding), opened by the driver. */
export const systemSerialPorts: SerialPortFactory = ({ path, baudRate, parity = 'none' }) =>
  new (serialport().SerialPort)({ path, baudRate, parity, dataBits: 8, stopBits: 1, autoOpen: false });

/**
 * node-serialport's mock binding (`new SerialPortMock(...)` ports use it): `mockBinding.createPort(path)` makes a device,
 * `mockBinding.reset()` unplugs every device. Use this one, not an `import` of
 * @serialport/binding-mock: that loads the package's ESM build, a second instance with its own
 * devices (serialport itself requires the CommonJS build).
 */
export const mockBinding: Pick<typeof NodeSerialport.SerialPortMock.binding, 'createPort' | 'reset'> = {
  createPort: (path, options) => serialport().SerialPortMock.binding.createPort(path, options),
  reset: () => serialport().SerialPortMock.binding.reset(),
};

/** Bits on the wire per character: start + 8 data + parity (if any) + 1 stop. */
export function bitsPerChar(s: Pick<SerialSettings, 'parity'>): number {
  return (s.parity ?? 'none') === 'none' ? 10 : 11;
}

export function describeSerial(s: SerialSettings): string {
  return `${s.path}@${s.baudRate} 8${(s.parity ?? 'none')[0]!.toUpperCase()}1`;
}
