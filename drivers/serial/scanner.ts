/** The parts shared by the frame scanners of each framing kind. */

/** What a decoder found; per push, and as running totals. */
export interface DecoderCounts {
  frames: number;
  /** Frame candidates whose checksum did not match. */
  checksumErrors: number;
  /** Frame candidates with an impossible length (announced, or no delimiter within maxLength). */
  lengthErrors: number;
  /** Bytes thrown away while looking for the next frame. */
  skippedBytes: number;
}

export interface DecodeResult extends DecoderCounts {
  /** Payloads of the valid frames, in order (copies: safe to keep). */
  payloads: Buffer[];
}

/** Finds frames in `buf` from index 0; returns how many leading bytes are done with. */
export interface FrameScanner {
  scan(buf: Buffer, out: DecodeResult): number;
  reset(): void;
}

/** How many bytes at the end of buf[from..] could be the beginning of `seq`. */
export function partialTail(buf: Buffer, seq: readonly number[], from: number): number {
  for (let k = Math.min(seq.length - 1, buf.length - from); k > 0; k--) {
    let match = true;
    for (let i = 0; i < k && match; i++) match = buf[buf.length - k + i] === seq[i];
    if (match) return k;
  }
  return 0;
}
