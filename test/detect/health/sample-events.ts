import { defaultThresholds, mergeThresholds } from '../../../src/config/thresholds.js';
import { ElevatorHealth } from '../../../src/detect/health/health.js';
import type { DetectedEvent } from '../../../src/detect/types.js';
import { ALL_SIGNALS } from '../scenario.js';

const HOUR = 3_600_000;

/**
 * One of each `early-warning` event as the health indicators emit them — raised (a door at
 * floor 3 slowing), cleared by a baseline reset, and the reset itself — for the contract tests.
 * `mono` from 1 on, as small as the corpus's.
 */
export function earlyWarningSamples(elevatorId = 'E1'): DetectedEvent[] {
  const floors = Array.from({ length: 6 }, (_, i) => ({ label: String(i), levelMm: i * 3000 }));
  const health = new ElevatorHealth({
    elevatorId,
    thresholds: mergeThresholds(defaultThresholds, { earlyWarning: { learningDays: 1, minObservations: 5 } }),
    ratedSpeedMps: 1.75,
    floors,
    available: new Set(ALL_SIGNALS),
  });
  const out: DetectedEvent[] = [];
  for (let i = 1; i <= 5 * 24 && out.length === 0; i++) {
    out.push(...health.observe({}, i * HOUR).map((t) => ({ ...t, elevatorId })));
    for (let f = 0; f < floors.length; f++) health.level('doorCloseS', { floor: f, direction: null }, 3 + f * 0.05 + (f === 3 && i > 36 ? (i - 36) * 0.02 : 0));
  }
  out.push(...health.reset({ floor: 3 }, 'platform').map((t) => ({ ...t, elevatorId })));
  return out.map((e, i) => ({ ...e, mono: i + 1 }));
}
