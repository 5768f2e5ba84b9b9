/**
 * Preloaded into a bench's gateway (`node --import=dist/bench/gc-watch.js …`) when
 * ELEVGW_BENCH_PEER_GC=1: the garbage collector's pauses, as the gateway's own V8 reports them,
 * so the bench can say whether its slowest events waited for one. Never part of `elevgw run`.
 *
 * Writes `gc-<pid>.json` into ELEVGW_BENCH_GC_DIR when the process exits (the bench stops it with
 * SIGTERM; the gateway exits cleanly). Times are epoch milliseconds (the process's time origin
 * plus the entry's start), comparable with the bench's own `performance.timeOrigin + at` to
 * about a millisecond. Keeps every major and incremental pause and minor ones of 0.5 ms or more;
 * the rest are only counted, so an hour's run does not grow the heap it measures.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';

export interface GcPause {
  /** Epoch ms at which the pause began. */
  at: number;
  ms: number;
  kind: 'minor' | 'major' | 'incremental' | 'weak';
}

export interface GcLog {
  pauses: GcPause[];
  /** Minor pauses under 0.5 ms, not kept one by one. */
  shortMinor: number;
}

const KINDS: Record<number, GcPause['kind']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

const dir = process.env.ELEVGW_BENCH_GC_DIR;
if (dir) {
  const log: GcLog = { pauses: [], shortMinor: 0 };
  const origin = performance.timeOrigin;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'minor';
      if (kind === 'minor' && e.duration < 0.5) log.shortMinor++;
      else log.pauses.push({ at: origin + e.startTime, ms: e.duration, kind });
    }
  }).observe({ entryTypes: ['gc'] });
  process.once('exit', () => writeFileSync(join(dir, `gc-${process.pid}.json`), JSON.stringify(log)));
}
