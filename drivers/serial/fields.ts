import { frameFieldWidth, type FrameSource } from '../../src/config/sources.js';

/**
 * One field of a frame payload, by offset, type and byte order from the profile.
 * Undefined when the payload is too short to hold it.
 */
export function readField(payload: Uint8Array, s: FrameSource): number | boolean | undefined {
  const width = frameFieldWidth(s.type);
  if (s.offset + width > payload.length) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset + s.offset, width);
  const le = s.endian === 'le';
  let v: number;
  switch (s.type) {
    case 'u8':
    case 'bit':
      v = view.getUint8(0);
      break;
    case 'i8':
      v = view.getInt8(0);
      break;
    case 'u16':
      v = view.getUint16(0, le);
      break;
    case 'i16':
      v = view.getInt16(0, le);
      break;
    case 'u32':
      v = view.getUint32(0, le);
      break;
    case 'i32':
      v = view.getInt32(0, le);
      break;
  }
  return s.bit === undefined ? v : Math.floor(v / 2 ** s.bit) % 2 === 1;
}

/** The shortest payload that holds every given field. */
export function payloadNeeded(sources: readonly FrameSource[]): number {
  return Math.max(0, ...sources.map((s) => s.offset + frameFieldWidth(s.type)));
}
