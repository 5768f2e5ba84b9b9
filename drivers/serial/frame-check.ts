import type { ChecksumDef } from '../../src/config/framing.js';
import { checksumSize, computeChecksum } from './checksum.js';

/**
 * Where a frame's checksum sits and what it covers. `frame` is the whole frame; the payload
 * is frame[payloadStart, payloadEnd) and the checksum immediately follows the payload.
 */
export interface CheckedSpan {
  frame: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
}

function covered(ck: ChecksumDef, s: CheckedSpan): Uint8Array {
  return s.frame.subarray(ck.covers === 'payload' ? s.payloadStart : 0, s.payloadEnd);
}

/** The checksum bytes for a frame whose checksum field is still empty. */
export function checksumBytes(ck: ChecksumDef, s: CheckedSpan): number[] {
  const size = checksumSize(ck.type);
  const value = computeChecksum(ck.type, covered(ck, s));
  if (size === 0) return [];
  if (size === 1) return [value & 0xff];
  return ck.endian === 'be' ? [value >> 8, value & 0xff] : [value & 0xff, value >> 8];
}

/** True when the checksum field after the payload matches (always, for `none`). */
export function checksumMatches(ck: ChecksumDef, s: CheckedSpan): boolean {
  const expected = checksumBytes(ck, s);
  return expected.every((b, i) => s.frame[s.payloadEnd + i] === b);
}
