import { systemTimers, type Timers } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import { systemSerialPorts, type SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import { RtuPorts, modbusRtuLink } from '../../drivers/modbus/rtu-link.js';
import { modbusTcpLink } from '../../drivers/modbus/tcp-link.js';
import { type HeardAnswer, HeardBytes } from './heard-bytes.js';
import type { BlockReader } from './profile-match.js';
import { describeSetting, type LineSetting } from './scan-settings.js';

/**
 * The lines `diag scan` talks on: one serial port at one line setting, or one Modbus TCP
 * connection. A ScanLine can only read — it has no write at all — so the scan cannot write to a
 * controller by mistake; the links underneath are the gateway's own (drivers/modbus).
 */
export type ScanTarget = { kind: 'rtu'; path: string } | { kind: 'tcp'; host: string; port: number };

export interface ScanLine extends BlockReader {
  /** Bytes the line brought back since it was opened (RTU); undefined where silence means nothing (TCP). */
  heard(): number | undefined;
  /** Well-formed answers to our requests heard on a serial line, late ones included (none on TCP). */
  answersHeard(): readonly HeardAnswer[];
  close(): Promise<void>;
}

export type LineOpener = (target: ScanTarget, setting: LineSetting | undefined) => Promise<ScanLine>;

/** Why a port or host could not be used: `locked` is another program (the gateway) holding it. */
export type Unavailability = 'locked' | 'missing' | 'denied' | 'refused' | 'lost' | 'other';

/** The port or host cannot be used (exit 3); `why` lets the command say what to do about it. */
export class LineUnavailable extends ElevgwError {
  constructor(
    readonly target: ScanTarget,
    readonly why: Unavailability,
    detail: string,
  ) {
    super('DIAG_UNREACHABLE', `${describeTarget(target)}: ${detail}`, { why });
  }
}

export function describeTarget(t: ScanTarget, setting?: LineSetting): string {
  return t.kind === 'tcp' ? `${t.host}:${t.port}` : setting ? `${t.path} ${describeSetting(setting)}` : t.path;
}

/** node-serialport and net error texts → what a technician can act on (`diag signals` reads the driver's last error with it too). */
export function unavailability(message: string): Unavailability {
  if (/cannot lock port|EBUSY|resource busy|temporarily unavailable/i.test(message)) return 'locked';
  if (/ENOENT|no such file/i.test(message)) return 'missing';
  if (/EACCES|permission denied/i.test(message)) return 'denied';
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/i.test(message)) return 'refused';
  return 'other';
}

/** Serial ports through the gateway's RTU stack, each setting on a fresh open (a parity change needs one). */
export function openLines(o: { openSerial?: SerialPortFactory; io?: Timers } = {}): LineOpener {
  return async (target, setting) => {
    if (target.kind === 'tcp') {
      const link = modbusTcpLink({ host: target.host, port: target.port });
      try {
        await link.open();
      } catch (e) {
        throw new LineUnavailable(target, unavailability(errorMessage(e)), errorMessage(e));
      }
      return { read: (u, b, t) => link.read(u, b, t), heard: () => undefined, answersHeard: () => [], close: () => link.close() };
    }
    if (!setting) throw new ElevgwError('DRIVER_MISUSE', 'a serial line needs a line setting');
    const io = o.io ?? systemTimers;
    const heard = new HeardBytes(() => io.now());
    const ports = new RtuPorts(heard.wrap(o.openSerial ?? systemSerialPorts), io);
    const link = modbusRtuLink({ path: target.path, baudRate: setting.baudRate, parity: setting.parity }, ports);
    try {
      await link.open();
    } catch (e) {
      await link.close();
      throw new LineUnavailable(target, unavailability(errorMessage(e)), errorMessage(e));
    }
    return { read: (u, b, t) => link.read(u, b, t), heard: () => heard.count, answersHeard: () => heard.answers, close: () => link.close() };
  };
}
