import { ElevgwError } from '../core/errors.js';
import { PRIORITY, type NewRecord, type Outbox, type RecordKind } from './types.js';

/** Shared by every Outbox implementation so they agree on what is valid and how big a record is. */

const RECORD_KINDS: readonly RecordKind[] = ['event', 'telemetry', 'stats', 'status'];
const PRIORITIES: readonly number[] = Object.values(PRIORITY);
/** Lanes in eviction order: least important first. */
export const EVICTION_LANES: readonly number[] = [...PRIORITIES].sort((a, b) => b - a);

export interface OutboxLimits {
  /** Size cap; above it `maintain` evicts pending rows, least important and oldest first. */
  maxBytes: number;
  /** How long delivered rows are kept (for `diag outbox export`) before `maintain` removes them. */
  retentionMs: number;
}

export type MaintainResult = ReturnType<Outbox['maintain']>;

export function emptyByKind(): Record<RecordKind, number> {
  return { event: 0, telemetry: 0, stats: 0, status: 0 };
}

/** A programmer error in how the outbox is called (never a data problem): OUTBOX_MISUSE in logs. */
export function outboxMisuse(message: string, context: Record<string, unknown> = {}): ElevgwError {
  return new ElevgwError('OUTBOX_MISUSE', message, { ...context, misuse: true });
}

export function assertLimits(l: OutboxLimits): void {
  if (!(l.maxBytes > 0)) throw new ElevgwError('CONFIG_INVALID', `outbox maxBytes must be > 0, got ${l.maxBytes}`);
  if (!(l.retentionMs >= 0)) throw new ElevgwError('CONFIG_INVALID', `outbox retentionMs must be >= 0, got ${l.retentionMs}`);
}

/** Checks a whole batch before anything is written, so a bad record never leaves half a batch stored. */
export function assertNewRecords(records: readonly NewRecord[]): void {
  records.forEach((r, index) => {
    const bad = (why: string) => outboxMisuse(`outbox.append: record ${index} ${why}`, { index, id: r.id });
    if (typeof r.id !== 'string' || r.id.length === 0) throw bad('has no id');
    if (!RECORD_KINDS.includes(r.kind)) throw bad(`has unknown kind ${String(r.kind)}`);
    if (!PRIORITIES.includes(r.priority)) throw bad(`has unknown priority ${String(r.priority)}`);
    if (r.elevatorId !== null && typeof r.elevatorId !== 'string') throw bad('has an elevatorId that is neither a string nor null');
    if (!Number.isFinite(r.createdAt)) throw bad(`has a non-finite createdAt ${String(r.createdAt)}`);
    if (typeof r.payload !== 'string') throw bad('has a payload that is not JSON text');
  });
}

export function assertLimit(limit: number): number {
  if (Number.isNaN(limit)) throw outboxMisuse('outbox.next: limit is NaN');
  return Math.max(0, Math.floor(limit));
}

/**
 * The bytes a record costs, as an estimate of what it occupies in storage: UTF-8 text (Buffer's
 * default encoding) plus a fixed overhead for the row header, integers and its index entries.
 * Eviction uses it to decide how many rows free enough space.
 */
export const RECORD_OVERHEAD_BYTES = 64;
export function estimateRecordBytes(r: NewRecord): number {
  return (
    Buffer.byteLength(r.payload) +
    2 * Buffer.byteLength(r.id) + // the row and the unique index
    (r.elevatorId === null ? 0 : Buffer.byteLength(r.elevatorId)) +
    RECORD_OVERHEAD_BYTES
  );
}
