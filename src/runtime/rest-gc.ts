import { getHeapSpaceStatistics } from 'node:v8';
import type { Timer, Timers } from '../core/clock.js';

/**
 * Young-generation collections at rest, so that none falls on an event's way.
 *
 * Left to itself, V8 collects the young generation (a scavenge, 0.5–1 ms on this gateway) when an
 * allocation finds it full. An event allocates more at once than anything else the gateway does
 * (its record, the JSON, the black box's text), so it is the likeliest allocation to find it
 * full: in `npm run bench -- peer`, 3.4 % of events had a pause on their way, where pauses at
 * random times would have met one in several thousand. With `--expose-gc` (the launcher gives it
 * to `elevgw run`), this looks at the young generation once a second and, once it is more than
 * half full, has it collected then, between polls, when the event loop has nothing else to do.
 * An event then finds room for what it allocates. A scavenge costs what survives it, not the
 * garbage, so collecting at half full makes up to twice as many of them: about 3 % more of the
 * gateway's CPU at 100 ms polls (docs/performance.md, "Collections off the event's way").
 *
 * The old generation is left to V8 (about one major collection every 3.6 minutes here): forcing
 * it at rest as well was tried and cost more CPU without clearing events' ways of pauses.
 *
 * Time here is the process's own (real timers): memory does not run faster with the simulator.
 */
export interface RestGcOptions {
  timers: Timers;
  /** How full the young generation is, 0–1 (`youngGenerationFill` unless a test gives one). */
  fill?: () => number;
  /** Collects the young generation (`exposedMinorGc()`); absent: nothing to do, nothing scheduled. */
  collect: (() => void) | undefined;
  /** How often to look, ms (default 1000). */
  everyMs?: number;
  /** Collect once the young generation is more than this full (default 0.5). */
  above?: number;
  /** Told once if reading the heap or collecting throws; looking then stops (V8 collects as it would anyway). */
  onError?: (error: unknown) => void;
}

export interface RestGc {
  /** Collections made at rest so far. */
  readonly collections: number;
  stop(): void;
}

/** Starts looking; `stop` ends it. With no collector (gc not exposed) it does nothing at all. */
export function startRestGc(o: RestGcOptions): RestGc {
  const collect = o.collect;
  const fill = o.fill ?? youngGenerationFill;
  const everyMs = o.everyMs ?? 1000;
  const above = o.above ?? 0.5;
  if (!(everyMs > 0)) throw new RangeError(`rest gc: everyMs must be > 0, got ${everyMs}`);
  if (!(above >= 0 && above < 1)) throw new RangeError(`rest gc: above must be in [0, 1), got ${above}`);
  let timer: Timer | undefined;
  let stopped = false;
  const state = {
    collections: 0,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
  if (!collect) return state;
  const tick = () => {
    if (stopped) return;
    try {
      if (fill() > above) {
        collect();
        state.collections++;
      }
    } catch (error) {
      // An optimisation that fails must not take the gateway down from a timer: stop it and say so.
      stopped = true;
      o.onError?.(error);
      return;
    }
    timer = o.timers.after(everyMs, tick);
  };
  timer = o.timers.after(everyMs, tick);
  return state;
}

/** The young generation's fill: what is allocated in it over what it holds before V8 must collect it. */
function youngGenerationFill(): number {
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name !== 'new_space') continue;
    const capacity = s.space_used_size + s.space_available_size;
    return capacity > 0 ? s.space_used_size / capacity : 0;
  }
  return 0;
}

/** `gc({ type: 'minor' })` when the process runs with `--expose-gc`, else undefined. */
export function exposedMinorGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  return typeof gc === 'function' ? () => gc({ type: 'minor' }) : undefined;
}
