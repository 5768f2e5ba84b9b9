import { afterEach, describe, expect, it } from 'vitest';
import { readRequest } from '../../drivers/modbus/rtu-frame.js';
import { RtuPort } from '../../drivers/modbus/rtu-port.js';
import { readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';
import { interFrameMs } from '../../drivers/modbus/rtu-timing.js';
import { FakeClock } from '../../src/core/clock.js';
import { FakeCable } from './fake-cable.js';
import { failure } from './coded-failure.js';

const REGS = [1, 9476, 0, 541, 2, 7];
const request = readRequest(1, 3, 0, REGS.length);
const answer = readResponse(1, 3, registersPayload(REGS));
const turn = () => new Promise((r) => setImmediate(r));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A port on an in-memory cable whose far end answers every request with `reply()`. */
async function wired(settings: { baudRate: number; parity?: 'none' | 'even' | 'odd' }, reply: () => Buffer = () => answer, io = new FakeClock()) {
  const cable = new FakeCable();
  const slave = cable.opener('slave')({ path: 'slave', baudRate: settings.baudRate });
  await new Promise<void>((r) => slave.open(() => r()));
  slave.on('data', () => slave.write(reply()));
  const port = new RtuPort({ path: '/dev/ttyRS485', ...settings }, cable.opener('master'), io);
  cleanup.push(() => port.close());
  return { cable, port, io };
}

describe('the RTU inter-frame silence (t3.5)', () => {
  it('is 3.5 character times up to 19200 baud, with 10 or 11 bits per character, and 1.75 ms above', () => {
    expect(interFrameMs({ baudRate: 9600, parity: 'none' })).toBeCloseTo((3.5 * 10 * 1000) / 9600, 9);
    expect(interFrameMs({ baudRate: 9600, parity: 'even' })).toBeCloseTo((3.5 * 11 * 1000) / 9600, 9);
    expect(interFrameMs({ baudRate: 19200, parity: 'none' })).toBeCloseTo((3.5 * 10 * 1000) / 19200, 9);
    expect(interFrameMs({ baudRate: 38400, parity: 'odd' })).toBe(1.75);
  });

  it('is waited out before each request, from the last byte on the line', async () => {
    const { port, cable, io } = await wired({ baudRate: 9600, parity: 'even' }); // t3.5 = 4.01 ms → 5 ms timer
    await port.open();
    const first = port.transact(request, 100);
    await turn();
    io.advance(4);
    await turn();
    expect(cable.end('master')?.written).toEqual([]);
    io.advance(1);
    await first;
    expect(cable.end('master')?.written).toEqual([request]);
    expect(port.gapWaitMs).toBe(5);
    // Time enough has passed since the answer: the next request goes out at once.
    io.advance(10);
    await port.transact(request, 100);
    expect([cable.end('master')?.written.length, port.gapWaitMs]).toEqual([2, 5]);
  });
});

describe('one RTU port', () => {
  it('refuses a second transaction while one is in flight (callers must queue on the bus)', async () => {
    const { port, io } = await wired({ baudRate: 115200 });
    await port.open();
    const first = port.transact(request, 100);
    expect((await failure(port.transact(request, 100))).code).toBe('DRIVER_MISUSE');
    await turn();
    io.advance(2);
    expect(await first).toEqual({ kind: 'response', data: registersPayload(REGS) });
  });

  it('names its path and line settings when it fails', async () => {
    const { port, io } = await wired({ baudRate: 19200, parity: 'even' });
    const never = failure(port.transact(request, 100)); // never opened
    await turn();
    io.advance(3);
    const e = await never;
    expect([e.code, e.message]).toEqual(['MODBUS_IO', expect.stringContaining('/dev/ttyRS485@19200 8E1')]);
    expect(port.description).toBe('/dev/ttyRS485@19200 8E1');
  });

  it('finds the answer behind more line noise than it keeps (512 bytes) in one chunk', async () => {
    const noise = Buffer.alloc(600, 0x55); // no unit id 1 in it
    const { port, io } = await wired({ baudRate: 115200 }, () => Buffer.concat([noise, answer]));
    await port.open();
    const pending = port.transact(request, 100);
    await turn();
    io.advance(2);
    expect(await pending).toEqual({ kind: 'response', data: registersPayload(REGS) });
  });
});
