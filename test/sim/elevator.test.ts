import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, OVERSPEED_TRIP_RATIO, VirtualElevator } from '../../src/sim/elevator.js';
import { isElevgwError } from '../../src/core/errors.js';
import { inZone, longestStretchMs, run, runUntil } from './helpers.js';

const RATED = DEFAULT_MODEL.ratedSpeedMps;
const level = (floor: number): number => DEFAULT_MODEL.floorLevelsMm[floor]!;

describe('VirtualElevator — a normal trip', () => {
  it('a call to floor 5 stops exactly at its level, at rest, then opens the doors', () => {
    const e = new VirtualElevator();
    e.call(5);
    const trip = runUntil(e, (s) => s.speedMps === 0 && s.positionMm === level(5));
    const arrival = trip.at(-1)!;
    expect(arrival.positionMm).toBe(15_000);
    expect(arrival.controllerFloor).toBe(5);
    expect(inZone(arrival)).toBe(true);
    const after = runUntil(e, (s) => s.doorOpen, 10_000);
    expect(after.every((s) => s.positionMm === 15_000 && s.speedMps === 0)).toBe(true);
    expect(after.at(-1)!.doorLockCircuit).toBe(false);
  });

  it('follows a trapezoidal profile: reaches but never exceeds rated speed, changes speed at most at the model rate', () => {
    const e = new VirtualElevator();
    e.call(9);
    const trip = runUntil(e, (s) => s.speedMps === 0 && s.positionMm === level(9));
    const speeds = trip.map((s) => s.speedMps);
    expect(Math.max(...speeds)).toBeCloseTo(RATED, 6);
    expect(speeds.every((v) => v >= 0 && v <= RATED)).toBe(true);
    for (let i = 1; i < speeds.length; i++) expect(Math.abs(speeds[i]! - speeds[i - 1]!)).toBeLessThanOrEqual(DEFAULT_MODEL.accelMps2 * 0.01 + 1e-9);
    expect(trip.some((s) => s.overspeedSwitch)).toBe(false);
    // 27 m at 1.75 m/s with 0.8 m/s² ramps: 27/1.75 + 1.75/0.8 ≈ 17.6 s
    expect(trip.length * 10).toBeGreaterThan(17_000);
    expect(trip.length * 10).toBeLessThan(18_200);
  });

  it('moves down with negative speed', () => {
    const e = new VirtualElevator({}, 9);
    e.call(2);
    const trip = runUntil(e, (s) => s.speedMps === 0 && s.positionMm === level(2));
    expect(Math.min(...trip.map((s) => s.speedMps))).toBeCloseTo(-RATED, 6);
    expect(trip.every((s) => s.speedMps <= 0)).toBe(true);
  });

  it('runs the door cycle opening → open → closing → closed, and departs only with the doors fully closed', () => {
    const e = new VirtualElevator();
    e.call(1);
    e.call(3);
    const seen = run(e, 40_000);
    const phases = seen.map((s) => s.door).filter((d, i, a) => d !== a[i - 1]);
    expect(phases.slice(0, 5)).toEqual(['closed', 'opening', 'open', 'closing', 'closed']);
    expect(seen.filter((s) => s.speedMps !== 0).every((s) => s.doorClosed && s.doorLockCircuit)).toBe(true);
    expect(seen.at(-1)!.positionMm).toBe(level(3));
  });

  it('counts a trip per start and a door cycle per open + close', () => {
    const e = new VirtualElevator();
    for (const f of [4, 1, 8]) e.call(f);
    run(e, 120_000);
    expect(e.counters()).toEqual({ trips: 3, doorCycles: 3 });
    expect(e.idle()).toBe(true);
  });

  it('a call to the floor the car stands at opens the doors without a trip', () => {
    const e = new VirtualElevator({}, 2);
    e.call(2);
    run(e, 15_000);
    expect(e.counters()).toEqual({ trips: 0, doorCycles: 1 });
  });

  it('an obstruction while closing reopens the doors', () => {
    const e = new VirtualElevator();
    e.call(0);
    runUntil(e, (s) => s.door === 'closing');
    run(e, 500);
    e.obstructDoor();
    expect(run(e, 10).at(-1)!.door).toBe('opening');
    run(e, 20_000);
    expect(e.counters().doorCycles).toBe(1);
  });

  it('stops with the landing error it is given', () => {
    const e = new VirtualElevator({ landingErrorMm: 15 });
    e.call(3);
    const s = runUntil(e, (x) => x.doorOpen).at(-1)!;
    expect(s.positionMm).toBe(level(3) + 15);
    expect(inZone(s)).toBe(true);
  });
});

describe('VirtualElevator — sensors', () => {
  it('reports both leveling sensors only within the door zone; one of them just outside', () => {
    const e = new VirtualElevator();
    e.call(1);
    const trip = runUntil(e, (s) => s.speedMps === 0 && s.positionMm === level(1));
    for (const s of trip) {
      const offset = s.positionMm - level(s.controllerFloor);
      expect(inZone(s)).toBe(Math.abs(offset) <= DEFAULT_MODEL.doorZoneMm);
    }
    // leaving floor 0 upwards the car is high: the lower sensor still sees the vane
    expect(trip.some((s) => s.doorZoneLower && !s.doorZoneUpper)).toBe(true);
    expect(trip.some((s) => s.doorZoneUpper && !s.doorZoneLower)).toBe(true);
  });

  it('counts the heartbeat once per simulated second, wraps at 16 bits, and freezes on demand', () => {
    const e = new VirtualElevator();
    run(e, 5_000, 250);
    expect(e.state().heartbeat).toBe(5);
    e.freezeHeartbeat(true);
    run(e, 3_000);
    expect(e.state().heartbeat).toBe(5);
    e.freezeHeartbeat(false);
    e.step(65_531_000);
    expect(e.state().heartbeat).toBe(0);
  });

  it('reports passengers, alarm and inspection', () => {
    const e = new VirtualElevator();
    e.boardPassengers(3);
    e.alightPassengers(1);
    e.pressAlarm(true);
    e.setInspection(true);
    expect(e.state()).toMatchObject({ passengers: 2, occupied: true, alarmButton: true, inspection: true });
    e.alightPassengers(5);
    expect(e.state()).toMatchObject({ passengers: 0, occupied: false });
  });

  it('refuses a model whose landings do not ascend from 0, and a call to a floor that does not exist', () => {
    expect(() => new VirtualElevator({ floorLevelsMm: [0, 3000, 2000] })).toThrow(/ascend/);
    try {
      new VirtualElevator({ floorLevelsMm: [100, 3000] });
      expect.unreachable();
    } catch (err) {
      expect(isElevgwError(err, 'SCENARIO_INVALID')).toBe(true);
    }
    expect(() => new VirtualElevator().call(10)).toThrow(RangeError);
  });
});

describe('VirtualElevator — injected faults', () => {
  it('stall: the car stops outside the door zone with the doors closed and stays until released', () => {
    const e = new VirtualElevator();
    e.call(6);
    runUntil(e, (s) => s.speedMps >= RATED);
    e.stallBetweenFloors();
    const stalled = run(e, 90_000);
    const rest = stalled.filter((s) => s.speedMps === 0);
    expect(rest.length * 10).toBeGreaterThan(85_000);
    const pos = rest[0]!.positionMm;
    expect(rest.every((s) => s.positionMm === pos && s.doorClosed && !inZone(s))).toBe(true);
    e.releaseStall();
    const resumed = runUntil(e, (s) => s.doorOpen);
    expect(resumed.at(-1)!.positionMm).toBe(level(6));
    expect(e.counters().trips).toBe(2); // restart from standstill is a new start
  });

  it('stall requested while idle takes hold on the next trip, clear of any door zone', () => {
    const e = new VirtualElevator();
    e.stallBetweenFloors();
    e.call(1);
    const seen = run(e, 30_000);
    const last = seen.at(-1)!;
    expect(last.speedMps).toBe(0);
    expect(inZone(last)).toBe(false);
    expect(last.positionMm).toBeGreaterThan(0);
    expect(last.positionMm).toBeLessThan(level(1));
  });

  it('door open while moving: door not closed and lock circuit open while the car keeps its speed', () => {
    const e = new VirtualElevator();
    e.call(9);
    runUntil(e, (s) => s.speedMps >= RATED);
    e.openDoorWhileMoving(1000);
    const seen = run(e, 1500);
    const open = seen.filter((s) => !s.doorClosed);
    expect(open.length * 10).toBeGreaterThanOrEqual(990);
    expect(open.every((s) => s.speedMps > 1 && !s.doorLockCircuit && !s.doorOpen)).toBe(true);
    expect(seen.at(-1)!.doorClosed).toBe(true);
  });

  it('overspeed: speed rises to factor × rated and the governor switch trips at 115 %', () => {
    const e = new VirtualElevator();
    e.call(9);
    runUntil(e, (s) => s.speedMps >= RATED);
    e.overspeed(1.3, 1000);
    const seen = run(e, 2000);
    expect(Math.max(...seen.map((s) => s.speedMps))).toBeCloseTo(1.3 * RATED, 6);
    for (const s of seen) if (s.speedMps >= OVERSPEED_TRIP_RATIO * RATED) expect(s.overspeedSwitch).toBe(true);
    const rest = runUntil(e, (s) => s.speedMps === 0);
    expect(rest.at(-1)!.positionMm).toBe(level(9)); // still stops at the landing
    expect(rest.at(-1)!.overspeedSwitch).toBe(false);
  });

  it('mains loss: an emergency stop where the car is; sensors keep reporting; the trip resumes when power returns', () => {
    const e = new VirtualElevator();
    e.call(5);
    runUntil(e, (s) => s.positionMm > 7000);
    e.mainsOff();
    const off = run(e, 10_000);
    expect(off.every((s) => !s.mainsPower)).toBe(true);
    const stopAt = off.findIndex((s) => s.speedMps === 0);
    expect(stopAt * 10).toBeLessThan(1000); // 1.75 m/s at 2 m/s² ≈ 0.9 s
    expect(longestStretchMs(off, (s) => s.speedMps === 0 && !inZone(s))).toBeGreaterThan(8_900);
    e.mainsOn();
    expect(runUntil(e, (s) => s.doorOpen).at(-1)!.positionMm).toBe(level(5));
  });

  it('inspection: calls wait until inspection ends', () => {
    const e = new VirtualElevator();
    e.setInspection(true);
    e.call(3);
    expect(run(e, 10_000).every((s) => s.speedMps === 0)).toBe(true);
    e.setInspection(false);
    expect(runUntil(e, (s) => s.doorOpen).at(-1)!.positionMm).toBe(level(3));
  });
});
