import type { SimState } from './state.js';

/**
 * The generic-modbus-controller holding-register map (zero-based, 16-bit), as read through
 * boards/sim-modbus.yaml:
 *
 * | reg | content |
 * |---|---|
 * | 0–1 | car position, mm above the bottom landing, int32, high word first |
 * | 2 | car speed, mm/s, int16, + = up |
 * | 3 | status bits (STATUS_BITS) |
 * | 4 | floor index reported by the controller (0 = bottom landing) |
 * | 5 | heartbeat counter |
 * | 6 | bit 0 upper, bit 1 lower door-zone sensor (sim board extra) |
 */
export const SIM_REGISTER_COUNT = 7;

export const REG = { positionHigh: 0, positionLow: 1, speed: 2, status: 3, floor: 4, heartbeat: 5, zoneSensors: 6 } as const;

export const STATUS_BITS = {
  doorClosed: 0,
  doorOpen: 1,
  doorZone: 2,
  safetyCircuit: 3,
  doorLockCircuit: 4,
  overspeedSwitch: 5,
  inspection: 6,
  alarmButton: 7,
  occupied: 8,
  mainsPower: 9,
  topFinalLimit: 10,
  bottomFinalLimit: 11,
} as const;
type StatusFlag = keyof typeof STATUS_BITS;

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function statusFlags(s: SimState): Record<StatusFlag, boolean> {
  return {
    doorClosed: s.doorClosed,
    doorOpen: s.doorOpen,
    doorZone: s.doorZoneUpper && s.doorZoneLower,
    safetyCircuit: s.safetyCircuit,
    doorLockCircuit: s.doorLockCircuit,
    overspeedSwitch: s.overspeedSwitch,
    inspection: s.inspection,
    alarmButton: s.alarmButton,
    occupied: s.occupied,
    mainsPower: s.mainsPower,
    topFinalLimit: s.topFinalLimit,
    bottomFinalLimit: s.bottomFinalLimit,
  };
}

function statusWord(s: SimState): number {
  const flags = statusFlags(s);
  let word = 0;
  for (const [flag, bit] of Object.entries(STATUS_BITS) as [StatusFlag, number][]) if (flags[flag]) word |= 1 << bit;
  return word;
}

/** Encodes a state into registers 0–6; every value is an unsigned 16-bit word. */
export function encodeControllerRegisters(s: SimState): number[] {
  const pos = clamp(Math.round(s.positionMm), INT32_MIN, INT32_MAX) >>> 0; // two's complement
  const speed = clamp(Math.round(s.speedMps * 1000), -0x8000, 0x7fff) & 0xffff;
  const zones = (s.doorZoneUpper ? 1 : 0) | (s.doorZoneLower ? 2 : 0);
  const regs: number[] = [];
  regs[REG.positionHigh] = pos >>> 16;
  regs[REG.positionLow] = pos & 0xffff;
  regs[REG.speed] = speed;
  regs[REG.status] = statusWord(s);
  regs[REG.floor] = s.controllerFloor & 0xffff;
  regs[REG.heartbeat] = s.heartbeat & 0xffff;
  regs[REG.zoneSensors] = zones;
  return regs;
}

/** Discrete inputs 0–15 mirror the bits of the status register. */
export function encodeDiscreteInputs(s: SimState): boolean[] {
  const word = statusWord(s);
  return Array.from({ length: 16 }, (_, bit) => ((word >> bit) & 1) === 1);
}
