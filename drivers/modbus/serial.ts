import { SerialPort } from 'serialport';

/** Serial line settings of an RS-485 bus; 8 data bits and 1 stop bit. */
export interface SerialSettings {
  path: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
}

/**
 * The byte boundary of the RTU link: the little it needs from a serial port. serialport's
 * `SerialPort` is the production implementation; `SerialPortMock` and test fakes are others.
 */
export interface SerialLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  /**
   * 'data' (Buffer), 'close' (a disconnect passes an error with `disconnected: true`), 'error';
   * listeners of different events take different arguments, hence `any`.
   */
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(): unknown;
}

export type SerialOpener = (s: SerialSettings) => SerialLike;

export const systemSerial: SerialOpener = (s) => new SerialPort({ path: s.path, baudRate: s.baudRate, parity: s.parity, dataBits: 8, stopBits: 1, autoOpen: false });

/** Bits on the wire per character: start + 8 data + parity (if any) + 1 stop. */
export function bitsPerChar(s: Pick<SerialSettings, 'parity'>): number {
  return s.parity === 'none' ? 10 : 11;
}

/**
 * The silence that delimits RTU frames (t3.5): 3.5 character times, and a fixed 1.75 ms above
 * 19200 baud (Modbus over serial line, §2.5.1.1).
 */
export function interFrameMs(s: Pick<SerialSettings, 'baudRate' | 'parity'>): number {
  return s.baudRate > 19_200 ? 1.75 : (3.5 * bitsPerChar(s) * 1000) / s.baudRate;
}

export function describeSerial(s: SerialSettings): string {
  return `${s.path}@${s.baudRate} 8${s.parity[0]!.toUpperCase()}1`;
}
