import type { Framing } from '../../src/config/framing.js';
import { checksumSize } from './checksum.js';
import { checksumBytes } from './frame-check.js';

/**
 * Builds one frame around a payload as the profile's framing describes it (the simulator,
 * tests and `diag` use it; the gateway itself only decodes). Throws on a payload the framing
 * cannot carry: that is a programming error.
 */
export function encodeFrame(framing: Framing, payload: Uint8Array): Buffer {
  if (payload.length > framing.maxLength) throw new RangeError(`payload of ${payload.length} bytes exceeds maxLength ${framing.maxLength}`);
  const ckSize = checksumSize(framing.checksum.type);
  if (framing.kind === 'length-prefixed') {
    const { size, endian, adjust } = framing.length;
    const head = framing.sync.length + size;
    const frame = Buffer.alloc(head + payload.length + ckSize);
    Buffer.from(framing.sync).copy(frame, 0);
    const announced = payload.length - adjust;
    if (size === 1) frame.writeUInt8(announced, framing.sync.length);
    else if (endian === 'be') frame.writeUInt16BE(announced, framing.sync.length);
    else frame.writeUInt16LE(announced, framing.sync.length);
    frame.set(payload, head);
    frame.set(checksumBytes(framing.checksum, { frame, payloadStart: head, payloadEnd: head + payload.length }), head + payload.length);
    return frame;
  }
  const head = framing.start.length;
  const frame = Buffer.alloc(head + payload.length + ckSize + framing.delimiter.length);
  Buffer.from(framing.start).copy(frame, 0);
  frame.set(payload, head);
  const end = head + payload.length;
  frame.set(checksumBytes(framing.checksum, { frame, payloadStart: head, payloadEnd: end }), end);
  Buffer.from(framing.delimiter).copy(frame, end + ckSize);
  return frame;
}
