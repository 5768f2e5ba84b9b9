/**
 * One run in closed form: accelerate at `a` to `vMax` (or as fast as the distance allows),
 * cruise, brake at `a` to rest exactly at the distance — the same trapezoid the time-stepped
 * VirtualElevator follows, but evaluated at any instant without stepping through the ones before.
 */
export interface RunProfile {
  distanceM: number;
  /** Highest speed reached (vMax, or less on a short run). */
  peakMps: number;
  accelMps2: number;
  /** End of acceleration, start of braking, end of the run: seconds from departure. */
  accelEndS: number;
  brakeStartS: number;
  durationS: number;
}

export function runProfile(distanceM: number, vMaxMps: number, accelMps2: number): RunProfile {
  const d = Math.abs(distanceM);
  const a = accelMps2;
  if (d >= (vMaxMps * vMaxMps) / a) {
    const accelEndS = vMaxMps / a;
    const brakeStartS = accelEndS + (d - (vMaxMps * vMaxMps) / a) / vMaxMps;
    return { distanceM: d, peakMps: vMaxMps, accelMps2: a, accelEndS, brakeStartS, durationS: brakeStartS + accelEndS };
  }
  const peakMps = Math.sqrt(d * a);
  const accelEndS = peakMps / a;
  return { distanceM: d, peakMps, accelMps2: a, accelEndS, brakeStartS: accelEndS, durationS: 2 * accelEndS };
}

/** Distance covered (m) and speed (m/s, unsigned) `tS` seconds after departure. */
export function profileAt(p: RunProfile, tS: number): { distanceM: number; speedMps: number } {
  const a = p.accelMps2;
  if (tS <= 0) return { distanceM: 0, speedMps: 0 };
  if (tS >= p.durationS) return { distanceM: p.distanceM, speedMps: 0 };
  if (tS < p.accelEndS) return { distanceM: 0.5 * a * tS * tS, speedMps: a * tS };
  if (tS < p.brakeStartS) return { distanceM: 0.5 * a * p.accelEndS * p.accelEndS + p.peakMps * (tS - p.accelEndS), speedMps: p.peakMps };
  const left = p.durationS - tS;
  return { distanceM: p.distanceM - 0.5 * a * left * left, speedMps: a * left };
}

/** Seconds after departure (and before arrival) at which the speed passes `mps` (the gateway's "stationary" line). */
export function crossingS(p: RunProfile, mps: number): number {
  return Math.min(mps / p.accelMps2, p.accelEndS);
}
