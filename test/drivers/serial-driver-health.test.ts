import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SerialPortLike, SerialSettings } from '../../drivers/kernel/serial-port.js';
import { SerialFramedDriver } from '../../drivers/serial/driver.js';
import { encodeFrame } from '../../drivers/serial/encode.js';
import type { SerialFramedBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { encodeSensorboxFrame } from '../../src/sim/serial-sensorbox.js';

/**
 * The framed serial driver's health and its journal lines, over a port the test drives by hand:
 * what `elevgw health` and `diag` show a technician when a sensor box is silent, noisy, short or
 * unplugged. (serial-driver.test.ts runs the same driver over node-serialport's mock binding.)
 */

const PATH = '/dev/ttyBOX';
const sensorbox = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'), 'serial-framed');
const frame = (positionMm = 1000) => encodeSensorboxFrame({ ...new VirtualElevator().state(), positionMm });

class HandPort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  readonly writableLength = 0;
  written = 0;
  constructor(readonly path: string) {
    super();
  }
  open(cb: (err: Error | null) => void): void {
    this.isOpen = true;
    cb(null);
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    cb?.(null);
  }
  write(): boolean {
    this.written++;
    return true;
  }
  flush(cb?: (err: Error | null) => void): void {
    cb?.(null);
  }
}

type Line = { level: number; msg: string; code?: string; port?: string; board?: string };
let clock: FakeClock;
let ports: HandPort[];
let lines: Line[];

function open(board: SerialFramedBoardProfile = sensorbox): Promise<SerialFramedDriver> {
  const d = new SerialFramedDriver({
    board,
    connection: { path: PATH, baudRate: 115200 },
    ports: (s: SerialSettings) => {
      const p = new HandPort(s.path);
      ports.push(p);
      return p;
    },
    clock,
    logger: createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as Line) } }),
    reopenMinMs: 500,
  });
  return d.open().then(() => d);
}
const port = () => ports.at(-1)!;
const warned = (code: string) => lines.filter((l) => l.code === code);

beforeEach(() => {
  clock = new FakeClock(1000);
  ports = [];
  lines = [];
});

describe('framed serial driver: health a technician reads', () => {
  it('open but silent: degraded with SERIAL_STALE from the start, counted and logged once however long it lasts', async () => {
    const d = await open();
    expect(d.health()).toMatchObject({ state: 'degraded', link: 'open', lastErrorCode: 'SERIAL_STALE', lastError: 'no valid frame on /dev/ttyBOX for 200 ms' });
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await d.poll('fast');
    }
    expect(d.health()).toMatchObject({ state: 'degraded', failures: 1, consecutiveFailures: 1 });
    expect(warned('SERIAL_STALE')).toEqual([expect.objectContaining({ port: PATH, board: 'serial-sensorbox', msg: 'no valid frame on /dev/ttyBOX for 200 ms' })]);
  });

  it('the first frame makes it ok at once, without waiting for a poll', async () => {
    const d = await open();
    port().emit('data', frame());
    expect(d.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0, transactions: 1 });
    expect(lines.at(-1)).toMatchObject({ msg: 'reads good again', port: PATH });
  });

  it('ok up to staleAfterMs after the last frame, degraded one millisecond later, counted once', async () => {
    const d = await open();
    port().emit('data', frame());
    clock.advance(sensorbox.staleAfterMs);
    await d.poll('fast');
    expect(d.health().state).toBe('ok');
    clock.advance(1);
    await d.poll('fast');
    await d.poll('fast');
    expect(d.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'SERIAL_STALE', consecutiveFailures: 1, failures: 2 });
  });

  it('bad frames: FRAME_INVALID with their counts, ok again with the next good frame; good frames count no failure', async () => {
    const d = await open();
    for (let i = 0; i < 3; i++) port().emit('data', frame(i));
    const failures = d.health().failures;
    expect(failures).toBe(1); // the silence before the first frame
    const corrupt = frame();
    corrupt[6]! ^= 0x01;
    port().emit('data', corrupt);
    expect(d.health()).toMatchObject({ state: 'ok', lastErrorCode: 'FRAME_INVALID', lastError: '1 checksum and 0 length error(s) on /dev/ttyBOX', consecutiveFailures: 1 });
    port().emit('data', Buffer.from([0xaa, 0x55, 0xf0])); // announces 240 bytes: more than maxLength
    expect(d.health()).toMatchObject({ lastError: '0 checksum and 1 length error(s) on /dev/ttyBOX', consecutiveFailures: 2 });
    port().emit('data', frame(7));
    expect(d.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0, failures: failures + 2 });
    expect(d.stats()).toMatchObject({ frames: 4, checksumErrors: 1, lengthErrors: 1 });
  });

  it('a valid frame too short for the profile’s fields: counted, reported, and no value taken from it', async () => {
    const loose = { ...sensorbox, framing: { ...sensorbox.framing, minLength: 1 } } as SerialFramedBoardProfile;
    const d = await open(loose);
    port().emit('data', encodeFrame(loose.framing, Buffer.from([1, 0, 0])));
    expect(d.stats()).toMatchObject({ frames: 1, shortFrames: 1 });
    expect(d.health()).toMatchObject({ lastErrorCode: 'FRAME_INVALID', lastError: "a 3-byte frame on /dev/ttyBOX; the profile's fields need 10" });
    expect((await d.poll('fast')).every((p) => p.quality === 'bad')).toBe(true);
    expect(d.health().state).toBe('degraded');
  });

  it('a poll returns its own group’s points only', async () => {
    const twoGroups = {
      ...sensorbox,
      pollGroups: [...sensorbox.pollGroups, { name: 'slow', intervalMs: 1000 }],
      points: sensorbox.points.map((p) => (p.name === 'heartbeat' || p.name === 'version' ? { ...p, group: 'slow' } : p)),
    } as SerialFramedBoardProfile;
    const d = await open(twoGroups);
    port().emit('data', frame());
    expect((await d.poll('slow')).map((p) => p.point)).toEqual(['version', 'heartbeat']);
    expect((await d.poll('fast')).map((p) => p.point)).not.toContain('heartbeat');
    expect(await d.poll('nothing')).toEqual([]);
  });

  it('a port error is counted as SERIAL_IO without giving the port up', async () => {
    const d = await open();
    port().emit('data', frame());
    port().emit('error', new Error('EAGAIN'));
    expect(d.health()).toMatchObject({ state: 'ok', link: 'open', lastErrorCode: 'SERIAL_IO', lastError: '/dev/ttyBOX: EAGAIN' });
    expect(ports).toHaveLength(1);
  });

  it('a port closed under it: lost, reopened after the back-off; the old port is not listened to any more', async () => {
    const d = await open();
    const old = port();
    old.emit('data', frame());
    old.emit('close', null);
    expect(d.health()).toMatchObject({ state: 'lost', link: 'lost', lastErrorCode: 'SERIAL_IO', lastError: '/dev/ttyBOX lost: closed' });
    expect(old.isOpen).toBe(false);
    clock.advance(500);
    await d.poll('fast');
    expect(ports).toHaveLength(2);
    port().emit('data', frame(2000));
    old.emit('data', frame(9999));
    old.emit('close', new Error('late'));
    old.emit('error', new Error('late'));
    expect(d.stats().frames).toBe(2);
    expect(d.health()).toMatchObject({ state: 'ok', link: 'open', errorsByCode: { SERIAL_STALE: 2, SERIAL_IO: 1 } });
    const position = (await d.poll('fast')).find((p) => p.point === 'position')!;
    expect(position).toMatchObject({ value: 2000, quality: 'good' });
  });

  it('close() closes the port and forgets the values; nothing is ever written', async () => {
    const d = await open();
    port().emit('data', frame());
    await d.close();
    expect(port().isOpen).toBe(false);
    expect(d.health().link).toBe('closed');
    expect(ports.reduce((n, p) => n + p.written, 0)).toBe(0);
  });
});
