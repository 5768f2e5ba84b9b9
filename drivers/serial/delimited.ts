import type { DelimitedFraming } from '../../src/config/framing.js';
import { checksumSize } from './checksum.js';
import { partialTail, type DecodeResult, type FrameScanner } from './scanner.js';
import { checksumMatches } from './frame-check.js';

/** `start… payload checksum delimiter` frames (start optional). */
export class DelimitedScanner implements FrameScanner {
  private readonly start: Buffer;
  private readonly delim: Buffer;
  private readonly ckSize: number;
  /** Without start bytes: after a runaway frame, drop everything up to the next delimiter. */
  private discarding = false;

  constructor(private readonly f: DelimitedFraming) {
    this.start = Buffer.from(f.start);
    this.delim = Buffer.from(f.delimiter);
    this.ckSize = checksumSize(f.checksum.type);
  }

  reset(): void {
    this.discarding = false;
  }

  scan(buf: Buffer, out: DecodeResult): number {
    let pos = 0;
    const maxBody = this.f.maxLength + this.ckSize;
    for (;;) {
      if (this.discarding) {
        const d = buf.indexOf(this.delim, pos);
        const to = d < 0 ? buf.length - partialTail(buf, this.f.delimiter, pos) : d + this.delim.length;
        out.skippedBytes += to - pos;
        pos = to;
        if (d < 0) return pos;
        this.discarding = false;
      }
      let bodyStart = pos;
      if (this.start.length > 0) {
        const at = buf.indexOf(this.start, pos);
        if (at < 0) {
          const keep = partialTail(buf, this.f.start, pos);
          out.skippedBytes += buf.length - keep - pos;
          return buf.length - keep;
        }
        out.skippedBytes += at - pos;
        pos = at;
        bodyStart = pos + this.start.length;
      }
      const d = buf.indexOf(this.delim, bodyStart);
      const bodyLen = (d < 0 ? buf.length : d) - bodyStart;
      if (bodyLen > maxBody + (d < 0 ? this.delim.length - 1 : 0)) {
        out.lengthErrors++;
        pos = this.reject(pos, out);
        continue;
      }
      if (d < 0) return pos;
      const next = d + this.delim.length;
      const n = bodyLen - this.ckSize;
      const frame = buf.subarray(pos, d);
      const ok = n >= this.f.minLength && checksumMatches(this.f.checksum, { frame, payloadStart: bodyStart - pos, payloadEnd: bodyStart - pos + n });
      if (!ok) {
        if (n < this.f.minLength) out.lengthErrors++;
        else out.checksumErrors++;
        // With start bytes, a real frame may begin inside this one; without, the delimiter is the only anchor.
        pos = this.reject(pos, out);
        continue;
      }
      out.payloads.push(Buffer.from(buf.subarray(bodyStart, bodyStart + n)));
      out.frames++;
      pos = next;
    }
  }

  /** Gives up the candidate at `pos`: one byte with start bytes, else up to the next delimiter. */
  private reject(pos: number, out: DecodeResult): number {
    if (this.start.length > 0) {
      out.skippedBytes++;
      return pos + 1;
    }
    this.discarding = true;
    return pos;
  }
}
