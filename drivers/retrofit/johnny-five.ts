import { systemTimers, type Timers } from '../../src/core/clock.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import { systemSerialPorts, type SerialPortFactory, type SerialPortLike } from '../kernel/serial-port.js';
import type { RetrofitConnector, RetrofitLink } from './i2c.js';
import { type IoPlugin, ioPluginLink } from './io-plugin.js';

/** Variables, so TypeScript does not resolve the optional packages at build time. */
const FIRMATA_IO = 'firmata-io';
const JOHNNY_FIVE = 'johnny-five';

/** firmata-io's Board, as johnny-five uses it for `io`. */
interface FirmataBoard extends IoPlugin {
  readonly isReady?: boolean;
  once(event: 'ready', listener: () => void): unknown;
  on(event: string, listener: (arg?: unknown) => void): unknown;
}
type FirmataBoardClass = new (transport: SerialPortLike, options: { reportVersionTimeout: number; skipCapabilities?: boolean }) => FirmataBoard;

/** johnny-five's Board: an EventEmitter passing IO calls through to `io`. */
interface FiveBoard extends IoPlugin {
  once(event: 'ready', listener: () => void): unknown;
  on(event: 'error' | 'close' | 'disconnect', listener: (arg?: unknown) => void): unknown;
}
type FiveBoardClass = (new (options: { io: unknown; repl: false; debug: false; sigint: false; timeout: number }) => FiveBoard) & { cache?: unknown[] };
interface FiveModule {
  Board: FiveBoardClass;
}

export interface JohnnyFiveOptions {
  path: string;
  baudRate: number;
  ports?: SerialPortFactory;
  /** Opening resets an Arduino: its bootloader takes ≈ 2 s before StandardFirmata answers. */
  readyTimeoutMs?: number;
  /** Injected in tests; by default the optional packages. */
  importFirmata?: () => Promise<unknown>;
  importJohnnyFive?: () => Promise<unknown>;
  /** Handshake and I²C read timeouts are physical: real time by default. */
  io?: Timers;
}

function classOf<T>(mod: unknown, key: string): T | undefined {
  const m = (mod as { default?: unknown } | undefined)?.default ?? mod;
  const named = (m as Record<string, unknown> | undefined)?.[key];
  if (typeof named === 'function') return named as T;
  if (key === 'Firmata' && typeof m === 'function') return (m as (t: null) => T)(null);
  return undefined;
}

async function load(what: string, importer: () => Promise<unknown>): Promise<unknown> {
  try {
    return await importer();
  } catch (e) {
    throw new ElevgwError('DRIVER_OPEN_FAILED', `retrofit-firmata boards need the optional package "${what}" (npm install ${what}), which is not installed: ${errorMessage(e)}`);
  }
}

/** johnny-five's Board class, from the optional package. */
export async function loadJohnnyFive(importer: () => Promise<unknown> = () => import(JOHNNY_FIVE)): Promise<FiveBoardClass> {
  const five = (await load(JOHNNY_FIVE, importer)) as { default?: FiveModule } & FiveModule;
  const Five = (five.default ?? five).Board;
  if (typeof Five !== 'function') throw new ElevgwError('DRIVER_OPEN_FAILED', 'the installed johnny-five has no Board class (expected johnny-five 2.x)');
  return Five;
}

/**
 * johnny-five's Board on an IO plugin that is ready (firmata-io's Board after its handshake, or
 * the simulator's mock board), and the box's link through it. `io.close` is told when the link closes.
 */
export async function johnnyFiveLink(
  io: IoPlugin & { on(event: string, listener: (arg?: unknown) => void): unknown },
  Five: FiveBoardClass,
  o: { description: string; timers: Timers; close: () => Promise<void> },
): Promise<RetrofitLink> {
  const lost: ((reason: string) => void)[] = [];
  let gone = false;
  const goneWith = (reason: string) => {
    if (gone) return;
    gone = true;
    for (const cb of lost) cb(reason);
  };
  const board = new Five({ io, repl: false, debug: false, sigint: false, timeout: 10_000 });
  board.on('error', (e) => goneWith(errorMessage(e)));
  await within(o.timers, 2000, 'johnny-five did not take the board', (done) => board.once('ready', done));
  board.on('close', () => goneWith('closed'));
  board.on('disconnect', () => goneWith('disconnected'));
  return ioPluginLink(board, {
    description: o.description,
    io: o.timers,
    onLost: (cb) => lost.push(cb),
    async close() {
      gone = true;
      // johnny-five keeps every Board in a module-level cache: a reconnect must not pile them up.
      const cache = Five.cache;
      const at = cache?.indexOf(board) ?? -1;
      if (cache && at >= 0) cache.splice(at, 1);
      await o.close();
    },
  });
}

/**
 * A Firmata sensor box through johnny-five, both optional packages loaded only when such a board
 * is configured. johnny-five runs on an `io` object — firmata-io's Board over elevgw's own
 * serialport 13 — so its old serialport dependency never opens a port. Its BMP280 and MPU-6050
 * drivers are not used (rounded altitude, no IIR filter, no FIFO, no sample times): the box
 * talks to the sensors' registers through johnny-five's I²C pass-through.
 */
export function johnnyFiveConnector(o: JohnnyFiveOptions): RetrofitConnector {
  return async (stopping) => {
    const timers = o.io ?? systemTimers;
    const Firmata = classOf<FirmataBoardClass>(await load(FIRMATA_IO, o.importFirmata ?? (() => import(FIRMATA_IO))), 'Firmata');
    if (!Firmata) throw new ElevgwError('DRIVER_OPEN_FAILED', 'the installed "firmata-io" has no Firmata board class (expected firmata-io 2.x)');
    const Five = await loadJohnnyFive(o.importJohnnyFive);
    const port = (o.ports ?? systemSerialPorts)({ path: o.path, baudRate: o.baudRate });
    const closePort = () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    try {
      const firmata = new Firmata(port, { reportVersionTimeout: 3000 });
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      await within(timers, o.readyTimeoutMs ?? 10_000, 'no Firmata handshake (is StandardFirmata loaded?)', (done) => firmata.once('ready', done), stopping);
      return await johnnyFiveLink(firmata, Five, { description: `johnny-five on firmata ${o.path}@${o.baudRate}`, timers, close: closePort });
    } catch (e) {
      await closePort();
      throw e instanceof ElevgwError ? e : new ElevgwError('FIRMATA_IO', errorMessage(e));
    }
  };
}

/** Waits for `wait` to be done, at most `ms`; a stop (`stopping`) ends the wait at once. */
function within(io: Timers, ms: number, what: string, wait: (done: () => void) => void, stopping?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = io.after(ms, () => reject(new ElevgwError('FIRMATA_IO', `${what} within ${ms} ms`)));
    const stopped = () => {
      t.cancel();
      reject(new ElevgwError('FIRMATA_IO', `stopped while waiting: ${what}`));
    };
    if (stopping?.aborted) return stopped();
    stopping?.addEventListener('abort', stopped, { once: true });
    wait(() => {
      t.cancel();
      stopping?.removeEventListener('abort', stopped);
      resolve();
    });
  });
}
