import type { MonoMs, Quality } from '../../drivers/types.js';

import type { Direction, DoorState } from '../contract/enums.js';

export type { Direction, DoorState };

/** Values of every signal elevgw understands. Booleans are "active/closed/present" = true. */
export interface SignalValues {
  /** Car position above the bottom landing level, mm. */
  positionMm: number;
  /** Derived floor index into the elevator's floor table (nearest landing). */
  floor: number;
  /** Signed speed, m/s, positive = up. */
  speedMps: number;
  direction: Direction;
  door: DoorState;
  /** In the door (unlocking) zone: both leveling sensors active. */
  doorZone: boolean;
  /** Position minus the nearest landing level, mm (derived). */
  levelingErrorMm: number;
  /** true = circuit closed (healthy). */
  safetyCircuit: boolean;
  /** true = door-lock circuit closed (all doors locked). */
  doorLockCircuit: boolean;
  /** true = governor overspeed switch tripped. */
  overspeedSwitch: boolean;
  occupied: boolean;
  inspection: boolean;
  alarmButton: boolean;
  /** true = mains present. */
  mainsPower: boolean;
  /** true = final limit switch tripped. */
  topFinalLimit: boolean;
  bottomFinalLimit: boolean;
  /** Floor index the controller itself reports. */
  controllerFloor: number;
}

export type SignalName = keyof SignalValues;

export interface Sample<V> {
  value: V;
  quality: Quality;
  /** Monotonic time the value was read. */
  at: MonoMs;
}

/** A snapshot of one elevator. A signal the board does not provide is absent. */
export type ElevatorSignals = { [K in SignalName]?: Sample<SignalValues[K]> };

export interface Snapshot {
  elevatorId: string;
  mono: MonoMs;
  signals: ElevatorSignals;
}

/** Value of a signal only when present and good; undefined otherwise. */
export function good<K extends SignalName>(s: ElevatorSignals, k: K): SignalValues[K] | undefined {
  const sample = s[k] as Sample<SignalValues[K]> | undefined;
  return sample && sample.quality === 'good' ? sample.value : undefined;
}
