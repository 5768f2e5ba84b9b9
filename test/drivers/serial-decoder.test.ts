import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameDecoder } from '../../drivers/serial/decoder.js';
import { encodeFrame } from '../../drivers/serial/encode.js';
import { framingSchema, type Framing } from '../../src/config/framing.js';

const sensorbox = framingSchema.parse({
  kind: 'length-prefixed',
  sync: [0xaa, 0x55],
  length: { size: 1 },
  minLength: 1,
  maxLength: 32,
  checksum: { type: 'crc16-modbus', endian: 'le' },
});
const framings: Record<string, Framing> = {
  sensorbox,
  'u16 length, le, counts the checksum, sum8 of payload': framingSchema.parse({
    kind: 'length-prefixed',
    sync: [0x7e],
    length: { size: 2, endian: 'le', adjust: -1 },
    maxLength: 300,
    checksum: { type: 'sum8', covers: 'payload' },
  }),
  'STX … xor8 ETX': framingSchema.parse({ kind: 'delimiter', start: [0x02], delimiter: [0x03], maxLength: 40, checksum: { type: 'xor8' } }),
  'CCITT lines ending CR LF': framingSchema.parse({ kind: 'delimiter', delimiter: [0x0d, 0x0a], minLength: 1, maxLength: 40, checksum: { type: 'crc16-ccitt-false' } }),
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function decodeAll(framing: Framing, chunks: readonly Uint8Array[]): { payloads: string[]; decoder: FrameDecoder } {
  const decoder = new FrameDecoder(framing);
  const payloads: string[] = [];
  for (const c of chunks) payloads.push(...decoder.push(c).payloads.map(hex));
  return { payloads, decoder };
}

/** Cuts a stream into chunks of the given sizes (cycled), as a UART driver might deliver it. */
function chunked(stream: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const n = sizes.length ? sizes[i % sizes.length]! : stream.length;
    out.push(stream.subarray(at, at + n));
    at += n;
  }
  return out;
}

const maxFrameBytes = (f: Framing) => 2 * (f.maxLength + 16);

describe('frame decoder, examples', () => {
  const frame = (payload: number[]) => encodeFrame(sensorbox, Buffer.from(payload));

  it('finds two frames in one chunk, and the same fed one byte at a time', () => {
    const stream = Buffer.concat([frame([1, 2, 3]), frame([4])]);
    expect(decodeAll(sensorbox, [stream]).payloads).toEqual(['010203', '04']);
    expect(
      decodeAll(
        sensorbox,
        [...stream].map((b) => Uint8Array.of(b)),
      ).payloads,
    ).toEqual(['010203', '04']);
  });

  it('skips leading garbage and counts it', () => {
    const { payloads, decoder } = decodeAll(sensorbox, [Buffer.from([0x00, 0xff, 0x13]), frame([9])]);
    expect(payloads).toEqual(['09']);
    expect(decoder.totals).toMatchObject({ frames: 1, skippedBytes: 3, checksumErrors: 0 });
  });

  it('rejects a frame with a bad CRC and still decodes the next one', () => {
    const bad = frame([1, 2, 3]);
    bad[4]! ^= 0x40;
    const { payloads, decoder } = decodeAll(sensorbox, [bad, frame([5, 6])]);
    expect(payloads).toEqual(['0506']);
    expect(decoder.totals.checksumErrors).toBe(1);
  });

  it('finds a real frame hidden behind a false sync that announces more bytes than follow', () => {
    // AA 55 1F: a plausible 31-byte frame that would swallow the real one — its CRC fails, the decoder steps one byte on
    const { payloads, decoder } = decodeAll(sensorbox, [Buffer.from([0xaa, 0x55, 0x1f, 0x01]), frame([7, 7]), frame([8]), Buffer.alloc(40)]);
    expect(payloads).toEqual(['0707', '08']);
    expect(decoder.totals.checksumErrors).toBeGreaterThanOrEqual(1);
  });

  it('counts an impossible length and resynchronises', () => {
    const { payloads, decoder } = decodeAll(sensorbox, [Buffer.from([0xaa, 0x55, 0xf0]), frame([1])]);
    expect(payloads).toEqual(['01']);
    expect(decoder.totals.lengthErrors).toBe(1);
  });

  it('drops a runaway line without a delimiter and takes the next one', () => {
    const lines = framings['CCITT lines ending CR LF']!;
    const { payloads, decoder } = decodeAll(lines, [Buffer.alloc(100, 0x41), Buffer.from('ZZ\r\n'), encodeFrame(lines, Buffer.from('ok'))]);
    expect(payloads).toEqual([hex(Buffer.from('ok'))]);
    expect(decoder.totals.lengthErrors).toBe(1);
  });

  it('holds no more than one frame while waiting', () => {
    const d = new FrameDecoder(sensorbox);
    d.push(frame(Array.from({ length: 32 }, (_, i) => i)).subarray(0, 30));
    expect(d.pending).toBe(30);
    d.push(Buffer.alloc(1000, 0x11));
    expect(d.pending).toBe(0);
  });
});

describe('frame decoder, properties', () => {
  const framingArb = fc.constantFrom(...Object.values(framings));
  const sizesArb = fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 8 });

  it('never throws on random bytes in random chunks, and holds at most one frame', () => {
    fc.assert(
      fc.property(framingArb, fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (framing, chunks) => {
        const d = new FrameDecoder(framing);
        for (const c of chunks) {
          const r = d.push(c);
          expect(r.frames).toBe(r.payloads.length);
          expect(d.pending).toBeLessThanOrEqual(maxFrameBytes(framing));
        }
      }),
    );
  });

  /** Valid payloads for a framing (a delimited frame must not contain its delimiter). */
  const payloadsFor = (f: Framing) =>
    fc
      .array(fc.uint8Array({ minLength: Math.max(f.minLength, 1), maxLength: Math.min(f.maxLength, 40) }), { minLength: 1, maxLength: 12 })
      .map((ps) => ps.filter((p) => f.kind === 'length-prefixed' || !encodeFrame(f, p).subarray(0, -f.delimiter.length).includes(Buffer.from(f.delimiter))));
  /** Garbage that contains no byte a frame can start or end with. */
  const garbageFor = (f: Framing) => {
    const reserved = new Set(f.kind === 'length-prefixed' ? [f.sync[0]] : [...f.start.slice(0, 1), ...f.delimiter]);
    return fc.uint8Array({ maxLength: 20 }).map((g) => g.filter((b) => !reserved.has(b)));
  };

  it('round-trips: encode, insert garbage between frames, chunk arbitrarily → every frame, in order, and nothing else', () => {
    const framing = fc.constantFrom(sensorbox, framings['u16 length, le, counts the checksum, sum8 of payload']!, framings['STX … xor8 ETX']!);
    fc.assert(
      fc.property(
        framing.chain((f) => fc.tuple(fc.constant(f), payloadsFor(f), fc.array(garbageFor(f), { maxLength: 13 }), sizesArb)),
        ([f, payloads, garbage, sizes]) => {
          const stream = Buffer.concat(payloads.flatMap((p, i) => [garbage[i] ?? new Uint8Array(), encodeFrame(f, p)]));
          expect(decodeAll(f, chunked(stream, sizes)).payloads).toEqual(payloads.map(hex));
        },
      ),
    );
  });

  it('round-trips delimiter-only framing under arbitrary chunking', () => {
    const f = framings['CCITT lines ending CR LF']!;
    fc.assert(
      fc.property(payloadsFor(f), sizesArb, (payloads, sizes) => {
        const stream = Buffer.concat(payloads.map((p) => encodeFrame(f, p)));
        expect(decodeAll(f, chunked(stream, sizes)).payloads).toEqual(payloads.map(hex));
      }),
    );
  });

  it('recovers every whole frame after truncated frames and garbage full of sync bytes', () => {
    const piece = (f: Framing) =>
      fc.oneof(
        fc.record({ kind: fc.constant('frame' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
        fc.record({ kind: fc.constant('cut' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 32 }), keep: fc.nat() }),
        fc.record({
          kind: fc.constant('noise' as const),
          payload: fc.uint8Array({ maxLength: 12 }).map((g) => Buffer.concat([Buffer.from(f.kind === 'length-prefixed' ? f.sync : []), g])),
        }),
      );
    fc.assert(
      fc.property(fc.array(piece(sensorbox), { minLength: 1, maxLength: 20 }), sizesArb, (pieces, sizes) => {
        const valid: string[] = [];
        const parts = pieces.map((p) => {
          if (p.kind === 'noise') return p.payload;
          const frame = encodeFrame(sensorbox, p.payload);
          if (p.kind === 'cut') return frame.subarray(0, p.keep % frame.length);
          valid.push(hex(p.payload));
          return frame;
        });
        // The stream goes on (a live box keeps sending): a false start at the very end delays the
        // frame behind it until enough bytes follow to refute it.
        const stream = Buffer.concat([...parts, Buffer.alloc(maxFrameBytes(sensorbox))]);
        const decoded = decodeAll(sensorbox, chunked(stream, sizes)).payloads;
        // A CRC-16 can (rarely) accept a bogus candidate, which may then swallow a real frame;
        // whenever the output holds only genuine frames, it must hold all of them.
        const validSet = new Set(valid);
        if (decoded.every((d) => validSet.has(d))) expect(decoded).toEqual(valid);
      }),
      { numRuns: 300 },
    );
  });
});
