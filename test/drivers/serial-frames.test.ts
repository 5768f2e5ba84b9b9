import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../drivers/serial/decoder.js';
import { encodeFrame } from '../../drivers/serial/encode.js';
import { framingSchema, type Framing } from '../../src/config/framing.js';

/**
 * The framed serial decoder against frames written out by hand, and what it does with every byte
 * it is given. The expected bytes were computed apart from elevgw (Python's binascii.crc_hqx for
 * CRC-16/CCITT-FALSE, a bitwise CRC-16/MODBUS, sums and XORs by hand): an encoder and a decoder
 * that agree on a wrong checksum size, byte order or coverage would pass a round trip, not these.
 */

const f = (o: unknown): Framing => framingSchema.parse(o);
const bytes = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const literal: { name: string; framing: Framing; frame: string; payload: string }[] = [
  {
    name: 'sync AA 55, u8 length, CRC-16/MODBUS of the frame, low byte first (the sensor box)',
    framing: f({ kind: 'length-prefixed', sync: [0xaa, 0x55], length: { size: 1 }, maxLength: 32, checksum: { type: 'crc16-modbus', endian: 'le' } }),
    frame: 'aa 55 03 010203 04f8',
    payload: '010203',
  },
  {
    name: 'sync 7E, u16 little-endian length counting one byte more, sum8 of the payload',
    framing: f({ kind: 'length-prefixed', sync: [0x7e], length: { size: 2, endian: 'le', adjust: -1 }, maxLength: 300, checksum: { type: 'sum8', covers: 'payload' } }),
    frame: '7e 0300 1121 32',
    payload: '1121',
  },
  {
    name: 'sync 68 68, u16 big-endian length, CRC-16/CCITT-FALSE of the payload, high byte first',
    framing: f({ kind: 'length-prefixed', sync: [0x68, 0x68], length: { size: 2, endian: 'be' }, maxLength: 300, checksum: { type: 'crc16-ccitt-false', covers: 'payload' } }),
    frame: '6868 0003 deadbe 9f3e',
    payload: 'deadbe',
  },
  {
    name: 'sync AA, u8 length, CRC-16/MODBUS of the payload, high byte first',
    framing: f({ kind: 'length-prefixed', sync: [0xaa], length: { size: 1 }, maxLength: 8, checksum: { type: 'crc16-modbus', endian: 'be', covers: 'payload' } }),
    frame: 'aa 01 05 437f',
    payload: '05',
  },
  {
    name: 'sync AA, u8 length, no checksum',
    framing: f({ kind: 'length-prefixed', sync: [0xaa], length: { size: 1 }, maxLength: 8 }),
    frame: 'aa 02 6869',
    payload: '6869',
  },
  {
    name: 'STX … xor8 of STX and payload … ETX',
    framing: f({ kind: 'delimiter', start: [0x02], delimiter: [0x03], maxLength: 40, checksum: { type: 'xor8' } }),
    frame: '02 4142 01 03',
    payload: '4142',
  },
  {
    name: 'STX … xor8 of the payload only … ETX',
    framing: f({ kind: 'delimiter', start: [0x02], delimiter: [0x03], maxLength: 40, checksum: { type: 'xor8', covers: 'payload' } }),
    frame: '02 4144 05 03',
    payload: '4144',
  },
  {
    name: 'lines ending CR LF with CRC-16/CCITT-FALSE, high byte first',
    framing: f({ kind: 'delimiter', delimiter: [0x0d, 0x0a], minLength: 1, maxLength: 40, checksum: { type: 'crc16-ccitt-false' } }),
    frame: '6f6b dbd6 0d0a',
    payload: '6f6b',
  },
  {
    name: 'lines ending LF, no checksum',
    framing: f({ kind: 'delimiter', delimiter: [0x0a], maxLength: 40 }),
    frame: '6869 0a',
    payload: '6869',
  },
];

function decode(framing: Framing, chunks: readonly Uint8Array[]) {
  const d = new FrameDecoder(framing);
  const payloads: string[] = [];
  const perPush = { frames: 0, checksumErrors: 0, lengthErrors: 0, skippedBytes: 0 };
  for (const c of chunks) {
    const r = d.push(c);
    payloads.push(...r.payloads.map(hex));
    perPush.frames += r.frames;
    perPush.checksumErrors += r.checksumErrors;
    perPush.lengthErrors += r.lengthErrors;
    perPush.skippedBytes += r.skippedBytes;
  }
  return { payloads, totals: d.totals, perPush, pending: d.pending };
}

describe('framed serial, frames written out by hand', () => {
  for (const { name, framing, frame, payload } of literal) {
    it(`${name}: decoded, and encoded to the same bytes`, () => {
      expect(decode(framing, [bytes(frame)])).toEqual({
        payloads: [payload],
        totals: { frames: 1, checksumErrors: 0, lengthErrors: 0, skippedBytes: 0 },
        perPush: { frames: 1, checksumErrors: 0, lengthErrors: 0, skippedBytes: 0 },
        pending: 0,
      });
      expect(hex(encodeFrame(framing, bytes(payload)))).toBe(hex(bytes(frame)));
    });

    if (framing.kind === 'length-prefixed' || framing.start.length > 0)
      it(`${name}: found behind a byte of noise, which is counted`, () => {
        expect(decode(framing, [Buffer.concat([bytes('00'), bytes(frame)])])).toMatchObject({ payloads: [payload], totals: { frames: 1, skippedBytes: 1 }, pending: 0 });
      });

    it(`${name}: with any one bit changed, not taken for that payload`, () => {
      const good = bytes(frame);
      for (let i = 0; i < good.length; i++) {
        const bad = Buffer.from(good);
        bad[i]! ^= 0x01;
        const { payloads } = decode(framing, [bad, Buffer.alloc(64)]);
        expect(payloads, `byte ${i} of ${hex(good)} changed`).not.toContain(payload);
      }
    });
  }
});

describe('framed serial, what the decoder counts', () => {
  const lines = literal.find((l) => l.name.startsWith('lines ending CR LF'))!.framing;
  const stx = literal.find((l) => l.name.startsWith('STX'))!.framing;
  const box = literal[0]!.framing;

  it('a line with a wrong CRC is one checksum error, all its bytes skipped, and the next line is read', () => {
    const r = decode(lines, [bytes('6f6b dbd7 0d0a'), bytes('6f6b dbd6 0d0a')]);
    expect(r).toMatchObject({ payloads: ['6f6b'], totals: { frames: 1, checksumErrors: 1, lengthErrors: 0, skippedBytes: 6 }, pending: 0 });
  });

  it('a line of exactly minLength with a wrong CRC is a checksum error, not a length error', () => {
    expect(decode(lines, [bytes('41 0000 0d0a')])).toMatchObject({ payloads: [], totals: { checksumErrors: 1, lengthErrors: 0, skippedBytes: 5 } });
  });

  it('without a checksum, a line shorter than minLength is still refused', () => {
    const two = f({ kind: 'delimiter', delimiter: [0x0a], minLength: 2, maxLength: 8 });
    expect(decode(two, [bytes('61 0a 6162 0a')])).toMatchObject({ payloads: ['6162'], totals: { frames: 1, lengthErrors: 1, skippedBytes: 2 } });
  });

  it('a line shorter than minLength is one length error, all its bytes skipped', () => {
    // An empty line: no payload, and not even room for the CRC.
    const r = decode(lines, [bytes('0d0a 6f6b dbd6 0d0a')]);
    expect(r).toMatchObject({ payloads: ['6f6b'], totals: { frames: 1, checksumErrors: 0, lengthErrors: 1, skippedBytes: 2 } });
  });

  it('with start bytes, a rejected candidate costs one byte: a frame that starts inside it is found', () => {
    // 02 02 41 42 01 03: the first STX's frame fails its xor8; the second STX's is the real one.
    const r = decode(stx, [bytes('02 024142 01 03')]);
    expect(r).toMatchObject({ payloads: ['4142'], totals: { frames: 1, checksumErrors: 1, skippedBytes: 1 } });
  });

  it('a payload of exactly maxLength is a frame; one byte more is a length error', () => {
    const full = Buffer.alloc(40, 0x41);
    expect(decode(stx, [encodeFrame(stx, full)]).payloads).toEqual([hex(full)]);
    // STX, 41 × 'A', its right xor8 (0x02 ^ 0x41 = 0x43), ETX: refused for its length alone.
    const over = Buffer.concat([bytes('02'), Buffer.alloc(41, 0x41), bytes('43 03')]);
    const r = decode(stx, [over, encodeFrame(stx, bytes('4142'))]);
    expect(r.payloads).toEqual(['4142']);
    expect(r.totals.lengthErrors).toBe(1);
    expect(() => encodeFrame(stx, Buffer.alloc(41))).toThrow(/41 bytes exceeds maxLength 40/);
  });

  it('a length field out of bounds is a length error and the sync byte is skipped', () => {
    const r = decode(box, [bytes('aa 55 21'), bytes('aa 55 03 010203 04f8')]); // 0x21 = 33 > maxLength 32
    expect(r).toMatchObject({ payloads: ['010203'], totals: { frames: 1, lengthErrors: 1, checksumErrors: 0, skippedBytes: 3 } });
    const short = f({ kind: 'length-prefixed', sync: [0xaa], length: { size: 1 }, minLength: 2, maxLength: 8 });
    expect(decode(short, [bytes('aa 01 05 aa 02 0506')])).toMatchObject({ payloads: ['0506'], totals: { lengthErrors: 1, skippedBytes: 3 } });
  });

  it('keeps a sync or start that a chunk ends in, and nothing more', () => {
    expect(decode(box, [bytes('11 22 aa')])).toMatchObject({ totals: { skippedBytes: 2 }, pending: 1 });
    expect(decode(box, [bytes('11 22 aa 55')])).toMatchObject({ totals: { skippedBytes: 2 }, pending: 2 });
    expect(decode(box, [bytes('11 22 55')])).toMatchObject({ totals: { skippedBytes: 3 }, pending: 0 });
    const twoStart = f({ kind: 'delimiter', start: [0x10, 0x02], delimiter: [0x10, 0x03], maxLength: 8 });
    expect(decode(twoStart, [bytes('41 42 10')])).toMatchObject({ totals: { skippedBytes: 2 }, pending: 1 });
    expect(decode(twoStart, [bytes('41 42 10'), bytes('02 99 10 03')])).toMatchObject({ payloads: ['99'], totals: { skippedBytes: 2 }, pending: 0 });
    // A frame whose xor8 is AA, then the first byte of the next sync: the checksum is not taken back as the sync's start.
    const three = f({ kind: 'length-prefixed', sync: [0xaa, 0xaa, 0x55], length: { size: 1 }, maxLength: 16, checksum: { type: 'xor8' } });
    expect(decode(three, [bytes('aaaa55 01 fe aa aa')])).toMatchObject({ payloads: ['fe'], totals: { skippedBytes: 0 }, pending: 1 });
  });

  it('waits for a delimiter only as long as the line could still be valid', () => {
    // maxLength 40 + a 2-byte CRC = 42 body bytes, + 1 that may be the CR of the CR LF.
    expect(decode(lines, [Buffer.alloc(43, 0x41)])).toMatchObject({ totals: { lengthErrors: 0, skippedBytes: 0 }, pending: 43 });
    expect(decode(lines, [Buffer.alloc(44, 0x41)])).toMatchObject({ totals: { lengthErrors: 1, skippedBytes: 44 }, pending: 0 });
    const d = new FrameDecoder(lines);
    d.push(Buffer.alloc(44, 0x41));
    d.reset(); // the port was reopened: what follows is a new line, not the rest of the runaway
    expect(d.push(bytes('6f6b dbd6 0d0a')).payloads.map(hex)).toEqual(['6f6b']);
  });

  it('a runaway line is dropped up to its delimiter, also when the delimiter comes chunks later', () => {
    const once = decode(lines, [Buffer.concat([Buffer.alloc(60, 0x41), bytes('0d0a 6f6b dbd6 0d0a')])]);
    const late = decode(lines, [Buffer.alloc(30, 0x41), Buffer.alloc(30, 0x41), bytes('0d'), bytes('0a 6f6b dbd6 0d0a')]);
    // Nothing of it is held meanwhile: a line that never ends does not grow the buffer.
    expect(decode(lines, [Buffer.alloc(30, 0x41), Buffer.alloc(30, 0x41)]).pending).toBe(0);
    expect(decode(lines, [Buffer.alloc(30, 0x41), Buffer.alloc(30, 0x41), bytes('0d')]).pending).toBe(1);
    for (const r of [once, late]) expect(r).toMatchObject({ payloads: ['6f6b'], totals: { frames: 1, lengthErrors: 1, skippedBytes: 62 }, pending: 0 });
  });

  it('reset() forgets a partial frame (the port was reopened) and keeps the totals', () => {
    const d = new FrameDecoder(box);
    d.push(bytes('99 aa 55 03 0102'));
    expect(d.pending).toBe(5);
    d.reset();
    expect(d.pending).toBe(0);
    expect(d.push(bytes('03 04f8')).payloads).toEqual([]);
    expect(d.push(bytes('aa 55 03 010203 04f8')).payloads.map(hex)).toEqual(['010203']);
    expect(d.totals).toMatchObject({ frames: 1, skippedBytes: 4 });
  });
});

describe('framed serial, every byte accounted for (properties)', () => {
  const framings = [
    ...literal.map((l) => l.framing),
    f({ kind: 'delimiter', start: [0x10, 0x02], delimiter: [0x10, 0x03], minLength: 2, maxLength: 12, checksum: { type: 'sum8' } }),
    // Sequences of three bytes that overlap themselves: a chunk can end in one or two of them.
    f({ kind: 'length-prefixed', sync: [0xaa, 0xaa, 0x55], length: { size: 1 }, maxLength: 16, checksum: { type: 'xor8' } }),
    f({ kind: 'delimiter', start: [0x3c, 0x3c, 0x21], delimiter: [0x21, 0x3e, 0x3e], maxLength: 16, checksum: { type: 'crc16-modbus' } }),
    f({ kind: 'delimiter', delimiter: [0x0d, 0x0d, 0x0a], minLength: 1, maxLength: 16, checksum: { type: 'sum8' } }),
  ];
  /** The bytes a frame has besides its payload. */
  const overhead = (fr: Framing) => encodeFrame(fr, Buffer.alloc(0)).length;

  /** A stream as a sensor box on a noisy line might send it: frames, damaged frames, cut frames, noise full of framing bytes. */
  const streamFor = (fr: Framing) => {
    const seqs = fr.kind === 'length-prefixed' ? [fr.sync] : [fr.start, fr.delimiter].filter((s) => s.length > 0);
    const marks = seqs.flat();
    const payload = fc.uint8Array({ minLength: fr.minLength, maxLength: Math.min(fr.maxLength, 20) });
    const frame = payload.map((p) => encodeFrame(fr, p));
    return fc
      .array(
        fc.oneof(
          frame,
          fc.tuple(frame, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([fb, at, x]) => {
            const b = Buffer.from(fb);
            b[at % b.length]! ^= x;
            return b;
          }),
          fc.tuple(frame, fc.nat()).map(([fb, keep]) => fb.subarray(0, keep % fb.length)),
          fc
            .array(
              fc.oneof(
                fc.integer({ min: 0, max: 255 }).map((b) => [b]),
                fc.constantFrom(...marks).map((b) => [b]),
                fc.constantFrom(...seqs),
              ),
              { maxLength: 24 },
            )
            .map((a) => Buffer.from(a.flat())),
        ),
        { maxLength: 16 },
      )
      .map((parts) => Buffer.concat(parts));
  };
  const sizes = fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 6 });
  const chunked = (stream: Buffer, cuts: readonly number[]) => {
    const out: Buffer[] = [];
    for (let at = 0, i = 0; at < stream.length; i++) {
      out.push(stream.subarray(at, at + cuts[i % cuts.length]!));
      at += cuts[i % cuts.length]!;
    }
    return out;
  };

  it('the same frames and counts however the stream is cut, and every byte is in a frame, skipped or pending', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...framings).chain((fr) => fc.tuple(fc.constant(fr), streamFor(fr), sizes)),
        ([fr, stream, cuts]) => {
          const whole = decode(fr, [stream]);
          const parts = decode(fr, chunked(stream, cuts));
          expect(parts.payloads).toEqual(whole.payloads);
          expect(parts.totals).toEqual(whole.totals);
          expect(parts.pending).toBe(whole.pending);
          expect(parts.perPush).toEqual(parts.totals);
          expect(parts.totals.frames).toBe(parts.payloads.length);
          const inFrames = parts.payloads.reduce((n, p) => n + p.length / 2 + overhead(fr), 0);
          expect(inFrames + parts.totals.skippedBytes + parts.pending).toBe(stream.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
