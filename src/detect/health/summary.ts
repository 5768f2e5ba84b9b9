import type { WearCounters } from './baseline-store.js';
import type { IndicatorId } from './indicators.js';

/**
 * Bin edges of the daily histograms: bin 0 counts values below the first edge, bin i values in
 * [edge i−1, edge i), the last bin values at or above the last edge. Fixed, so the platform can
 * add up days and compare lifts.
 */
const HISTOGRAM_EDGES = {
  doorCloseS: [1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 15],
  doorOpenS: [1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 15],
  levelingMm: [-20, -10, -6, -3, -1, 1, 3, 6, 10, 20],
} as const;
type Histogrammed = keyof typeof HISTOGRAM_EDGES;

/** Occurrences the day's summary counts. */
const SUMMARY_COUNTS = [
  'trips',
  'doorCycles',
  'reopenings',
  'failedClosings',
  'relevels',
  'safetyGlitches',
  'lockGlitches',
  'sensorDrops',
  'reconnects',
  'overspeedNearMisses',
] as const;
export type SummaryCount = (typeof SUMMARY_COUNTS)[number];

/** The indicators of one statistics window (a day), as the stats payload carries them. */
export interface IndicatorSummary {
  /** Totals since installation (wear counters, kept across restarts). */
  counters: { trips: number; doorCycles: number; runningHours: number };
  /** Occurrences in this window. */
  counts: Record<SummaryCount, number>;
  /** Per landing (floor label): how many values fell in each bin of `edges`. */
  histograms: Record<Histogrammed, { edges: number[]; byFloor: Record<string, number[]> }>;
  /** Causes (baseline keys) with an early warning raised at the end of the window. */
  warnings: string[];
}

/** Counts of one window, and its histograms; a new window starts at each `take`. */
export class SummaryWindow {
  private counts = zeroCounts();
  private hist = emptyHistograms();

  constructor(private readonly floorLabels: readonly string[]) {}

  count(what: SummaryCount, n = 1): void {
    this.counts[what] += n;
  }

  /** A level observation at a landing: into its histogram, when the indicator has one. */
  value(id: IndicatorId, floor: number | null, v: number): void {
    if (floor === null || !(id in HISTOGRAM_EDGES)) return;
    const edges = HISTOGRAM_EDGES[id as Histogrammed];
    const label = this.floorLabels[floor] ?? String(floor);
    const byFloor = this.hist[id as Histogrammed].byFloor;
    const bins = byFloor[label] ?? new Array<number>(edges.length + 1).fill(0);
    byFloor[label] = bins;
    let i = 0;
    while (i < edges.length && v >= edges[i]!) i++;
    bins[i]!++;
  }

  take(counters: WearCounters, warnings: string[]): IndicatorSummary {
    const out: IndicatorSummary = {
      counters: { trips: counters.trips, doorCycles: counters.doorCycles, runningHours: Math.round(counters.runningMs / 36_000) / 100 },
      counts: this.counts,
      histograms: this.hist,
      warnings,
    };
    this.counts = zeroCounts();
    this.hist = emptyHistograms();
    return out;
  }
}

function zeroCounts(): Record<SummaryCount, number> {
  return Object.fromEntries(SUMMARY_COUNTS.map((c) => [c, 0])) as Record<SummaryCount, number>;
}

function emptyHistograms(): IndicatorSummary['histograms'] {
  const h = (k: Histogrammed) => ({ edges: [...HISTOGRAM_EDGES[k]], byFloor: {} });
  return { doorCloseS: h('doorCloseS'), doorOpenS: h('doorOpenS'), levelingMm: h('levelingMm') };
}
