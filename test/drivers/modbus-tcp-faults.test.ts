import { afterEach, describe, expect, it } from 'vitest';
import { modbusTcpLink } from '../../drivers/modbus/tcp-link.js';
import { FakeClock } from '../../src/core/clock.js';
import { freePort } from '../helpers/ports.js';
import { settle } from '../helpers/turns.js';
import { failure, frame, HOST, mbapRig, registers } from './mbap-slave.js';

const HOLDING = { table: 'holding', address: 2, count: 2 } as const;

/**
 * The Modbus TCP client when the slave or the connection misbehaves, against a scripted slave on
 * loopback: every failure a coded error whose message names the endpoint and what went wrong
 * (the driver's health shows it to the technician), malformed answers that fail only their
 * request, a stream that is not Modbus TCP, a reset, a reopen, and deadlines in sample time.
 */
describe('Modbus TCP link faults', () => {
  const { slave, opened, cleanup } = mbapRig();
  afterEach(cleanup);

  it('a refused connection and a read before open are MODBUS_IO naming the endpoint', async () => {
    const port = await freePort();
    const link = modbusTcpLink({ host: HOST, port });
    const refused = await failure(link.open());
    expect([refused.error.code, refused.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${port}: connect ECONNREFUSED ${HOST}:${port}`]);
    const unopened = await failure(link.read(1, HOLDING, 100));
    expect([unopened.error.code, unopened.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${port}: not connected`]);
  });

  it('a slave that closes, or resets, the connection fails what is in flight with the reason', async () => {
    const closing = await slave((_r, socket) => socket.end());
    const a = await opened(closing.port);
    const closed = await failure(a.read(1, HOLDING, 60_000));
    expect([closed.error.code, closed.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${closing.port}: connection closed`]);
    const resetting = await slave((_r, socket) => socket.resetAndDestroy());
    const b = await opened(resetting.port);
    const reset = await failure(b.read(1, HOLDING, 60_000));
    expect([reset.error.code, reset.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${resetting.port}: read ECONNRESET`]);
    expect(b.isOpen()).toBe(false);
  });

  it('a timeout is MODBUS_TIMEOUT naming the unit and the time it had; an idle link then keeps no timer', async () => {
    const clock = new FakeClock();
    const s = await slave(() => undefined);
    const link = await opened(s.port, clock);
    const silent = failure(link.read(4, HOLDING, 250));
    await settle();
    clock.advance(250);
    const e = await silent;
    expect([e.error.code, e.error.message]).toEqual(['MODBUS_TIMEOUT', `modbus-tcp ${HOST}:${s.port}: unit 4 timed out (no answer within 250 ms)`]);
    expect(clock.timers).toBe(0);
  });

  it('times out two silent requests each at its own deadline, whichever was sent first', async () => {
    const clock = new FakeClock();
    const s = await slave(() => undefined);
    const link = await opened(s.port, clock);
    const done: string[] = [];
    const track = (name: string, p: Promise<unknown>) => failure(p).then((f) => done.push(`${name} ${f.code}`));
    const longFirst = track('long', link.read(1, HOLDING, 1000));
    const shortSecond = track('short', link.read(1, HOLDING, 100));
    await settle();
    clock.advance(100);
    await shortSecond;
    expect(done).toEqual(['short MODBUS_TIMEOUT']);
    clock.advance(899);
    await settle();
    expect(done).toEqual(['short MODBUS_TIMEOUT']);
    clock.advance(1);
    await longFirst;
    const shortFirst = track('short2', link.read(1, HOLDING, 100));
    const longSecond = track('long2', link.read(1, HOLDING, 1000));
    await settle();
    clock.advance(100);
    await shortFirst;
    expect(done.slice(2)).toEqual(['short2 MODBUS_TIMEOUT']);
    clock.advance(900);
    await longSecond;
    expect(clock.timers).toBe(0);
  });

  it('malformed answers fail only their own request, saying what was wrong; the connection stays', async () => {
    const answers = [
      // An exception response cut short: no exception code.
      (r: Parameters<typeof registers>[0]) => frame(r.id, r.unitId, [r.fc | 0x80]),
      // The answer of another function with the right byte count.
      (r: Parameters<typeof registers>[0]) => frame(r.id, r.unitId, [4, 4, 0, 1, 0, 2]),
      // A byte count of 4 with 2 bytes, then a byte count of 3 with 4.
      (r: Parameters<typeof registers>[0]) => frame(r.id, r.unitId, [r.fc, 4, 0, 1]),
      (r: Parameters<typeof registers>[0]) => frame(r.id, r.unitId, [r.fc, 3, 0, 1, 0, 2]),
      // The longest length field the protocol allows (254): a frame, if not the right one.
      (r: Parameters<typeof registers>[0]) => frame(r.id, r.unitId, [r.fc, ...new Array<number>(252).fill(0)]),
      (r: Parameters<typeof registers>[0]) => registers(r, [7, 8]),
    ];
    const s = await slave((r, socket, seen) => socket.write(answers[seen.length - 1]!(r)));
    const link = await opened(s.port);
    const at = `modbus-tcp ${HOST}:${s.port}`;
    const messages = [];
    for (let i = 0; i < 5; i++) {
      const f = await failure(link.read(1, HOLDING, 60_000));
      expect(f.error.code).toBe('MODBUS_IO');
      messages.push(f.error.message);
    }
    expect(messages).toEqual([
      `${at}: answer from unit 1 with function 131 to a request to unit 1 with function 3`,
      `${at}: answer from unit 1 with function 4 to a request to unit 1 with function 3`,
      `${at}: read answered with byte count 4 and 2 data bytes, expected 4`,
      `${at}: read answered with byte count 3 and 4 data bytes, expected 4`,
      `${at}: read answered with byte count 0 and 251 data bytes, expected 4`,
    ]);
    expect((await link.read(1, HOLDING, 60_000)).words).toEqual([7, 8]);
  });

  it('a write answered with anything but its 6-byte echo is MODBUS_IO', async () => {
    const s = await slave((r, socket) => socket.write(frame(r.id, r.unitId, [r.fc, 0, 40])));
    const link = await opened(s.port);
    const f = await failure(link.writeRegister(1, 40, 1, 60_000));
    expect([f.error.code, f.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${s.port}: write answered with 4 bytes, expected 6`]);
  });

  it('answers that arrive together are cut apart: five full-size reads in more bytes than one socket read takes, two write echoes in one segment', async () => {
    const full = { table: 'holding', address: 0, count: 125 } as const;
    const words = (r: { id: number }) => Array.from({ length: 125 }, (_, i) => r.id * 1000 + i);
    const s = await slave((_r, socket, seen) => {
      if (seen.length === 5) socket.write(Buffer.concat(seen.map((q) => registers(q, words(q))))); // 5 × 259 bytes
      if (seen.length === 7) socket.write(Buffer.concat(seen.slice(5).map((q) => frame(q.id, q.unitId, [q.fc, q.a >> 8, q.a & 0xff, q.b >> 8, q.b & 0xff]))));
    });
    const link = await opened(s.port);
    const reads = await Promise.all(Array.from({ length: 5 }, () => link.read(1, full, 60_000)));
    expect(reads.map((r) => r.words)).toEqual(s.seen.slice(0, 5).map((q) => words(q)));
    await expect(Promise.all([link.writeRegister(1, 10, 1, 60_000), link.writeRegister(1, 11, 2, 60_000)])).resolves.toEqual([undefined, undefined]);
  });

  it('a length field no Modbus frame has (under 2, over 254) drops the connection at once, saying why', async () => {
    for (const length of [1, 255]) {
      const s = await slave((r, socket) => {
        const f = frame(r.id, r.unitId, [r.fc, 4, 0, 1, 0, 2]);
        f.writeUInt16BE(length, 4);
        socket.write(f);
      });
      const link = await opened(s.port);
      const f = await failure(link.read(1, HOLDING, 60_000));
      expect([f.error.code, f.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${s.port}: not a Modbus TCP stream (protocol 0, length ${length}): connection dropped`]);
      expect(link.isOpen()).toBe(false);
    }
  });

  it('reopening fails what the old connection had in flight, and the old one closing later leaves the new one up', async () => {
    const s = await slave((r, socket, seen) => {
      if (seen.length > 1) socket.write(registers(r, [5, 6]));
    });
    const link = await opened(s.port);
    const orphan = failure(link.read(1, HOLDING, 60_000));
    await expect.poll(() => s.seen.length).toBe(1);
    await link.open();
    const f = await orphan;
    expect([f.error.code, f.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${s.port}: reopened`]);
    // The old socket's close arrives after the new connection is up.
    await expect.poll(() => s.sockets.size).toBe(1);
    await settle();
    expect(link.isOpen()).toBe(true);
    expect((await link.read(1, HOLDING, 60_000)).words).toEqual([5, 6]);
  });

  it('close() fails what is in flight as "link closed" and leaves the link closed', async () => {
    const s = await slave(() => undefined);
    const link = await opened(s.port);
    const pending = failure(link.read(1, HOLDING, 60_000));
    await expect.poll(() => s.seen.length).toBe(1);
    await link.close();
    const f = await pending;
    expect([f.error.code, f.error.message]).toEqual(['MODBUS_IO', `modbus-tcp ${HOST}:${s.port}: link closed`]);
    expect(link.isOpen()).toBe(false);
  });
});
