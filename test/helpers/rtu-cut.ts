/**
 * Cutting a Modbus RTU byte stream into whole frames, one direction at a time, for the noise
 * injector (noisy-line.ts): it must corrupt, drop or delay a *frame*, not whatever chunk the pty
 * happened to deliver. Pure; frames are found by length from their header, as the product's
 * parsers do (drivers/modbus/rtu-request.ts for requests, rtu-frame.ts for responses), because
 * ptys do not keep the inter-frame silence. The CRC is not checked: the injector sits on a line
 * whose ends are well-behaved, and passing a frame on unjudged is the wire's job.
 */
export type LineDirection = 'request' | 'response';

export type Cut =
  /** A whole frame by its header's length. */
  | { kind: 'frame'; bytes: Buffer }
  /** A byte no frame starts with (unknown function code): passed through as it is. */
  | { kind: 'noise'; bytes: Buffer };

/** Total length of the frame at the start of `buf`, or why it cannot be told yet. */
export function frameLength(buf: Uint8Array, dir: LineDirection): number | 'incomplete' | 'unknown' {
  if (buf.length < 2) return 'incomplete';
  const fc = buf[1]!;
  if (dir === 'request') {
    if (fc >= 1 && fc <= 6) return 8; // unit, fc, address, quantity/value, CRC
    if (fc !== 15 && fc !== 16) return 'unknown';
    return buf.length < 7 ? 'incomplete' : 9 + buf[6]!; // … quantity, byte count, data, CRC
  }
  if (fc & 0x80) return (fc & 0x7f) >= 1 && (fc & 0x7f) <= 16 ? 5 : 'unknown'; // exception: unit, fc, code, CRC
  if (fc >= 1 && fc <= 4) return buf.length < 3 ? 'incomplete' : 5 + buf[2]!; // read: unit, fc, count, data, CRC
  if (fc === 5 || fc === 6 || fc === 15 || fc === 16) return 8; // write echo
  return 'unknown';
}

/** Cuts as many whole frames as `buf` holds; `rest` is the start of a frame still arriving. */
export function cutFrames(buf: Buffer, dir: LineDirection): { cuts: Cut[]; rest: Buffer } {
  const cuts: Cut[] = [];
  let i = 0;
  while (i < buf.length) {
    const n = frameLength(buf.subarray(i), dir);
    if (n === 'incomplete') break;
    if (n === 'unknown') {
      cuts.push({ kind: 'noise', bytes: Buffer.from(buf.subarray(i, i + 1)) });
      i += 1;
      continue;
    }
    if (i + n > buf.length) break;
    cuts.push({ kind: 'frame', bytes: Buffer.from(buf.subarray(i, i + n)) });
    i += n;
  }
  return { cuts, rest: Buffer.from(buf.subarray(i)) };
}

/** The incremental form: chunks in as the port delivers them, whole frames out. */
export class FrameCutter {
  private rest: Buffer = Buffer.alloc(0);
  constructor(readonly dir: LineDirection) {}

  push(chunk: Buffer): Cut[] {
    const r = cutFrames(this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk, this.dir);
    this.rest = r.rest;
    return r.cuts;
  }

  /** Bytes of a frame not yet complete. */
  get pending(): number {
    return this.rest.length;
  }

  /** Gives up on a partial frame (it never completed): its bytes, to pass on as noise. */
  flush(): Buffer {
    const r = this.rest;
    this.rest = Buffer.alloc(0);
    return r;
  }
}
