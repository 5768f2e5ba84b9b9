import { ElevgwError } from '../core/errors.js';

/** The physical figures of a simulated elevator (docs/domain.md, "Typical figures"). */
export interface ElevatorModel {
  /** Landing levels in mm above the bottom landing, ascending; the first is 0. */
  floorLevelsMm: number[];
  ratedSpeedMps: number;
  /** Used for both acceleration and the normal deceleration to a landing. */
  accelMps2: number;
  doorOpenMs: number;
  doorCloseMs: number;
  /** How long the doors stay fully open before closing. */
  dwellMs: number;
  /** Both leveling sensors are active when |position − nearest landing| ≤ this. */
  doorZoneMm: number;
  /** The car stops this far past the landing level in its travel direction (0 = exact). */
  landingErrorMm: number;
}

/** A 10-landing residential building: 3 m floors, 1.75 m/s — the same building as config/demo.yaml. */
export const DEFAULT_MODEL: ElevatorModel = {
  floorLevelsMm: Array.from({ length: 10 }, (_, i) => i * 3000),
  ratedSpeedMps: 1.75,
  accelMps2: 0.8,
  doorOpenMs: 2500,
  doorCloseMs: 3000,
  dwellMs: 4000,
  doorZoneMm: 150,
  landingErrorMm: 0,
};

/** Defaults filled in and checked; an override that is `undefined` keeps the default. */
export function resolveModel(overrides: Partial<ElevatorModel> = {}): ElevatorModel {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const m: ElevatorModel = { ...DEFAULT_MODEL, ...given };
  const problem = modelProblem(m);
  if (problem) throw new ElevgwError('SCENARIO_INVALID', `elevator model: ${problem}`);
  return m;
}

function modelProblem(m: ElevatorModel): string | undefined {
  const levels = m.floorLevelsMm;
  if (levels.length < 2) return 'floorLevelsMm needs at least two landings';
  if (levels[0] !== 0) return 'floorLevelsMm must start at 0 (the bottom landing)';
  if (levels.some((l, i) => i > 0 && !(l > levels[i - 1]!))) return 'floorLevelsMm must ascend';
  for (const k of ['ratedSpeedMps', 'accelMps2', 'doorOpenMs', 'doorCloseMs', 'doorZoneMm'] as const) {
    if (!(m[k] > 0)) return `${k} must be > 0`;
  }
  if (!(m.dwellMs >= 0)) return 'dwellMs must be ≥ 0';
  return undefined;
}
