/**
 * Car motion for one short time step. A trapezoidal speed profile comes out of one rule: speed
 * up at `accelMps2` until the speed limit, but never faster than the braking curve
 * v = √(2·decel·remaining), which brings the car to rest exactly at the stop point.
 */

export interface Motion {
  posMm: number;
  /** Signed, + = up. */
  speedMps: number;
}

export interface DriveLimits {
  maxSpeedMps: number;
  accelMps2: number;
  decelMps2: number;
}

/** Drives toward `stopMm`; `arrived` means the car is at rest exactly there. */
export function driveToward(m: Motion, stopMm: number, lim: DriveLimits, dtS: number): Motion & { arrived: boolean } {
  const remainingM = (stopMm - m.posMm) / 1000;
  const dir = Math.sign(remainingM);
  if (dir === 0 && m.speedMps === 0) return { posMm: stopMm, speedMps: 0, arrived: true };
  const along = m.speedMps * dir; // speed in the direction of the stop point
  if (dir === 0 || along < 0) return { ...brake(m, lim.decelMps2, dtS), arrived: false }; // wrong way: stop first
  const curve = brakingCurve(Math.abs(remainingM), along, lim.decelMps2, dtS);
  const ramped = along <= lim.maxSpeedMps ? Math.min(along + lim.accelMps2 * dtS, lim.maxSpeedMps) : Math.max(along - lim.decelMps2 * dtS, lim.maxSpeedMps);
  const next = Math.max(0, Math.min(ramped, curve));
  const travelMm = ((along + next) / 2) * dtS * 1000;
  if (next === 0 || travelMm >= Math.abs(remainingM) * 1000 - 1e-6) return { posMm: stopMm, speedMps: 0, arrived: true };
  return { posMm: m.posMm + dir * travelMm, speedMps: dir * next, arrived: false };
}

/**
 * The highest speed at the end of this step from which braking at `decel` still stops within
 * the remaining distance, with the step's travel counted as (v0 + v1)/2 · dt. Solves
 * v1² = 2·decel·(remaining − (v0 + v1)/2 · dt); on the curve this gives v1 = v0 − decel·dt exactly.
 */
function brakingCurve(remainingM: number, v0: number, decel: number, dtS: number): number {
  const c = 2 * decel * remainingM - decel * dtS * v0;
  if (c <= 0) return 0;
  return (-decel * dtS + Math.sqrt(decel * decel * dtS * dtS + 4 * c)) / 2;
}

/** Slows the car at `decelMps2` until it stands still. */
export function brake(m: Motion, decelMps2: number, dtS: number): Motion {
  if (m.speedMps === 0) return m;
  const dv = decelMps2 * dtS;
  const next = Math.abs(m.speedMps) <= dv ? 0 : m.speedMps - Math.sign(m.speedMps) * dv;
  return { posMm: m.posMm + ((m.speedMps + next) / 2) * dtS * 1000, speedMps: next };
}

/** Where the car comes to rest if it brakes at `decelMps2` from now on. */
export function stopPointMm(m: Motion, decelMps2: number): number {
  return m.posMm + (Math.sign(m.speedMps) * m.speedMps ** 2 * 1000) / (2 * decelMps2);
}
