import { bitsPerChar, type SerialSettings } from '../kernel/serial-port.js';

/**
 * The silence that delimits RTU frames (t3.5): 3.5 character times, and a fixed 1.75 ms above
 * 19200 baud (Modbus over serial line, §2.5.1.1).
 */
export function interFrameMs(s: Pick<SerialSettings, 'baudRate' | 'parity'>): number {
  return s.baudRate > 19_200 ? 1.75 : (3.5 * bitsPerChar(s) * 1000) / s.baudRate;
}
