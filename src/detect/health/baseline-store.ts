import type { KeyState } from './baseline.js';
import type { IndicatorId } from '../../contract/health.js';
import type { RateBlock } from './rates.js';

/** The wear counters of one lift: since the gateway was installed, kept across restarts. */
export interface WearCounters {
  trips: number;
  doorCycles: number;
  runningMs: number;
}

/** Everything of one lift's health that is not a baseline: health time, counters, unfinished rate blocks. */
export interface HealthMeta {
  /** Observed time so far, ms: the clock of learning periods, sustain windows and trends. */
  healthMs: number;
  counters: WearCounters;
  blocks: Partial<Record<IndicatorId, RateBlock>>;
}

export interface StoredHealth {
  meta: HealthMeta;
  keys: Map<string, KeyState>;
}

/**
 * Where baselines live between restarts. Written rarely (the gateway saves with each hourly
 * statistics roll-up and at a clean stop: an SD card's writes are counted), so a power cut loses
 * at most the last hour of observations — never the learned baselines.
 *
 * `save` writes the meta and the keys given (only those changed since the last save); a key given
 * as `null` is deleted (a reset). One call is one transaction.
 */
export interface BaselineStore {
  load(elevatorId: string): StoredHealth | undefined;
  save(elevatorId: string, meta: HealthMeta, keys: ReadonlyMap<string, KeyState | null>): void;
  close(): void;
}

/** Values pass through JSON both ways, exactly as through SQLite: no shared object survives a "restart". */
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A store in memory: replay, tests, and a gateway run without a database. */
export class MemoryBaselineStore implements BaselineStore {
  private readonly lifts = new Map<string, { meta: HealthMeta; keys: Map<string, KeyState> }>();

  load(elevatorId: string): StoredHealth | undefined {
    const l = this.lifts.get(elevatorId);
    return l ? { meta: copy(l.meta), keys: new Map([...l.keys].map(([k, v]) => [k, copy(v)])) } : undefined;
  }

  save(elevatorId: string, meta: HealthMeta, keys: ReadonlyMap<string, KeyState | null>): void {
    const l = this.lifts.get(elevatorId) ?? { meta, keys: new Map<string, KeyState>() };
    l.meta = copy(meta);
    for (const [k, v] of keys) {
      if (v === null) l.keys.delete(k);
      else l.keys.set(k, copy(v));
    }
    this.lifts.set(elevatorId, l);
  }

  close(): void {}
}
