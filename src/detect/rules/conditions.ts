import { goodValue, type ElevatorSignals, type Sample, type SignalName, type SignalValues } from '../../signals/types.js';
import type { Tri } from '../tri.js';

/** Shared by the rules with the predicates below (src/signals/types.ts says why a named read). */
export { goodValue };

/**
 * Signal predicates shared by the rules. Each returns undefined when the signal it reads is
 * bad, so a rule neither raises nor clears from it.
 */

export function absSpeed(s: ElevatorSignals): number | undefined {
  const v = goodValue(s.speedMps);
  return v === undefined ? undefined : Math.abs(v);
}

/*
 * isStationary and isMoving read the speed themselves rather than through absSpeed: a number
 * returned from a call V8 does not inline is a new heap number, and these two run on most
 * samples (run-time-exceeded and door-reopen-repeated made two a step).
 */

export function isStationary(s: ElevatorSignals, stationaryMps: number): Tri {
  const sample = s.speedMps;
  return sample !== undefined && sample.quality === 'good' ? Math.abs(sample.value) < stationaryMps : undefined;
}

export function isMoving(s: ElevatorSignals, stationaryMps: number): Tri {
  const sample = s.speedMps;
  return sample !== undefined && sample.quality === 'good' ? Math.abs(sample.value) >= stationaryMps : undefined;
}

/** Door known closed; a door reading 'unknown' is as unknown as a bad one. */
export function isDoorClosed(s: ElevatorSignals): Tri {
  const d = goodValue(s.door);
  return d === undefined || d === 'unknown' ? undefined : d === 'closed';
}

export function isDoorNotClosed(s: ElevatorSignals): Tri {
  const closed = isDoorClosed(s);
  return closed === undefined ? undefined : !closed;
}

export function isInZone(s: ElevatorSignals): Tri {
  return goodValue(s.doorZone);
}

/**
 * |speed| beyond what the door (unlocking) zone allows with a door open: above `outsideMps`
 * outside the zone, above `insideMps` inside it. With the zone unknown the answer is known only
 * when both cases agree.
 */
export function isTooFastForZone(s: ElevatorSignals, outsideMps: number, insideMps: number): Tri {
  const v = absSpeed(s);
  if (v === undefined) return undefined;
  const zone = isInZone(s);
  if (zone === true) return v > insideMps;
  if (zone === false) return v > outsideMps;
  if (v > Math.max(insideMps, outsideMps)) return true;
  if (v <= Math.min(insideMps, outsideMps)) return false;
  return undefined;
}

export type FlagName = { [K in SignalName]: SignalValues[K] extends boolean ? K : never }[SignalName];

/**
 * An optional boolean input: false when the board does not provide it at all (the rule still
 * works without it), unknown when it is provided but bad.
 */
export function optionalFlag(s: ElevatorSignals, k: FlagName): Tri {
  return optionalGood(s[k]);
}

/** `optionalFlag` on a named read: `optionalGood(s.inspection)`. */
export function optionalGood(sample: Sample<boolean> | undefined): Tri {
  return sample === undefined ? false : goodValue(sample);
}
