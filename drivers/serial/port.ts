import { SerialPort, SerialPortMock } from 'serialport';

/**
 * The byte boundary of the serial drivers: what they need of a serial port. node-serialport's
 * `SerialPort` (real ports, ptys) and `SerialPortMock` (@serialport/binding-mock) differ only
 * in their binding; a driver receives a factory and never knows which it got.
 */
export interface SerialPortLike {
  readonly isOpen: boolean;
  readonly path: string;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  /** Discards bytes received and not yet read (stale frames buffered while nobody listened). */
  flush(callback?: (err: Error | null) => void): void;
  write(data: Buffer): boolean;
  /** Bytes queued for writing and not yet handed to the OS. */
  readonly writableLength: number;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  /** `err.disconnected` when the device went away. */
  on(event: 'close', listener: (err: (Error & { disconnected?: boolean }) | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface SerialPortSettings {
  path: string;
  baudRate: number;
}

export type SerialPortFactory = (settings: SerialPortSettings) => SerialPortLike;

/** Real serial ports and ptys (node-serialport's default binding). 8N1, opened by the driver. */
export const systemSerialPorts: SerialPortFactory = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });

/**
 * The mock binding `mockSerialPorts` uses: `mockBinding.createPort(path)` makes a device,
 * `mockBinding.reset()` unplugs every device. Use this one, not an `import` of
 * @serialport/binding-mock: that loads the package's ESM build, a second instance with its own
 * devices (serialport itself requires the CommonJS build).
 */
export const mockBinding = SerialPortMock.binding;

/** Ports of @serialport/binding-mock; push bytes from the device with `port.port.emitData()`. */
export const mockSerialPorts: SerialPortFactory = ({ path, baudRate }) => new SerialPortMock({ path, baudRate, autoOpen: false });
