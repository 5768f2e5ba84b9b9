import { INDICATOR_DEFS, INDICATORS, type Exposure, type IndicatorId } from './indicators.js';

/** One rate's block so far: occurrences, exposure, and where the occurrences were. */
export interface RateBlock {
  count: number;
  exposure: number;
  byFloor: Record<string, number>;
}

/** A finished block: the rate per `per` units of exposure, and the landing most occurrences had. */
export interface BlockResult {
  id: IndicatorId;
  rate: number;
  worstFloor: number | null;
}

const RATES = INDICATORS.filter((id) => INDICATOR_DEFS[id].block !== undefined);
/** The rates counted against each kind of exposure (looked up on every sample: kept ready). */
const BY_EXPOSURE: Record<Exposure, IndicatorId[]> = { stops: [], closings: [], trips: [], hours: [] };
for (const id of RATES) BY_EXPOSURE[INDICATOR_DEFS[id].block!.exposure].push(id);
const NONE: readonly BlockResult[] = [];

/**
 * Counts each rate indicator's occurrences per block of exposure (50 stops, 50 closings, 50 trips,
 * 6 hours); a full block is one observation of the rate. Blocks, not days, so a quiet lift and a
 * busy one both give rates that mean the same; plain JSON, so an unfinished block survives a restart.
 */
export class RateBlocks {
  readonly blocks: Partial<Record<IndicatorId, RateBlock>>;

  constructor(saved?: Partial<Record<IndicatorId, RateBlock>>) {
    this.blocks = {};
    for (const id of RATES) this.blocks[id] = saved?.[id] ? { ...saved[id]!, byFloor: { ...saved[id]!.byFloor } } : { count: 0, exposure: 0, byFloor: {} };
  }

  count(id: IndicatorId, floor: number | null, n: number): void {
    const b = this.blocks[id];
    if (!b || n === 0) return;
    b.count += n;
    if (floor !== null) b.byFloor[floor] = (b.byFloor[floor] ?? 0) + n;
  }

  /** Adds exposure to every rate counted against it; returns the blocks it completed. */
  expose(exposure: Exposure, amount: number): readonly BlockResult[] {
    let done: BlockResult[] | undefined;
    for (const id of BY_EXPOSURE[exposure]) {
      const def = INDICATOR_DEFS[id].block!;
      const b = this.blocks[id]!;
      b.exposure += amount;
      if (b.exposure < def.size) continue;
      done ??= [];
      done.push({ id, rate: (b.count / b.exposure) * def.per, worstFloor: worst(b.byFloor) });
      this.blocks[id] = { count: 0, exposure: 0, byFloor: {} };
    }
    return done ?? NONE;
  }
}

function worst(byFloor: Record<string, number>): number | null {
  let best: number | null = null;
  let n = 0;
  for (const [floor, c] of Object.entries(byFloor)) {
    if (c > n) {
      n = c;
      best = Number(floor);
    }
  }
  return best;
}
