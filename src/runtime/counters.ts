import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { StatsFigures } from '../contract/payloads.js';

/** Where the totals live between runs (SqliteOutbox's meta table; nothing for an in-memory outbox). */
export interface CounterStore {
  readCounters(prefix: string): Map<string, number>;
  writeCounters(prefix: string, values: ReadonlyMap<string, number>): void;
}

/** Cumulative figures of one elevator, as telemetry carries them. */
export interface RunTotals {
  runCount: number;
  runningHours: number;
}

const PREFIX = 'run:';
type Window = Pick<StatsFigures, 'trips' | 'runningS'>;

/**
 * The run counter and running hours of every elevator since the gateway was installed: the
 * closed hourly statistics windows added up, plus the open one. They are written to the store
 * only when an hour closes and at a clean stop — one small transaction an hour, nothing per trip
 * on the SD card. A power cut or SIGKILL therefore loses the counts of the open hour (< 1 h, plus
 * the 15 s the roll-up check may lag); docs/contract.md says so, and the platform sees a
 * restarted count as a new `bootId`.
 */
export class RunCounters {
  /** trips and moving seconds of the closed windows, by elevator. */
  private readonly closed = new Map<string, { trips: number; runningS: number }>();

  constructor(
    private readonly store: CounterStore | undefined,
    private readonly logger: Logger,
  ) {
    let stored = new Map<string, number>();
    try {
      stored = store?.readCounters(PREFIX) ?? stored;
    } catch (e) {
      logger.error({ err: errorMessage(e) }, 'run counters could not be read; counting from 0');
    }
    for (const [key, value] of stored) {
      const [elevatorId, field] = splitKey(key);
      const c = this.totals(elevatorId);
      if (field === 'trips') c.trips = value;
      else if (field === 'runningS') c.runningS = value;
    }
  }

  /** The totals with the open window's figures; undefined when the board cannot count trips (no speed). */
  current(elevatorId: string, open: Window): RunTotals | undefined {
    if (open.trips === null || open.runningS === null) return undefined;
    const c = this.totals(elevatorId);
    return { runCount: c.trips + open.trips, runningHours: Math.round(((c.runningS + open.runningS) / 3600) * 1000) / 1000 };
  }

  /** An hourly window closed: add it and write the totals. */
  closeHour(elevatorId: string, window: Window): void {
    this.add(elevatorId, window);
    this.persist();
  }

  /** A clean stop: the open windows are added and written, so nothing is lost. */
  stop(open: ReadonlyMap<string, Window>): void {
    for (const [id, w] of open) this.add(id, w);
    this.persist();
  }

  private add(elevatorId: string, w: Window): void {
    const c = this.totals(elevatorId);
    c.trips += w.trips ?? 0;
    c.runningS += w.runningS ?? 0;
  }

  private totals(elevatorId: string): { trips: number; runningS: number } {
    const known = this.closed.get(elevatorId);
    if (known) return known;
    const c = { trips: 0, runningS: 0 };
    this.closed.set(elevatorId, c);
    return c;
  }

  /** Never throws: a full disk keeps the totals in memory until the next hour. */
  private persist(): void {
    if (!this.store) return;
    const values = new Map<string, number>();
    for (const [id, c] of this.closed) {
      values.set(`${id}:trips`, c.trips);
      values.set(`${id}:runningS`, Math.round(c.runningS * 10) / 10);
    }
    try {
      this.store.writeCounters(PREFIX, values);
    } catch (e) {
      this.logger.warn({ err: errorMessage(e) }, 'run counters not written; kept in memory until the next hour');
    }
  }
}

/** `E1:trips` → [`E1`, `trips`]; an elevator id has no `:` (topic-safe ids). */
function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
