import type { Framing } from '../../src/config/framing.js';
import { DelimitedScanner } from './delimited.js';
import { LengthPrefixedScanner } from './length-prefixed.js';
import type { DecodeResult, DecoderCounts, FrameScanner } from './scanner.js';

export type { DecodeResult, DecoderCounts } from './scanner.js';

const zero = (): DecoderCounts => ({ frames: 0, checksumErrors: 0, lengthErrors: 0, skippedBytes: 0 });

/**
 * A pure, stateful frame decoder: feed it chunks as they arrive (any split, any garbage),
 * get back the valid frames' payloads and error counts. It never throws on input, holds at most
 * one frame's worth of bytes, and resynchronises after garbage by moving one byte past a
 * rejected candidate, so a real frame hidden inside a false start is still found.
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private readonly counts = zero();
  private readonly scanner: FrameScanner;

  constructor(framing: Framing) {
    this.scanner = framing.kind === 'length-prefixed' ? new LengthPrefixedScanner(framing) : new DelimitedScanner(framing);
  }

  push(chunk: Uint8Array): DecodeResult {
    const out: DecodeResult = { ...zero(), payloads: [] };
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const done = this.scanner.scan(this.buf, out);
    this.buf = Buffer.from(this.buf.subarray(done));
    this.counts.frames += out.frames;
    this.counts.checksumErrors += out.checksumErrors;
    this.counts.lengthErrors += out.lengthErrors;
    this.counts.skippedBytes += out.skippedBytes;
    return out;
  }

  /** Forget a partial frame (the port was reopened); totals are kept. */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.scanner.reset();
  }

  get totals(): DecoderCounts {
    return { ...this.counts };
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }
}
