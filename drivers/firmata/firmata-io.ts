import { systemTimers, type Timers } from '../../src/core/clock.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import { systemSerialPorts, type SerialPortFactory, type SerialPortLike } from '../kernel/serial-port.js';
import type { FirmataCapabilities, FirmataConnector, FirmataDigitalMode, FirmataIo, FirmataPinMode } from './io.js';

/** What elevgw uses of firmata-io's Board (firmata.js 2.x). */
interface FirmataBoard {
  MODES: { INPUT: number; OUTPUT: number; ANALOG: number; PULLUP: number };
  /** From the capability answer, by pin number. */
  pins: { supportedModes: number[] }[];
  /** From the analog-mapping answer: the pin of each analog channel. */
  analogPins: number[];
  pinMode(pin: number, mode: number): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  analogRead(channel: number, callback: (value: number) => void): void;
  digitalWrite(pin: number, value: number): void;
  setSamplingInterval(ms: number): void;
  once(event: 'ready', listener: () => void): void;
  on(event: 'close' | 'disconnect' | 'error', listener: (arg?: unknown) => void): void;
}
type FirmataBoardClass = new (transport: SerialPortLike, options: { reportVersionTimeout: number }) => FirmataBoard;

/** A variable, so TypeScript does not resolve the optional package at build time. */
const FIRMATA_IO = 'firmata-io';

export interface FirmataIoOptions {
  path: string;
  baudRate: number;
  ports?: SerialPortFactory;
  /** Opening resets an Arduino (DTR): the bootloader takes ~2 s before StandardFirmata answers. */
  readyTimeoutMs?: number;
  /** Injected in tests; by default `import('firmata-io')`. */
  importFirmata?: () => Promise<unknown>;
  /** The handshake wait is real time on a real wire. */
  io?: Timers;
}

/** firmata-io exports a transport-binding function with the Board class as `.Firmata` (or returned by it). */
function boardClassOf(mod: unknown): FirmataBoardClass | undefined {
  const m = (mod as { default?: unknown } | undefined)?.default ?? mod;
  const withClass = m as { Firmata?: unknown } | undefined;
  if (typeof withClass?.Firmata === 'function') return withClass.Firmata as FirmataBoardClass;
  if (typeof m === 'function') return (m as (transport: null) => FirmataBoardClass)(null);
  return undefined;
}

/** The modes elevgw uses, as the board listed them for each pin. */
function capabilitiesOf(board: FirmataBoard): FirmataCapabilities {
  const named = Object.entries({ input: board.MODES.INPUT, pullup: board.MODES.PULLUP, output: board.MODES.OUTPUT, analog: board.MODES.ANALOG }) as [FirmataPinMode, number][];
  return {
    pins: board.pins.map((p) => named.filter(([, n]) => p.supportedModes.includes(n)).map(([m]) => m)),
    analogChannels: board.analogPins.length,
  };
}

const MODE_OF: Record<FirmataDigitalMode, keyof FirmataBoard['MODES']> = { input: 'INPUT', pullup: 'PULLUP', output: 'OUTPUT' };

/**
 * Connects through firmata-io, an optional dependency loaded only when a firmata board is
 * configured, over elevgw's own serialport (no second serialport version is pulled in).
 */
export function firmataIoConnector(o: FirmataIoOptions): FirmataConnector {
  return async (stopping) => {
    let mod: unknown;
    try {
      mod = await (o.importFirmata ?? (() => import(FIRMATA_IO)))();
    } catch (e) {
      throw new ElevgwError('DRIVER_OPEN_FAILED', `firmata boards need the optional package "firmata-io" (npm install firmata-io), which is not installed: ${errorMessage(e)}`);
    }
    const Board = boardClassOf(mod);
    if (!Board) throw new ElevgwError('DRIVER_OPEN_FAILED', 'the installed "firmata-io" package has no Firmata board class (expected firmata-io 2.x)');
    const port = (o.ports ?? systemSerialPorts)({ path: o.path, baudRate: o.baudRate });
    const board = new Board(port, { reportVersionTimeout: 3000 });
    const lost: ((reason: string) => void)[] = [];
    let gone = false;
    const goneWith = (reason: string) => {
      if (gone) return;
      gone = true;
      for (const cb of lost) cb(reason);
    };
    board.on('error', (e) => goneWith(errorMessage(e)));
    board.on('close', () => goneWith('closed'));
    board.on('disconnect', () => goneWith('disconnected'));
    const closePort = () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) => {
        const waitMs = o.readyTimeoutMs ?? 10_000;
        const t = (o.io ?? systemTimers).after(waitMs, () => reject(new ElevgwError('FIRMATA_IO', `no Firmata handshake within ${waitMs} ms (is StandardFirmata loaded?)`)));
        const stopped = () => {
          t.cancel();
          reject(new ElevgwError('FIRMATA_IO', 'stopped while waiting for the Firmata handshake'));
        };
        if (stopping?.aborted) return stopped();
        stopping?.addEventListener('abort', stopped, { once: true });
        board.once('ready', () => {
          t.cancel();
          stopping?.removeEventListener('abort', stopped);
          resolve();
        });
      });
    } catch (e) {
      gone = true;
      await closePort();
      throw e;
    }
    const io: FirmataIo = {
      description: `firmata ${o.path}@${o.baudRate}`,
      capabilities: capabilitiesOf(board),
      pinMode: (pin, mode) => board.pinMode(pin, board.MODES[MODE_OF[mode]]),
      digitalRead: (pin, onValue) => board.digitalRead(pin, (v) => onValue(v ? 1 : 0)),
      // firmata-io numbers an analog pin by its channel (A0 = 0) for ANALOG mode, unlike every other mode
      analogRead: (channel, onValue) => {
        board.pinMode(channel, board.MODES.ANALOG);
        board.analogRead(channel, onValue);
      },
      digitalWrite: (pin, value) => board.digitalWrite(pin, value),
      setSamplingInterval: (ms) => board.setSamplingInterval(ms),
      onLost: (cb) => lost.push(cb),
      close: async () => {
        gone = true;
        await closePort();
      },
    };
    return io;
  };
}
