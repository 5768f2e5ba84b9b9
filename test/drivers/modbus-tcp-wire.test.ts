import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { failure, frame, mbapRig, registers } from './mbap-slave.js';

const HOLDING = { table: 'holding', address: 2, count: 2 } as const;

/**
 * The Modbus TCP client's wire behaviour against a scripted slave that sees every request and
 * decides what goes back, when and in how many pieces: transaction ids, framing across reads,
 * late answers, a dropped or garbled connection, the write echo, timeouts in sample time.
 */
describe('Modbus TCP link on the wire', () => {
  const { slave, opened, cleanup } = mbapRig();
  afterEach(cleanup);

  it('sends MBAP requests with a new transaction id each and reads the words of the answer', async () => {
    const s = await slave((r, socket) => socket.write(registers(r, [r.a, r.b * 1000])));
    const link = await opened(s.port);
    expect(await link.read(7, HOLDING, 1000)).toEqual({ block: HOLDING, words: [2, 2000] });
    expect(await link.read(7, { table: 'input', address: 9, count: 2 }, 1000)).toMatchObject({ words: [9, 2000] });
    expect(s.seen.map(({ id, ...rest }) => rest)).toEqual([
      { protocol: 0, length: 6, unitId: 7, fc: 3, a: 2, b: 2 },
      { protocol: 0, length: 6, unitId: 7, fc: 4, a: 9, b: 2 },
    ]);
    expect(s.seen[1]!.id).not.toBe(s.seen[0]!.id);
  });

  it('matches answers to requests by transaction id: two in one segment, in reverse order, and one split into single bytes', async () => {
    const s = await slave((r, socket, seen) => {
      if (seen.length === 2) socket.write(Buffer.concat([registers(seen[1]!, [22]), registers(seen[0]!, [11])]));
      if (seen.length === 3) {
        const bytes = [...registers(r, [0xfc18, 33])];
        const next = () => {
          const b = bytes.shift();
          if (b !== undefined) socket.write(Buffer.of(b), () => setImmediate(next));
        };
        next();
      }
    });
    const link = await opened(s.port);
    const one = { table: 'holding', address: 0, count: 1 } as const;
    const [a, b] = await Promise.all([link.read(1, one, 1000), link.read(1, one, 1000)]);
    expect([a.words, b.words]).toEqual([[11], [22]]);
    expect((await link.read(1, HOLDING, 1000)).words).toEqual([0xfc18, 33]);
  });

  it('drops an answer that comes after its request timed out instead of taking it for the next request', async () => {
    const clock = new FakeClock();
    const s = await slave((r, socket, seen) => {
      if (seen.length === 2) socket.write(Buffer.concat([registers(seen[0]!, [666, 666]), registers(r, [1, 2])]));
    });
    const link = await opened(s.port, clock);
    const late = failure(link.read(1, HOLDING, 100));
    clock.advance(100);
    expect(await late).toMatchObject({ code: 'MODBUS_TIMEOUT', exceptionCode: undefined });
    expect((await link.read(1, HOLDING, 100)).words).toEqual([1, 2]);
  });

  it('times each request out at its own deadline, also one sent while an earlier deadline is still armed', async () => {
    const clock = new FakeClock();
    const s = await slave((r, socket, seen) => {
      if (seen.length === 1) socket.write(registers(r, [5, 5]));
    });
    const link = await opened(s.port, clock);
    expect((await link.read(1, HOLDING, 100)).words).toEqual([5, 5]);
    clock.advance(60);
    let settled = false;
    const silent = failure(link.read(1, HOLDING, 100)).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r)); // the request is on the wire
    clock.advance(99); // past the first request's deadline, not this one's
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    clock.advance(1);
    expect((await silent).code).toBe('MODBUS_TIMEOUT');
  });

  it('fails what is in flight at once with MODBUS_IO when the slave drops the connection, and reads as closed', async () => {
    const s = await slave((_r, socket) => socket.destroy());
    const link = await opened(s.port);
    expect((await failure(link.read(1, HOLDING, 60_000))).code).toBe('MODBUS_IO');
    expect(link.isOpen()).toBe(false);
    expect((await failure(link.read(1, HOLDING, 1000))).code).toBe('MODBUS_IO');
  });

  it('drops a connection that does not speak Modbus TCP (protocol id not 0) with MODBUS_IO', async () => {
    const s = await slave((r, socket) => socket.write(frame(r.id, r.unitId, [3, 2, 0, 1], 1)));
    const link = await opened(s.port);
    expect((await failure(link.read(1, HOLDING, 60_000))).code).toBe('MODBUS_IO');
    expect(link.isOpen()).toBe(false);
  });

  it('takes an answer with the wrong byte count or from another unit for an I/O error, an exception for its code', async () => {
    const s = await slave((r, socket, seen) => {
      if (seen.length === 1) socket.write(registers(r, [1])); // one word for two
      if (seen.length === 2) socket.write(registers({ ...r, unitId: 9 }, [1, 2]));
      if (seen.length === 3) socket.write(frame(r.id, r.unitId, [r.fc | 0x80, 6]));
    });
    const link = await opened(s.port);
    expect((await failure(link.read(1, HOLDING, 60_000))).code).toBe('MODBUS_IO');
    expect((await failure(link.read(1, HOLDING, 60_000))).code).toBe('MODBUS_IO');
    expect(await failure(link.read(1, HOLDING, 60_000))).toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 6 });
  });

  it('writes a single register (function 6) and takes the echo as done', async () => {
    const s = await slave((r, socket) => socket.write(frame(r.id, r.unitId, [r.fc, r.a >> 8, r.a & 0xff, r.b >> 8, r.b & 0xff])));
    const link = await opened(s.port);
    await expect(link.writeRegister(3, 40, 0xbeef, 1000)).resolves.toBeUndefined();
    expect(s.seen.map(({ id, ...rest }) => rest)).toEqual([{ protocol: 0, length: 6, unitId: 3, fc: 6, a: 40, b: 0xbeef }]);
  });
});
