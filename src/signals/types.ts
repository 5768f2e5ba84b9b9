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
  /** Monotonic time the value was read (a polled value: when its answer came). */
  at: MonoMs;
  /**
   * A polled value's request time (RawPoint.askedAt): the value was sampled between this and
   * `at`. Absent: the same as `at`. Carried on the position, whose steps are judged against time.
   */
  askedAt?: MonoMs;
}

/** A snapshot of one elevator. A signal the board does not provide is absent. */
export type ElevatorSignals = { [K in SignalName]?: Sample<SignalValues[K]> };

export interface Snapshot {
  elevatorId: string;
  mono: MonoMs;
  signals: ElevatorSignals;
}

/**
 * A sample's value when it reads good, undefined otherwise: `goodValue(s.door)`. A named read at
 * each call site stays monomorphic, where a lookup by the signal's name in a variable is one keyed
 * lookup shared by every caller and every signal.
 */
export function goodValue<V>(sample: Sample<V> | undefined): V | undefined {
  return sample !== undefined && sample.quality === 'good' ? sample.value : undefined;
}

/**
 * Whether every signal present reads good. Named reads written out, in SignalValues' order: a
 * loop over the snapshot's keys is a keyed lookup per signal, at the poll rate. A signal added to
 * SignalValues must be added here too (test/signals/types.test.ts checks every one).
 */
export function allGood(s: ElevatorSignals): boolean {
  return (
    (s.positionMm === undefined || s.positionMm.quality === 'good') &&
    (s.floor === undefined || s.floor.quality === 'good') &&
    (s.speedMps === undefined || s.speedMps.quality === 'good') &&
    (s.direction === undefined || s.direction.quality === 'good') &&
    (s.door === undefined || s.door.quality === 'good') &&
    (s.doorZone === undefined || s.doorZone.quality === 'good') &&
    (s.levelingErrorMm === undefined || s.levelingErrorMm.quality === 'good') &&
    (s.safetyCircuit === undefined || s.safetyCircuit.quality === 'good') &&
    (s.doorLockCircuit === undefined || s.doorLockCircuit.quality === 'good') &&
    (s.overspeedSwitch === undefined || s.overspeedSwitch.quality === 'good') &&
    (s.occupied === undefined || s.occupied.quality === 'good') &&
    (s.inspection === undefined || s.inspection.quality === 'good') &&
    (s.alarmButton === undefined || s.alarmButton.quality === 'good') &&
    (s.mainsPower === undefined || s.mainsPower.quality === 'good') &&
    (s.topFinalLimit === undefined || s.topFinalLimit.quality === 'good') &&
    (s.bottomFinalLimit === undefined || s.bottomFinalLimit.quality === 'good') &&
    (s.controllerFloor === undefined || s.controllerFloor.quality === 'good')
  );
}
