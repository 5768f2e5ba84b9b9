import { transition } from '../rules/context.js';
import type { Transition } from '../types.js';
import type { Change } from './baseline.js';
import type { Hint } from './hints.js';
import { INDICATOR_DEFS, type IndicatorId, type KeyPlace } from './indicators.js';
import { round } from './robust.js';

/** Which key a warning is about, in the words of event data. */
export interface WarningPlace extends KeyPlace {
  indicator: IndicatorId;
  /** The key's name (`doorCloseS@5`): the same cause has the same name in every event. */
  cause: string;
  /** The floor's label, null for all landings. */
  landing: string | null;
}

function figures(p: WarningPlace, c: Change) {
  const d = INDICATOR_DEFS[p.indicator].decimals + 1;
  return {
    indicator: p.indicator,
    cause: p.cause,
    floor: p.floor,
    landing: p.landing,
    direction: p.direction,
    unit: INDICATOR_DEFS[p.indicator].unit,
    baseline: round(c.baseline, d),
    now: round(c.now, d),
    band: [round(c.low, d), round(c.high, d)] as [number, number],
  };
}

/** 预警 raised: an indicator outside its band for the sustain window, with the hint for the technician. */
export function raisedWarning(p: WarningPlace, c: Change, hint: Hint, mono: number): Transition {
  const d = INDICATOR_DEFS[p.indicator].decimals + 1;
  return transition('early-warning', 'warning', 'raised', mono, {
    ...figures(p, c),
    drift: c.side,
    trendPerDay: c.trendPerDay === undefined ? null : round(c.trendPerDay, d + 1),
    overDays: c.overDays,
    learnedFrom: c.learnedFrom,
    hint,
  });
}

/** 预警 cleared: back inside the band for the clear window, or its baseline was reset (a part replaced). */
export function clearedWarning(p: WarningPlace, c: Change, reason: 'back-in-band' | 'baseline-reset', durationS: number, mono: number): Transition {
  return transition('early-warning', 'warning', 'cleared', mono, { ...figures(p, c), reason, durationS: round(durationS, 0) });
}

/** A technician reset baselines (a part was replaced): the platform's record of it. */
export function resetNotice(o: { indicator: IndicatorId | null; floor: number | null; keys: number; by: string }, mono: number): Transition {
  return transition('early-warning', 'info', 'instant', mono, { action: 'baseline-reset', ...o });
}
