import { DoorOperator } from './doors.js';
import { brake, driveToward, stopPointMm, type Motion } from './kinematics.js';
import { resolveModel, type ElevatorModel } from './model.js';
import type { SimCounters, SimState } from './state.js';

export { DEFAULT_MODEL, type ElevatorModel } from './model.js';
export type { SimCounters, SimState } from './state.js';

/** The governor switch trips at 115 % of rated speed (GB/T 7588.1). */
export const OVERSPEED_TRIP_RATIO = 1.15;
/** Braking on a mains loss or a drive fault (stall): the machine brake, harder than normal. */
const EMERGENCY_DECEL_MPS2 = 2.0;
/** Model steps are at most this long, whatever `step()` is given, so kinematics stay accurate. */
export const MAX_SUB_STEP_MS = 10;
/** Beyond the zone, each leveling sensor stays active this much longer on its side. */
const SENSOR_SPREAD_MM = 30;
/** A stall only takes hold where the car comes to rest this far clear of any door zone. */
const STALL_CLEARANCE_MM = 100;
/** A final limit switch trips this far past the end landings. */
const FINAL_LIMIT_MM = 200;

/**
 * The virtual elevator: a deterministic, time-stepped model of a car (trapezoidal speed profile),
 * its doors, leveling sensors, circuits and occupancy, with the fault injections the scenarios use.
 * No timers inside: `step(dtMs)` advances simulated time.
 *
 * Calls are served first come, first served. The car departs only with the doors fully closed,
 * and opens them at every stop.
 */
export class VirtualElevator {
  readonly model: ElevatorModel;
  private t = 0;
  private car: Motion;
  private readonly doors: DoorOperator;
  private readonly calls: number[] = [];
  private target: number | undefined;
  /** Where the car comes to rest for `target` (its level plus the landing error). */
  private stopMm = 0;
  private trips = 0;
  private passengers = 0;
  private inspection = false;
  private alarm = false;
  private mains = true;
  private stallRequested = false;
  private stalled = false;
  private doorForcedUntil = -1;
  private overspeedFactor = 1;
  private overspeedUntil = -1;
  private overspeedTripped = false;
  private heartbeat = 0;
  private heartbeatFrozen = false;
  private nextBeatMs = 1000;

  constructor(model: Partial<ElevatorModel> = {}, startFloor = 0) {
    this.model = resolveModel(model);
    this.car = { posMm: this.levelOf(startFloor), speedMps: 0 };
    this.doors = new DoorOperator({ openMs: this.model.doorOpenMs, closeMs: this.model.doorCloseMs, dwellMs: this.model.dwellMs });
  }

  get simMs(): number {
    return this.t;
  }

  get floorCount(): number {
    return this.model.floorLevelsMm.length;
  }

  /** A landing or car call; ignored if that floor is already the next stop. */
  call(floor: number): void {
    this.levelOf(floor);
    if (this.target === floor || this.calls.at(-1) === floor) return;
    if (this.target === undefined && this.calls.length === 0 && this.atLanding(floor) && this.doors.phase !== 'closed') {
      this.doors.open(); // someone presses the button of the floor the car stands at
      return;
    }
    this.calls.push(floor);
  }

  boardPassengers(n: number): void {
    this.passengers += Math.max(0, n);
  }

  alightPassengers(n: number): void {
    this.passengers = Math.max(0, this.passengers - Math.max(0, n));
  }

  /** Something in the doorway: closing doors reopen, open doors wait. */
  obstructDoor(): void {
    this.doors.obstruct();
  }

  /**
   * A drive fault: the car brakes and stays where it stops, doors closed, until `releaseStall()`.
   * It takes hold on the next stretch of travel where the car comes to rest clear of every door zone.
   */
  stallBetweenFloors(): void {
    this.stallRequested = true;
  }

  /** The car resumes its trip. */
  releaseStall(): void {
    this.stallRequested = false;
    this.stalled = false;
  }

  /** The door leaves "closed" (and the lock circuit opens) for `durationMs`; the car keeps moving. */
  openDoorWhileMoving(durationMs: number): void {
    this.doorForcedUntil = this.t + durationMs;
  }

  /** The drive lets the car reach `factor` × rated speed for `durationMs`. */
  overspeed(factor: number, durationMs: number): void {
    this.overspeedFactor = factor;
    this.overspeedUntil = this.t + durationMs;
  }

  /** Mains lost: an emergency stop where the car is; doors stay as they are. Sensors keep working (backup power). */
  mainsOff(): void {
    this.mains = false;
  }

  /** Mains back: the car continues to its destination. */
  mainsOn(): void {
    this.mains = true;
  }

  /** Inspection mode: no new trips start (calls wait). */
  setInspection(on: boolean): void {
    this.inspection = on;
  }

  pressAlarm(on: boolean): void {
    this.alarm = on;
  }

  /** A frozen controller: the heartbeat stops changing. */
  freezeHeartbeat(on: boolean): void {
    this.heartbeatFrozen = on;
  }

  nearestFloor(): number {
    const levels = this.model.floorLevelsMm;
    let best = 0;
    for (let i = 1; i < levels.length; i++) if (Math.abs(levels[i]! - this.car.posMm) < Math.abs(levels[best]! - this.car.posMm)) best = i;
    return best;
  }

  /** No call waiting, standing still, doors closed. */
  idle(): boolean {
    return this.target === undefined && this.calls.length === 0 && this.car.speedMps === 0 && this.doorClosed();
  }

  counters(): SimCounters {
    return { trips: this.trips, doorCycles: this.doors.cycles };
  }

  step(dtMs: number): void {
    let left = dtMs;
    while (left > 0) {
      const d = Math.min(MAX_SUB_STEP_MS, left);
      this.stepOnce(d);
      left -= d;
    }
  }

  state(): SimState {
    const m = this.model;
    const nearest = this.nearestFloor();
    const offset = this.car.posMm - m.floorLevelsMm[nearest]!;
    const door = this.doorForced() && this.doors.phase === 'closed' ? 'opening' : this.doors.phase;
    return {
      simMs: this.t,
      positionMm: this.car.posMm,
      speedMps: this.car.speedMps,
      door,
      doorClosed: door === 'closed',
      doorOpen: door === 'open',
      doorZoneUpper: offset >= -m.doorZoneMm - SENSOR_SPREAD_MM && offset <= m.doorZoneMm,
      doorZoneLower: offset >= -m.doorZoneMm && offset <= m.doorZoneMm + SENSOR_SPREAD_MM,
      safetyCircuit: true,
      doorLockCircuit: door === 'closed',
      overspeedSwitch: this.overspeedTripped,
      passengers: this.passengers,
      occupied: this.passengers > 0,
      inspection: this.inspection,
      alarmButton: this.alarm,
      mainsPower: this.mains,
      topFinalLimit: this.car.posMm > m.floorLevelsMm.at(-1)! + FINAL_LIMIT_MM,
      bottomFinalLimit: this.car.posMm < -FINAL_LIMIT_MM,
      controllerFloor: nearest,
      heartbeat: this.heartbeat,
    };
  }

  private stepOnce(dtMs: number): void {
    this.t += dtMs;
    while (this.t >= this.nextBeatMs) {
      this.nextBeatMs += 1000;
      if (!this.heartbeatFrozen) this.heartbeat = (this.heartbeat + 1) & 0xffff;
    }
    if (this.t >= this.overspeedUntil) this.overspeedFactor = 1;
    if (this.mains) this.doors.step(dtMs); // the door operator has no backup power
    this.moveCar(dtMs / 1000);
    const speed = Math.abs(this.car.speedMps);
    if (speed >= OVERSPEED_TRIP_RATIO * this.model.ratedSpeedMps) this.overspeedTripped = true;
    else if (speed === 0) this.overspeedTripped = false; // reset once the car stands still
  }

  private moveCar(dtS: number): void {
    if (this.stallRequested && !this.stalled && this.car.speedMps !== 0 && this.clearOfZones(stopPointMm(this.car, EMERGENCY_DECEL_MPS2))) this.stalled = true;
    if (!this.mains || this.stalled) {
      this.car = brake(this.car, EMERGENCY_DECEL_MPS2, dtS);
      return;
    }
    if (this.car.speedMps === 0) {
      if (this.target === undefined) this.dispatch();
      if (this.target === undefined || !this.doorClosed() || this.inspection) return; // never depart with the doors open
    }
    if (this.target === undefined) return;
    const m = this.model;
    const fast = this.overspeedFactor > 1;
    const limits = { maxSpeedMps: m.ratedSpeedMps * this.overspeedFactor, accelMps2: fast ? 2 * m.accelMps2 : m.accelMps2, decelMps2: m.accelMps2 };
    const wasStill = this.car.speedMps === 0;
    const next = driveToward(this.car, this.stopMm, limits, dtS);
    if (wasStill && next.speedMps !== 0) this.trips++;
    this.car = { posMm: next.posMm, speedMps: next.speedMps };
    if (next.arrived) {
      this.target = undefined;
      this.doors.open();
    }
  }

  /** Takes the next call; a call to the landing the car stands at just opens the doors. */
  private dispatch(): void {
    if (this.inspection || !this.doorClosed()) return;
    const next = this.calls.shift();
    if (next === undefined) return;
    if (this.atLanding(next)) {
      this.doors.open();
      return;
    }
    const level = this.levelOf(next);
    this.target = next;
    this.stopMm = level + Math.sign(level - this.car.posMm) * this.model.landingErrorMm;
  }

  private doorForced(): boolean {
    return this.t < this.doorForcedUntil;
  }

  private doorClosed(): boolean {
    return this.doors.phase === 'closed' && !this.doorForced();
  }

  private atLanding(floor: number): boolean {
    return this.car.speedMps === 0 && Math.abs(this.car.posMm - this.levelOf(floor)) <= this.model.landingErrorMm + 0.5;
  }

  private clearOfZones(posMm: number): boolean {
    return this.model.floorLevelsMm.every((l) => Math.abs(posMm - l) > this.model.doorZoneMm + STALL_CLEARANCE_MM);
  }

  private levelOf(floor: number): number {
    const level = Number.isInteger(floor) ? this.model.floorLevelsMm[floor] : undefined;
    if (level === undefined) throw new RangeError(`no floor ${floor} (floors 0–${this.model.floorLevelsMm.length - 1})`);
    return level;
  }
}
