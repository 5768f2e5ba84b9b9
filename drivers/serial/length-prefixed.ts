import type { LengthPrefixedFraming } from '../../src/config/framing.js';
import { checksumSize } from './checksum.js';
import { partialTail, type DecodeResult, type FrameScanner } from './scanner.js';
import { checksumMatches } from './frame-check.js';

/** `sync… length payload checksum` frames. */
export class LengthPrefixedScanner implements FrameScanner {
  private readonly sync: Buffer;
  private readonly head: number;
  private readonly ckSize: number;

  constructor(private readonly f: LengthPrefixedFraming) {
    this.sync = Buffer.from(f.sync);
    this.head = f.sync.length + f.length.size;
    this.ckSize = checksumSize(f.checksum.type);
  }

  reset(): void {}

  private payloadLength(buf: Buffer, at: number): number {
    const { size, endian, adjust } = this.f.length;
    const v = size === 1 ? buf.readUInt8(at) : endian === 'be' ? buf.readUInt16BE(at) : buf.readUInt16LE(at);
    return v + adjust;
  }

  scan(buf: Buffer, out: DecodeResult): number {
    let pos = 0;
    for (;;) {
      const at = buf.indexOf(this.sync, pos);
      if (at < 0) {
        const keep = partialTail(buf, this.f.sync, pos);
        out.skippedBytes += buf.length - keep - pos;
        return buf.length - keep;
      }
      out.skippedBytes += at - pos;
      pos = at;
      if (buf.length - pos < this.head) return pos;
      const n = this.payloadLength(buf, pos + this.f.sync.length);
      if (n < this.f.minLength || n > this.f.maxLength) {
        out.lengthErrors++;
        out.skippedBytes++;
        pos++;
        continue;
      }
      const total = this.head + n + this.ckSize;
      if (buf.length - pos < total) return pos;
      const frame = buf.subarray(pos, pos + total);
      if (!checksumMatches(this.f.checksum, { frame, payloadStart: this.head, payloadEnd: this.head + n })) {
        out.checksumErrors++;
        out.skippedBytes++;
        pos++;
        continue;
      }
      out.payloads.push(Buffer.from(frame.subarray(this.head, this.head + n)));
      out.frames++;
      pos += total;
    }
  }
}
