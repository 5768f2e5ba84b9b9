import type { SignalName } from '../../signals/types.js';
import { INDICATORS, type IndicatorId } from '../../contract/health.js';

export { INDICATORS, type IndicatorId };

/**
 * What a health indicator is and how it is watched. Two kinds:
 * - `level`: one observation per occurrence (a door closing, a stop, a trip); "now" is the median
 *   of the last `recent` observations;
 * - `rate`: occurrences counted per block of exposure (stops, closings, trips, hours); one
 *   observation per block, "now" is the mean of the last `recent` blocks (counts are small: a
 *   median of them would jump between 0 and 2).
 * A baseline (median, MAD) is learned per key: the indicator per landing, per travel direction,
 * or both, as `keys` says.
 */
export interface IndicatorDef {
  id: IndicatorId;
  kind: 'level' | 'rate';
  /** Unit of the indicator's values, as event data and hints give them. */
  unit: string;
  unitZh: string;
  decimals: number;
  /** Which drifts matter: both ways for a level, only up for a rate (fewer reopenings is no fault). */
  concern: 'both' | 'high';
  recent: number;
  /**
   * The groupings a value is kept under. The first is the lift-wide one; the others (per landing)
   * keep the value *relative to it* — the landing against the lift as a whole — so a wear that
   * moves every landing alike (stretched ropes, a slow car door operator) raises one warning, not
   * one per landing, and a landing of its own (a loose vane, a sticking landing door) still stands out.
   */
  keys: readonly KeyShape[];
  /** Signals without which the indicator is never observed. */
  needs: readonly SignalName[];
  /** Rates only: occurrences per block of this much exposure, scaled to "per `per`". */
  block?: { exposure: Exposure; size: number; per: number };
}

export type KeyShape = 'landing' | 'landing-direction' | 'direction' | 'lift';
export type Exposure = 'stops' | 'closings' | 'trips' | 'hours';

const DOOR: readonly SignalName[] = ['door'];
const RUN: readonly SignalName[] = ['speedMps'];

export const INDICATOR_DEFS: Readonly<Record<IndicatorId, IndicatorDef>> = {
  doorCloseS: { id: 'doorCloseS', kind: 'level', unit: 's', unitZh: '秒', decimals: 1, concern: 'both', recent: 15, keys: ['lift', 'landing'], needs: DOOR },
  doorOpenS: { id: 'doorOpenS', kind: 'level', unit: 's', unitZh: '秒', decimals: 1, concern: 'both', recent: 15, keys: ['lift', 'landing'], needs: DOOR },
  doorReopens: {
    id: 'doorReopens',
    kind: 'rate',
    unit: 'per 100 stops',
    unitZh: '次/百次停靠',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: DOOR,
    block: { exposure: 'stops', size: 50, per: 100 },
  },
  failedCloses: {
    id: 'failedCloses',
    kind: 'rate',
    unit: 'per 100 closings',
    unitZh: '次/百次关门',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: DOOR,
    block: { exposure: 'closings', size: 50, per: 100 },
  },
  levelingMm: {
    id: 'levelingMm',
    kind: 'level',
    unit: 'mm',
    unitZh: '毫米',
    decimals: 1,
    concern: 'both',
    recent: 15,
    keys: ['direction', 'landing-direction'],
    needs: ['levelingErrorMm', 'doorZone', 'door', 'speedMps'],
  },
  relevels: {
    id: 'relevels',
    kind: 'rate',
    unit: 'per 100 stops',
    unitZh: '次/百次停靠',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: ['door', 'doorZone', 'speedMps'],
    block: { exposure: 'stops', size: 50, per: 100 },
  },
  tripExcessS: { id: 'tripExcessS', kind: 'level', unit: 's', unitZh: '秒', decimals: 1, concern: 'both', recent: 15, keys: ['direction'], needs: ['speedMps', 'positionMm'] },
  peakSpeedRatio: { id: 'peakSpeedRatio', kind: 'level', unit: '× rated', unitZh: '倍额定速度', decimals: 3, concern: 'both', recent: 15, keys: ['direction'], needs: RUN },
  accelMps2: { id: 'accelMps2', kind: 'level', unit: 'm/s²', unitZh: '米/秒²', decimals: 2, concern: 'both', recent: 15, keys: ['direction'], needs: RUN },
  safetyGlitches: {
    id: 'safetyGlitches',
    kind: 'rate',
    unit: 'per 100 trips',
    unitZh: '次/百次运行',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: ['safetyCircuit', 'speedMps'],
    block: { exposure: 'trips', size: 50, per: 100 },
  },
  lockGlitches: {
    id: 'lockGlitches',
    kind: 'rate',
    unit: 'per 100 trips',
    unitZh: '次/百次运行',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: ['doorLockCircuit', 'speedMps'],
    block: { exposure: 'trips', size: 50, per: 100 },
  },
  sensorDrops: {
    id: 'sensorDrops',
    kind: 'rate',
    unit: 'per day',
    unitZh: '次/天',
    decimals: 0,
    concern: 'high',
    recent: 4,
    keys: ['lift'],
    needs: [],
    block: { exposure: 'hours', size: 6, per: 24 },
  },
};

/** Where one value of an indicator is kept: a landing (floor index) and a travel direction, either possibly "all". */
export interface KeyPlace {
  floor: number | null;
  direction: 'up' | 'down' | null;
}

/** `doorCloseS@5`, `levelingMm@3/up`, `levelingMm@*\/down`, `doorReopens`: stable names of a baseline, in the store and in events (`cause`). */
export function keyName(id: IndicatorId, shape: KeyShape, place: KeyPlace): string {
  switch (shape) {
    case 'lift':
      return id;
    case 'landing':
      return `${id}@${place.floor}`;
    case 'direction':
      return `${id}@*/${place.direction}`;
    case 'landing-direction':
      return `${id}@${place.floor}/${place.direction}`;
  }
}

/** The place a key stands for: `null` where it spans all landings or both directions. */
export function placeOf(shape: KeyShape, place: KeyPlace): KeyPlace {
  return {
    floor: shape === 'landing' || shape === 'landing-direction' ? place.floor : null,
    direction: shape === 'direction' || shape === 'landing-direction' ? place.direction : null,
  };
}

/** Whether the board gives the indicator what it needs. */
export function observable(def: IndicatorDef, available: ReadonlySet<SignalName>): boolean {
  return def.needs.every((n) => available.has(n));
}
