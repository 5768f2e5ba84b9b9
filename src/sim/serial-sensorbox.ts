import { crc16Modbus } from '../../drivers/serial/checksum.js';
import type { SimState } from './elevator.js';

/**
 * The serial-sensorbox protocol (docs/serial-sensorbox.md, boards/serial-sensorbox.yaml), written
 * out by hand rather than from the profile, so the simulator checks the profile instead of echoing it.
 *
 * | byte | content |
 * |---|---|
 * | 0–1 | sync 0xAA 0x55 |
 * | 2 | payload length, 10 |
 * | 3 | protocol version, 1 |
 * | 4–7 | car position, mm above the bottom landing, int32 big-endian |
 * | 8–9 | car speed, mm/s, int16 big-endian, + = up |
 * | 10–11 | flags, uint16 big-endian (SENSORBOX_FLAGS) |
 * | 12 | heartbeat, uint8 (+1 per second while the controller lives) |
 * | 13–14 | CRC-16/MODBUS of bytes 0–12, low byte first |
 */
export const SENSORBOX = {
  sync: [0xaa, 0x55],
  version: 1,
  payloadLength: 10,
  frameLength: 15,
  frameHz: 20,
  baudRate: 115_200,
} as const;

/** Bit of each contact in the flags word; 1 = the contact's named condition holds. */
export const SENSORBOX_FLAGS = {
  doorClosed: 0,
  doorOpen: 1,
  doorZoneUpper: 2,
  doorZoneLower: 3,
  safetyCircuit: 4,
  doorLockCircuit: 5,
  overspeedSwitch: 6,
  occupied: 7,
  inspection: 8,
  alarmButton: 9,
  mainsPower: 10,
  topFinalLimit: 11,
  bottomFinalLimit: 12,
} as const satisfies Partial<Record<keyof SimState, number>>;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function sensorboxFlags(s: SimState): number {
  let flags = 0;
  for (const [name, bit] of Object.entries(SENSORBOX_FLAGS) as [keyof typeof SENSORBOX_FLAGS, number][]) if (s[name]) flags |= 1 << bit;
  return flags;
}

/** One frame of the box's state. */
export function encodeSensorboxFrame(s: SimState): Buffer {
  const f = Buffer.alloc(SENSORBOX.frameLength);
  f[0] = SENSORBOX.sync[0];
  f[1] = SENSORBOX.sync[1];
  f[2] = SENSORBOX.payloadLength;
  f[3] = SENSORBOX.version;
  f.writeInt32BE(clamp(Math.round(s.positionMm), -0x8000_0000, 0x7fff_ffff), 4);
  f.writeInt16BE(clamp(Math.round(s.speedMps * 1000), -0x8000, 0x7fff), 8);
  f.writeUInt16BE(sensorboxFlags(s), 10);
  f[12] = s.heartbeat & 0xff;
  f.writeUInt16LE(crc16Modbus(f.subarray(0, 13)), 13);
  return f;
}
