import type { ElevatorSnapshot, Snapshot } from '../../contract/diag.js';

/** A reading as shown: null when it is bad or stale (drawn `?`, never the last value). */
export type Reading = number | boolean | string | null;

export interface FloorRow {
  label: string;
  levelMm: number;
}

/**
 * One picture of an elevator, whichever way it was read: from the running service's diagnostics
 * socket, or from the bus by this process when no service runs. `diag live` draws it and
 * `commission` judges its steps on it. A signal the board lacks is absent from `signals`; one it
 * has but could not read now is null. A part that is unknown altogether (the service stopped
 * answering) is null too.
 */
export interface LiveFrame {
  source: 'service' | 'bus';
  /** Wall time this frame describes (epoch ms). */
  at: number;
  elevator: { id: string; board: string; floors: FloorRow[]; ratedSpeedMps: number };
  signals: Record<string, Reading>;
  /** `missedPolls`: slots skipped because polls outlast their period (the service counts them; absent when read from the bus). */
  driver: { state: string; transactionsPerS: number | null; errorsByCode: Record<string, number>; lastErrorCode?: string; missedPolls?: number } | null;
  /** null: unknown now; 'missing': no outbox database (the bus read by this tool, before any gateway ran). */
  outbox: { pending: number; oldestPendingAgeS: number | null } | 'missing' | null;
  /** Active faults with when they were raised; `atLeast`: raised before this tool was watching, so the age is a lower bound. */
  faults: { type: string; sinceMs: number; atLeast: boolean }[] | null;
  gateway?: { id: string; version: string; uptimeS: number };
  /** Set when nothing here is current: since when (epoch ms) the source has been silent. */
  staleSince?: number;
}

/**
 * When each active fault was raised. The snapshot names active faults without their age; the
 * watch forwards each raised event as it is stored, which gives the time. A fault that was already
 * active when this tool attached is aged from the moment it was first seen, marked as a lower bound.
 */
export class FaultAges {
  private readonly since = new Map<string, { sinceMs: number; atLeast: boolean }>();

  raised(type: string, atMs: number): void {
    this.since.set(type, { sinceMs: atMs, atLeast: false });
  }

  /** The faults active now, each with its age's origin; ones no longer active are forgotten. */
  active(types: readonly string[], nowMs: number): { type: string; sinceMs: number; atLeast: boolean }[] {
    for (const t of [...this.since.keys()]) if (!types.includes(t)) this.since.delete(t);
    return types.map((type) => {
      let s = this.since.get(type);
      if (!s) {
        s = { sinceMs: nowMs, atLeast: true };
        this.since.set(type, s);
      }
      return { type, ...s };
    });
  }
}

/** The frame of one elevator of a service snapshot. */
export function frameFromSnapshot(snap: Snapshot, e: ElevatorSnapshot, ages: FaultAges, nowMs: number): LiveFrame {
  const signals: Record<string, Reading> = {};
  for (const [name, s] of Object.entries(e.signals)) signals[name] = s.quality === 'good' ? s.value : null;
  return {
    source: 'service',
    at: nowMs,
    elevator: { id: e.id, board: e.board, floors: e.floors, ratedSpeedMps: e.ratedSpeedMps },
    signals,
    driver: {
      state: e.driver.state,
      transactionsPerS: e.transactionsPerS,
      errorsByCode: e.driver.errorsByCode,
      ...(e.driver.lastErrorCode ? { lastErrorCode: e.driver.lastErrorCode } : {}),
      ...(e.missedPolls ? { missedPolls: e.missedPolls } : {}),
    },
    outbox: { pending: snap.outbox.pending, oldestPendingAgeS: snap.outbox.oldestPendingAgeS },
    faults: ages.active(e.activeFaults, nowMs),
    gateway: { id: snap.gatewayId, version: snap.version, uptimeS: snap.uptimeS },
  };
}

/** The same frame with everything unknown: the source has been silent since `sinceMs`. */
export function staleFrame(f: LiveFrame, sinceMs: number, nowMs: number): LiveFrame {
  return {
    ...f,
    at: nowMs,
    signals: Object.fromEntries(Object.keys(f.signals).map((k) => [k, null])),
    driver: null,
    outbox: null,
    faults: null,
    staleSince: sinceMs,
  };
}

/** A reading's value when it is a number, else undefined (absent or unknown). */
export function num(f: LiveFrame, name: string): number | undefined {
  const v = f.signals[name];
  return typeof v === 'number' ? v : undefined;
}

/** A reading's value when it is a boolean, else undefined (absent or unknown). */
export function bool(f: LiveFrame, name: string): boolean | undefined {
  const v = f.signals[name];
  return typeof v === 'boolean' ? v : undefined;
}
