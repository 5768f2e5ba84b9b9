import { afterTurns } from '../helpers/turns.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { SerialPortMock } from 'serialport';
import { firmataIoConnector } from '../../drivers/firmata/firmata-io.js';
import { mockBinding, type SerialPortFactory, type SerialPortLike } from '../../drivers/kernel/serial-port.js';

/**
 * Stands in for firmata-io's Board (not installed here): it listens on the transport it is
 * given, like the real one, and is "ready" once the Arduino has sent anything.
 */
class StandInBoard extends EventEmitter {
  static last?: StandInBoard;
  readonly MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PULLUP: 11 };
  readonly analogPins = [14, 15, 16, 17, 18, 19];
  readonly modes = new Map<number, number>();
  readonly digital = new Map<number, (v: number) => void>();
  sampling?: number;

  constructor(readonly transport: SerialPortLike) {
    super();
    StandInBoard.last = this;
    transport.on('data', () => this.emit('ready'));
    transport.on('close', () => this.emit('close'));
  }
  pinMode(pin: number, mode: number) {
    this.modes.set(pin, mode);
  }
  digitalRead(pin: number, cb: (v: number) => void) {
    this.digital.set(pin, cb);
  }
  analogRead() {}
  digitalWrite() {}
  setSamplingInterval(ms: number) {
    this.sampling = ms;
  }
}

/** firmata-io's CommonJS export as seen through import(): a transport-binding function carrying `.Firmata`. */
const standInModule = async () => ({ default: Object.assign(() => StandInBoard, { Firmata: StandInBoard }) });

let opened: SerialPortMock[];
const ports: SerialPortFactory = (s) => {
  const p = new SerialPortMock({ ...s, autoOpen: false });
  opened.push(p);
  return p;
};

beforeEach(() => {
  opened = [];
  mockBinding.reset();
  mockBinding.createPort('/dev/ttyACM0', { echo: false, record: true });
});
afterEach(() => mockBinding.reset());

describe('firmata-io adapter (lazy optional package, over elevgw serialport)', () => {
  it('opens the port, waits for the handshake, and maps modes and reads onto the Board', async () => {
    const connecting = firmataIoConnector({ path: '/dev/ttyACM0', baudRate: 57600, ports, importFirmata: standInModule })();
    await afterTurns(() => expect(opened[0]?.isOpen).toBe(true));
    opened[0]!.port!.emitData(Buffer.from([0xf9, 2, 5])); // REPORT_VERSION from StandardFirmata
    const io = await connecting;
    const board = StandInBoard.last!;
    io.pinMode(2, 'pullup');
    io.pinMode(io.analogPin(0), 'analog');
    io.setSamplingInterval(100);
    const seen: number[] = [];
    io.digitalRead(2, (v) => seen.push(v));
    board.digital.get(2)!(1);
    expect([board.modes.get(2), board.modes.get(14), board.sampling, seen]).toEqual([11, 2, 100, [1]]);

    const lost = vi.fn();
    io.onLost(lost);
    await io.close();
    expect(opened[0]!.isOpen).toBe(false);
  });

  it('reports the board lost when the USB port goes away', async () => {
    const connecting = firmataIoConnector({ path: '/dev/ttyACM0', baudRate: 57600, ports, importFirmata: standInModule })();
    await afterTurns(() => expect(opened[0]?.isOpen).toBe(true));
    opened[0]!.port!.emitData(Buffer.from([0xf9, 2, 5]));
    const io = await connecting;
    const lost = vi.fn();
    io.onLost(lost);
    const binding = opened[0]!.port as unknown as { pendingRead: ((err?: Error) => void) | null };
    await afterTurns(() => expect(binding.pendingRead).not.toBeNull());
    binding.pendingRead!(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    await afterTurns(() => expect(lost).toHaveBeenCalledWith('closed'));
  });

  it('gives up on a board that never answers, and closes the port', async () => {
    await expect(firmataIoConnector({ path: '/dev/ttyACM0', baudRate: 57600, ports, importFirmata: standInModule, readyTimeoutMs: 30 })()).rejects.toThrow(
      /no Firmata handshake within 30 ms/,
    );
    expect(opened[0]!.isOpen).toBe(false);
  });
});
