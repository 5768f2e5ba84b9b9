import type { SimState } from './elevator.js';

/**
 * The generic-modbus-controller holding-register map (zero-based), plus register 6 with the
 * two leveling sensors for boards/sim-modbus.yaml:
 *   0–1 position mm int32 high word first · 2 speed mm/s int16 · 3 status bits · 4 floor index
 *   5 heartbeat · 6 bit0 upper / bit1 lower door-zone sensor
 */
export const SIM_REGISTER_COUNT = 7;

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

export function encodeControllerRegisters(s: SimState): number[] {
  const pos = Math.round(s.positionMm) >>> 0;
  const speed = Math.max(-32768, Math.min(32767, Math.round(s.speedMps * 1000))) & 0xffff;
  const flags: Record<keyof typeof STATUS_BITS, boolean> = {
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
  let status = 0;
  for (const [k, bit] of Object.entries(STATUS_BITS)) if (flags[k as keyof typeof STATUS_BITS]) status |= 1 << bit;
  const zones = (s.doorZoneUpper ? 1 : 0) | (s.doorZoneLower ? 2 : 0);
  return [pos >>> 16, pos & 0xffff, speed, status, s.controllerFloor & 0xffff, s.heartbeat & 0xffff, zones];
}
