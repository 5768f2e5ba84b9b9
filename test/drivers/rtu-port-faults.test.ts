import { afterEach, describe, expect, it } from 'vitest';
import type { SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import { readRequest } from '../../drivers/modbus/rtu-frame.js';
import { RtuPort } from '../../drivers/modbus/rtu-port.js';
import { exceptionResponse, readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';
import { FakeClock } from '../../src/core/clock.js';
import { afterTurns, settle } from '../helpers/turns.js';
import { FakeCable, type FakeEnd } from './fake-cable.js';
import { failure } from './coded-failure.js';

/**
 * One RTU port when the line or the port misbehaves: the port closing or failing under a
 * transaction, a write the adapter refuses, an answer with a bad CRC, bytes that never make an
 * answer, an exception, and the silence before a request when the line was just busy. In
 * sample time on an in-memory cable: no test here waits on the wall clock.
 */
const REGS = [1, 9476, 0, 541];
const request = readRequest(1, 3, 0, REGS.length);
const answer = readResponse(1, 3, registersPayload(REGS));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/**
 * A port at 9600 8E1 (t3.5 = 4.01 ms, a 5 ms timer) on a cable whose far end answers each
 * request with `reply(request)` (nothing when it returns undefined); the clock starts at 1000 ms.
 */
async function wired(reply: (req: Buffer) => Buffer | undefined = () => answer) {
  const cable = new FakeCable();
  const slave = cable.opener('slave')({ path: 'slave', baudRate: 9600 });
  await new Promise<void>((r) => slave.open(() => r()));
  slave.on('data', (req: Buffer) => {
    const out = reply(req);
    if (out) slave.write(out);
  });
  let opened = 0;
  const opener: SerialPortFactory = (s) => {
    opened++;
    return cable.opener('master')(s);
  };
  const io = new FakeClock(1000);
  const port = new RtuPort({ path: '/dev/ttyRS485', baudRate: 9600, parity: 'even' }, opener, io);
  cleanup.push(() => port.close());
  await port.open();
  const master = cable.end('master') as FakeEnd;
  return { cable, port, io, master, opens: () => opened };
}

/** A transaction put on the wire: the silence waited out, the request written. */
async function onTheWire(r: Awaited<ReturnType<typeof wired>>, timeoutMs = 10_000) {
  const before = r.master.written.length;
  let settled = false;
  const p = r.port.transact(request, timeoutMs);
  p.then(done, done); // also marks a rejection handled until the test awaits it
  function done() {
    settled = true;
  }
  await settle();
  r.io.advance(5);
  await afterTurns(() => expect(r.master.written.length).toBe(before + 1));
  return { p, settled: () => settled };
}

describe('an RTU port losing its port under a transaction', () => {
  it('a port that closes with an error (USB adapter pulled) fails the transaction at once with the reason, and reads closed', async () => {
    const r = await wired(() => undefined);
    const t = await onTheWire(r);
    r.master.disconnect();
    await afterTurns(() => expect(t.settled()).toBe(true));
    const e = await failure(t.p);
    expect([e.code, e.message]).toEqual(['MODBUS_IO', '/dev/ttyRS485@9600 8E1: Disconnected']);
    expect(r.port.isOpen).toBe(false);
  });

  it('a port closed from outside without an error fails it as "port closed"', async () => {
    const r = await wired(() => undefined);
    const t = await onTheWire(r);
    r.master.close();
    await afterTurns(() => expect(t.settled()).toBe(true));
    expect((await failure(t.p)).message).toBe('/dev/ttyRS485@9600 8E1: port closed');
  });

  it('an error event (EIO) fails it, closes the port, and a late error from that port afterwards is ignored', async () => {
    const r = await wired(() => undefined);
    const t = await onTheWire(r);
    r.master.emit('error', new Error('EIO: i/o error, read'));
    await afterTurns(() => expect(t.settled()).toBe(true));
    const e = await failure(t.p);
    expect([e.code, e.message]).toEqual(['MODBUS_IO', '/dev/ttyRS485@9600 8E1: EIO: i/o error, read']);
    expect([r.port.isOpen, r.master.isOpen]).toEqual([false, false]);
    expect(() => r.master.emit('error', new Error('EIO again'))).not.toThrow();
  });

  it('a write the adapter refuses fails it at once with the reason', async () => {
    const r = await wired();
    r.master.writeError = new Error('EIO: i/o error, write');
    let settled = false;
    const p = r.port.transact(request, 10_000);
    p.catch(() => (settled = true));
    await settle();
    r.io.advance(5);
    await afterTurns(() => expect(settled).toBe(true));
    const e = await failure(p);
    expect([e.code, e.message]).toEqual(['MODBUS_IO', '/dev/ttyRS485@9600 8E1: EIO: i/o error, write']);
    expect(r.port.isOpen).toBe(false);
  });

  it('close() fails what is in flight as "port closed"', async () => {
    const r = await wired(() => undefined);
    const t = await onTheWire(r);
    await r.port.close();
    const e = await failure(t.p);
    expect([e.code, e.message]).toEqual(['MODBUS_IO', 'port closed']);
  });
});

describe('an RTU port’s answers', () => {
  it('an answer with a bad CRC fails at once with MODBUS_CRC, not at the timeout', async () => {
    const bad = Buffer.from(answer);
    bad[bad.length - 1]! ^= 0xff;
    const r = await wired(() => bad);
    const t = await onTheWire(r);
    await afterTurns(() => expect(t.settled()).toBe(true));
    const e = await failure(t.p);
    expect([e.code, e.message]).toEqual(['MODBUS_CRC', 'unit 1: response failed the CRC check']);
  });

  it('bytes that never make an answer are MODBUS_CRC at the timeout; no bytes at all are MODBUS_TIMEOUT', async () => {
    const r = await wired(() => Buffer.from([0x55, 0x55, 0x55]));
    const garbled = await onTheWire(r, 200);
    await settle();
    r.io.advance(199);
    await settle();
    expect(garbled.settled()).toBe(false);
    r.io.advance(1);
    const e = await failure(garbled.p);
    expect([e.code, e.message]).toEqual(['MODBUS_CRC', 'unit 1: 3 byte(s) received within 200 ms but no valid response']);

    const s = await wired(() => undefined);
    const silent = await onTheWire(s, 200);
    s.io.advance(200);
    const f = await failure(silent.p);
    expect([f.code, f.message]).toEqual(['MODBUS_TIMEOUT', 'unit 1: no response within 200 ms']);
  });

  it('an exception response is the slave’s answer, with its code', async () => {
    const r = await wired(() => exceptionResponse(1, 3, 2));
    const t = await onTheWire(r);
    expect(await t.p).toEqual({ kind: 'exception', code: 2 });
  });
});

describe('an RTU port’s line discipline', () => {
  it('waits out the silence after the last answer before the next request, and counts it', async () => {
    const r = await wired();
    const first = await onTheWire(r);
    await first.p;
    expect(r.port.gapWaitMs).toBe(5);
    // The answer has just ended: the next request must wait t3.5 again.
    const next = r.port.transact(request, 100);
    await settle();
    expect(r.master.written.length).toBe(1);
    r.io.advance(5);
    await next;
    expect([r.master.written.length, r.port.gapWaitMs]).toEqual([2, 10]);
  });

  it('an open port is not opened again', async () => {
    const r = await wired();
    await r.port.open();
    expect(r.opens()).toBe(1);
  });

  it('a second transaction in flight is refused, saying why; a port that cannot open says which and why', async () => {
    const r = await wired(() => undefined);
    const t = await onTheWire(r, 100);
    const e = await failure(r.port.transact(request, 100));
    expect([e.code, e.message]).toEqual(['DRIVER_MISUSE', '/dev/ttyRS485@9600 8E1: one transaction at a time (callers must queue on the bus)']);
    r.io.advance(100);
    await failure(t.p);

    const cable = new FakeCable();
    cable.unplug();
    const port = new RtuPort({ path: '/dev/ttyUSB3', baudRate: 19200 }, cable.opener('master'), new FakeClock());
    const o = await failure(port.open());
    expect([o.code, o.message]).toEqual(['MODBUS_IO', 'open /dev/ttyUSB3@19200 8N1: Error: No such file or directory, cannot open master']);
  });
});
