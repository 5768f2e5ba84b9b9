import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, readRequest } from '../../drivers/modbus/rtu-frame.js';
import { exceptionResponse, readResponse } from '../../drivers/modbus/rtu-request.js';
import { cutFrames, FrameCutter, frameLength, type Cut, type LineDirection } from './rtu-cut.js';

/** The noise injector's frame cutter: whole frames out of arbitrarily chunked RTU streams. */

const unit = fc.integer({ min: 1, max: 247 });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));

const request: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(unit, fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, fc.nat(0xffff), fc.integer({ min: 1, max: 125 })).map(([u, f, a, n]) => readRequest(u, f, a, n)),
  fc.tuple(unit, fc.constantFrom(5, 6), bytes(4, 4)).map(([u, f, d]) => encodeFrame(u, f, d)),
  // Write multiple: address, quantity, byte count, data.
  fc.tuple(unit, fc.constantFrom(15, 16), fc.nat(0xffff), bytes(1, 246)).map(([u, f, a, d]) => {
    const head = Buffer.alloc(5);
    head.writeUInt16BE(a, 0);
    head.writeUInt16BE(f === 16 ? d.length >> 1 : d.length * 8, 2);
    head[4] = d.length;
    return encodeFrame(u, f, Buffer.concat([head, d]));
  }),
);

const response: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(unit, fc.constantFrom(1, 2, 3, 4), bytes(0, 250)).map(([u, f, d]) => readResponse(u, f, d)),
  fc.tuple(unit, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 11 })).map(([u, f, code]) => exceptionResponse(u, f, code)),
  fc.tuple(unit, fc.constantFrom(5, 6, 15, 16), bytes(4, 4)).map(([u, f, d]) => encodeFrame(u, f, d)),
);

/** Splits `buf` at the given (sorted, deduplicated) cut points. */
function chunksOf(buf: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...at, buf.length]) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  return out;
}

function feed(dir: LineDirection, chunks: Buffer[]): { cuts: Cut[]; cutter: FrameCutter } {
  const cutter = new FrameCutter(dir);
  return { cuts: chunks.flatMap((c) => cutter.push(c)), cutter };
}

describe('RTU frame cutter', () => {
  for (const [dir, frame] of [
    ['request', request],
    ['response', response],
  ] as const) {
    it(`gives back exactly the ${dir} frames written, however the stream is chunked`, () => {
      fc.assert(
        fc.property(fc.array(frame, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, points) => {
          const { cuts, cutter } = feed(dir, chunksOf(Buffer.concat(frames), points));
          expect(cuts.map((c) => c.kind)).toEqual(frames.map(() => 'frame'));
          expect(cuts.map((c) => c.bytes.toString('hex'))).toEqual(frames.map((f) => f.toString('hex')));
          expect(cutter.pending).toBe(0);
        }),
      );
    });

    it(`loses and invents no byte of any ${dir} stream, noise included`, () => {
      fc.assert(
        fc.property(bytes(0, 300), fc.array(fc.nat(), { maxLength: 30 }), (stream, points) => {
          const { cuts, cutter } = feed(dir, chunksOf(stream, points));
          expect(Buffer.concat([...cuts.map((c) => c.bytes), cutter.flush()]).equals(stream)).toBe(true);
          for (const c of cuts) {
            if (c.kind === 'noise') expect(c.bytes.length).toBe(1);
            else expect(c.bytes.length).toBe(frameLength(c.bytes, dir));
          }
        }),
      );
    });
  }

  it('keeps a frame that has not fully arrived and waits for the rest', () => {
    const f = readRequest(1, 3, 0, 2);
    expect(cutFrames(f.subarray(0, 7), 'request')).toEqual({ cuts: [], rest: f.subarray(0, 7) });
    const r = readResponse(1, 3, Buffer.alloc(4));
    expect(frameLength(r.subarray(0, 2), 'response')).toBe('incomplete'); // the byte count is not there yet
    expect(frameLength(r, 'response')).toBe(9);
  });

  it('passes a byte that starts no frame on alone, as noise', () => {
    const f = readRequest(1, 3, 0, 2);
    const { cuts } = cutFrames(Buffer.concat([Buffer.from([0x01, 0x63]), f]), 'request');
    expect(cuts[0]).toEqual({ kind: 'noise', bytes: Buffer.from([0x01]) });
  });
});
