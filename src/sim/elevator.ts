/**
 * The virtual elevator: a deterministic, time-stepped model of car kinematics, doors, door-zone
 * sensors, circuits and occupancy. No timers inside: `step(dtMs)` advances simulated time, so
 * tests run it as fast as they like and the host runs it in (scaled) real time.
 */

export interface ElevatorModel {
  /** Landing levels in mm above the bottom landing, ascending; the first is 0. */
  floorLevelsMm: number[];
  ratedSpeedMps: number;
  accelMps2: number;
  doorOpenMs: number;
  doorCloseMs: number;
  dwellMs: number;
  /** Both leveling sensors are active within this distance of a landing level. */
  doorZoneMm: number;
}

export const DEFAULT_MODEL: ElevatorModel = {
  floorLevelsMm: Array.from({ length: 10 }, (_, i) => i * 3000),
  ratedSpeedMps: 1.75,
  accelMps2: 0.8,
  doorOpenMs: 2500,
  doorCloseMs: 3000,
  dwellMs: 4000,
  doorZoneMm: 150,
};

export type SimDoor = 'closed' | 'opening' | 'open' | 'closing';

export interface SimState {
  simMs: number;
  positionMm: number;
  speedMps: number;
  door: SimDoor;
  doorClosed: boolean;
  doorOpen: boolean;
  doorZoneUpper: boolean;
  doorZoneLower: boolean;
  safetyCircuit: boolean;
  doorLockCircuit: boolean;
  overspeedSwitch: boolean;
  passengers: number;
  occupied: boolean;
  inspection: boolean;
  alarmButton: boolean;
  mainsPower: boolean;
  topFinalLimit: boolean;
  bottomFinalLimit: boolean;
  controllerFloor: number;
  heartbeat: number;
}

const OVERSPEED_TRIP = 1.15;
const EMERGENCY_DECEL = 2.0;

export class VirtualElevator {
  readonly model: ElevatorModel;
  private simMs = 0;
  private pos = 0;
  private v = 0;
  private door: SimDoor = 'closed';
  private doorTimer = 0;
  private dwell = 0;
  private readonly calls: number[] = [];
  private target: number | undefined;
  private passengers = 0;
  private stalled = false;
  private mains = true;
  private inspection = false;
  private alarm = false;
  private heartbeat = 0;
  private heartbeatFrozen = false;
  private heartbeatMs = 0;
  private doorForcedUntil = -1;
  private overspeedFactor = 1;
  private overspeedUntil = -1;
  private overspeedTripped = false;
  private trips = 0;
  private doorCycles = 0;
  private wasOpened = false;
  /** Called when the doors have fully opened at a landing (the traffic generator boards/alights there). */
  onDoorsOpen?: (floor: number) => void;

  constructor(model: Partial<ElevatorModel> = {}, startFloor = 0) {
    this.model = { ...DEFAULT_MODEL, ...model };
    const levels = this.model.floorLevelsMm;
    if (levels.length < 2 || levels.some((l, i) => i > 0 && l <= levels[i - 1]!)) throw new Error('floor levels must ascend');
    this.pos = levels[startFloor] ?? 0;
  }

  get nowMs(): number {
    return this.simMs;
  }

  nearestFloor(): number {
    const levels = this.model.floorLevelsMm;
    let best = 0;
    for (let i = 1; i < levels.length; i++) if (Math.abs(levels[i]! - this.pos) < Math.abs(levels[best]! - this.pos)) best = i;
    return best;
  }

  /** A landing call or car call to a floor index; served in order. */
  call(floor: number): void {
    if (floor < 0 || floor >= this.model.floorLevelsMm.length) throw new Error(`no floor ${floor}`);
    if (this.calls.at(-1) !== floor && this.target !== floor) this.calls.push(floor);
  }

  boardPassengers(n: number): void {
    this.passengers += n;
  }
  alightPassengers(n: number): void {
    this.passengers = Math.max(0, this.passengers - n);
  }
  stallBetweenFloors(): void {
    this.stalled = true;
  }
  releaseStall(): void {
    this.stalled = false;
  }
  openDoorWhileMoving(durationMs: number): void {
    this.doorForcedUntil = this.simMs + durationMs;
  }
  overspeed(factor: number, durationMs: number): void {
    this.overspeedFactor = factor;
    this.overspeedUntil = this.simMs + durationMs;
  }
  mainsOff(): void {
    this.mains = false;
  }
  mainsOn(): void {
    this.mains = true;
  }
  setInspection(on: boolean): void {
    this.inspection = on;
  }
  pressAlarm(on: boolean): void {
    this.alarm = on;
  }
  freezeHeartbeat(on: boolean): void {
    this.heartbeatFrozen = on;
  }

  /** Idle: no calls pending, not moving, doors closed. */
  idle(): boolean {
    return this.target === undefined && this.calls.length === 0 && this.v === 0 && this.door === 'closed';
  }

  counters(): { trips: number; doorCycles: number } {
    return { trips: this.trips, doorCycles: this.doorCycles };
  }

  step(dtMs: number): void {
    if (dtMs <= 0) return;
    this.simMs += dtMs;
    this.heartbeatMs += dtMs;
    while (this.heartbeatMs >= 1000) {
      this.heartbeatMs -= 1000;
      if (!this.heartbeatFrozen) this.heartbeat = (this.heartbeat + 1) & 0xffff;
    }
    if (this.simMs >= this.overspeedUntil) this.overspeedFactor = 1;
    this.stepDoors(dtMs);
    this.stepCar(dtMs / 1000);
    if (Math.abs(this.v) >= OVERSPEED_TRIP * this.model.ratedSpeedMps) this.overspeedTripped = true;
    if (this.v === 0 && this.overspeedFactor === 1) this.overspeedTripped = false; // governor reset after the stop
  }

  private stepCar(dt: number): void {
    const m = this.model;
    if (!this.mains || this.stalled) {
      this.brake(dt, EMERGENCY_DECEL);
      return;
    }
    if (this.target === undefined) {
      if (this.door !== 'closed' || this.calls.length === 0) return;
      const next = this.calls.shift()!;
      if (next === this.nearestFloor() && Math.abs(m.floorLevelsMm[next]! - this.pos) < 1) {
        this.arrive(next);
        return;
      }
      this.target = next;
      this.trips++;
    }
    if (this.door !== 'closed' && this.simMs >= this.doorForcedUntil) return;
    const level = m.floorLevelsMm[this.target]!;
    const remaining = (level - this.pos) / 1000; // m, signed
    const dir = Math.sign(remaining);
    const limit = m.ratedSpeedMps * this.overspeedFactor;
    const desired = dir * Math.min(limit, Math.sqrt(2 * m.accelMps2 * Math.abs(remaining)));
    const maxDelta = (this.overspeedFactor > 1 ? 3 : 1) * m.accelMps2 * dt;
    this.v += Math.max(-maxDelta, Math.min(maxDelta, desired - this.v));
    const move = this.v * dt * 1000;
    if (Math.abs(remaining * 1000) <= Math.max(0.5, Math.abs(move)) && Math.sign(move) === dir) {
      this.pos = level;
      this.v = 0;
      this.arrive(this.target);
    } else this.pos += move;
  }

  private brake(dt: number, decel: number): void {
    if (this.v === 0) return;
    const dv = decel * dt;
    const nv = Math.abs(this.v) <= dv ? 0 : this.v - Math.sign(this.v) * dv;
    this.pos += ((this.v + nv) / 2) * dt * 1000;
    this.v = nv;
  }

  private arrive(floor: number): void {
    this.target = undefined;
    this.door = 'opening';
    this.doorTimer = 0;
    void floor;
  }

  private stepDoors(dtMs: number): void {
    const m = this.model;
    if (this.door === 'closed' || !this.mains) return;
    this.doorTimer += dtMs;
    switch (this.door) {
      case 'opening':
        if (this.doorTimer >= m.doorOpenMs) {
          this.door = 'open';
          this.wasOpened = true;
          this.dwell = 0;
          this.onDoorsOpen?.(this.nearestFloor());
        }
        break;
      case 'open':
        this.dwell += dtMs;
        if (this.dwell >= m.dwellMs) {
          this.door = 'closing';
          this.doorTimer = 0;
        }
        break;
      case 'closing':
        if (this.doorTimer >= m.doorCloseMs) {
          this.door = 'closed';
          if (this.wasOpened) this.doorCycles++;
          this.wasOpened = false;
        }
        break;
    }
  }

  state(): SimState {
    const m = this.model;
    const forced = this.simMs < this.doorForcedUntil;
    const door: SimDoor = forced && this.door === 'closed' ? 'opening' : this.door;
    const nearest = this.nearestFloor();
    const err = this.pos - m.floorLevelsMm[nearest]!;
    const top = m.floorLevelsMm.at(-1)!;
    return {
      simMs: this.simMs,
      positionMm: Math.round(this.pos),
      speedMps: this.v,
      door,
      doorClosed: door === 'closed',
      doorOpen: door === 'open',
      // Two sensors a little apart on the car: both active only close to the landing.
      doorZoneUpper: err >= -m.doorZoneMm && err <= m.doorZoneMm + 20,
      doorZoneLower: err >= -m.doorZoneMm - 20 && err <= m.doorZoneMm,
      safetyCircuit: true,
      doorLockCircuit: door === 'closed',
      overspeedSwitch: this.overspeedTripped,
      passengers: this.passengers,
      occupied: this.passengers > 0,
      inspection: this.inspection,
      alarmButton: this.alarm,
      mainsPower: this.mains,
      topFinalLimit: this.pos > top + 200,
      bottomFinalLimit: this.pos < -200,
      controllerFloor: nearest,
      heartbeat: this.heartbeat,
    };
  }
}
