import { describe, expect, it } from 'vitest';
import { bitsOf, crc16, crcOk, encodeFrame, expectationFor, matchResponse, readRequest, wordsOf, writeSingleRegisterRequest } from '../../drivers/modbus/rtu-frame.js';
import { exceptionResponse, readResponse, registersPayload } from '../../drivers/modbus/rtu-request.js';

/** A copy of `frame` with its CRC spoiled. */
const spoiled = (frame: Buffer) => {
  const b = Buffer.from(frame);
  b[b.length - 1]! ^= 0xff;
  return b;
};
const cat = (...parts: (Buffer | number[])[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));

const REGS = [1, 9476, 0, 541, 2, 7];
const request = readRequest(1, 3, 0, REGS.length);
const expectation = expectationFor(request);
const answer = readResponse(1, 3, registersPayload(REGS));

/**
 * The master's side of RTU framing, case by case: on a shared RS-485 line the bytes in front of
 * the gateway include other units' answers, late answers to earlier requests, echoes and noise,
 * and only the answer to the request just sent may be taken. (The properties over random bytes
 * are in rtu-frame.test.ts.)
 */
describe('what the answer to a request must look like', () => {
  it('reads of bits expect one byte per 8 bits, reads of registers two bytes per register', () => {
    expect(expectationFor(readRequest(7, 1, 0, 10))).toEqual({ unitId: 7, fc: 1, length: 7, byteCount: 2 });
    expect(expectationFor(readRequest(7, 2, 100, 8))).toEqual({ unitId: 7, fc: 2, length: 6, byteCount: 1 });
    expect(expectationFor(readRequest(7, 3, 0, 6))).toEqual({ unitId: 7, fc: 3, length: 17, byteCount: 12 });
    expect(expectationFor(readRequest(7, 4, 9, 125))).toEqual({ unitId: 7, fc: 4, length: 255, byteCount: 250 });
  });

  it('takes the quantity from both bytes (2000 coils is 250 data bytes)', () => {
    expect(expectationFor(readRequest(1, 1, 0, 2000))).toEqual({ unitId: 1, fc: 1, length: 255, byteCount: 250 });
  });

  it('a write of one register is answered by its echo: 8 bytes, no byte count', () => {
    expect(expectationFor(writeSingleRegisterRequest(3, 10, 0xbeef))).toEqual({ unitId: 3, fc: 6, length: 8 });
  });
});

describe('finding our answer among other bytes on the line', () => {
  it('ignores a valid answer from another unit on the bus', () => {
    expect(matchResponse(readResponse(2, 3, registersPayload(REGS)), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(exceptionResponse(2, 3, 2), expectation)).toEqual({ kind: 'incomplete' });
  });

  it('ignores a valid answer of our unit to another function', () => {
    expect(matchResponse(readResponse(1, 4, registersPayload(REGS)), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(exceptionResponse(1, 4, 2), expectation)).toEqual({ kind: 'incomplete' });
  });

  it('does not take a late answer to an earlier, shorter request for ours', () => {
    const late = readResponse(1, 3, registersPayload([5, 5]));
    const quiet = Buffer.alloc(8, 0x55); // line noise after it, no unit id in it
    expect(matchResponse(cat(late, quiet), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(cat(late, answer), expectation)).toMatchObject({ kind: 'response', end: late.length + answer.length });
  });

  it('returns the data after the byte count for reads, and the echoed address and value for a write', () => {
    const read = matchResponse(answer, expectation);
    expect(read.kind === 'response' && wordsOf(read.data)).toEqual(REGS);
    const write = writeSingleRegisterRequest(3, 10, 0xbeef);
    expect(matchResponse(write, expectationFor(write))).toEqual({ kind: 'response', data: Buffer.from([0, 10, 0xbe, 0xef]), end: 8 });
  });

  it('reports an exception with its code and where it ends', () => {
    expect(matchResponse(cat([0x00, 0x55], exceptionResponse(1, 3, 6)), expectation)).toEqual({ kind: 'exception', code: 6, end: 7 });
  });
});

describe('a garbled answer', () => {
  it('is a CRC error once it is complete and nothing else could still be arriving', () => {
    expect(matchResponse(spoiled(answer), expectation)).toEqual({ kind: 'crc-error', end: answer.length });
  });

  it('is reported where the first garbled frame ends', () => {
    expect(matchResponse(cat(spoiled(answer), spoiled(answer)), expectation)).toEqual({ kind: 'crc-error', end: answer.length });
  });

  it('is not yet an error while a frame that could be ours is still arriving behind it', () => {
    const bad = spoiled(answer);
    expect(matchResponse(cat(bad, [1]), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(cat(bad, [1, 3]), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(cat(bad, answer.subarray(0, 10)), expectation)).toEqual({ kind: 'incomplete' });
    expect(matchResponse(cat(bad, [1, 0x83, 2]), expectation)).toEqual({ kind: 'incomplete' });
    // …and the good answer behind it is found once it is complete.
    expect(matchResponse(cat(bad, answer), expectation)).toMatchObject({ kind: 'response', end: 2 * answer.length });
  });

  it('is still an error when what follows cannot be ours (wrong byte count)', () => {
    expect(matchResponse(cat(spoiled(answer), [1, 3, 99]), expectation)).toEqual({ kind: 'crc-error', end: answer.length });
  });
});

describe('CRC check and payload decoding', () => {
  it('checks the CRC of the bytes between start and end only, and never of fewer than 4 bytes', () => {
    const shortest = encodeFrame(1, 3, new Uint8Array(0)); // unit, fc, CRC
    expect(crcOk(shortest, 0, 4)).toBe(true);
    const c = crc16(Uint8Array.of(0x42));
    const tiny = Uint8Array.of(0xaa, 0xbb, 0x42, c & 0xff, c >> 8); // a 3-byte "frame" at offset 2
    expect(crcOk(tiny, 2, 5)).toBe(false);
    expect(crcOk(cat([9, 9], answer), 2, 2 + answer.length)).toBe(true);
    expect(crcOk(cat([9, 9], answer), 0, answer.length)).toBe(false);
  });

  it('decodes whole big-endian words and ignores an odd trailing byte', () => {
    expect(wordsOf(Uint8Array.of(0x12, 0x34, 0xab, 0xcd, 0x56))).toEqual([0x1234, 0xabcd]);
  });

  it('decodes bits least significant first and never more than the bytes hold', () => {
    expect(bitsOf(Uint8Array.of(0b1000_0101), 4)).toEqual([true, false, true, false]);
    expect(bitsOf(Uint8Array.of(0xff), 12)).toEqual(Array(8).fill(true));
  });
});
