/**
 * The store of record between detection and the uplink. The outbox knows kinds, priorities
 * and order; it does not know topics or what a payload means.
 */

export type RecordKind = 'event' | 'telemetry' | 'stats' | 'status';

/** Lower number = more important. Critical faults are evicted last and drained first. */
export const PRIORITY = {
  critical: 0,
  fault: 1,
  warning: 2,
  info: 3,
  stats: 4,
  telemetry: 5,
} as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface NewRecord {
  /** Stable id, assigned before append; the same on every resend. */
  id: string;
  kind: RecordKind;
  /** null for gateway-level records. */
  elevatorId: string | null;
  priority: Priority;
  /** Wall time (epoch ms) the record was created. */
  createdAt: number;
  /** The contract payload, JSON text. */
  payload: string;
}

export interface StoredRecord extends NewRecord {
  /** Assigned by the outbox on append; strictly increasing. */
  seq: number;
}

export interface OutboxStats {
  pending: number;
  pendingByKind: Record<RecordKind, number>;
  oldestPendingCreatedAt: number | null;
  delivered: number;
  /** Records evicted under the size cap since the outbox was created, in all and by kind. */
  evicted: number;
  evictedByKind: Record<RecordKind, number>;
  dbBytes: number;
}

export interface Outbox {
  /**
   * Stored when it returns, in one transaction: the records survive the process dying, and are
   * fsynced before it returns (inline) or by the next background sync (see background-sync.ts).
   */
  append(records: NewRecord[]): StoredRecord[];
  /** Pending records, most important lane first, in append order within a lane; skips `exclude` seqs. */
  next(limit: number, exclude?: ReadonlySet<number>): StoredRecord[];
  /** Mark delivered (called on PUBACK). Unknown ids are ignored. */
  ack(ids: readonly string[]): void;
  /** The id of the most recently appended record (seeds the id generator after a restart). */
  lastId(): string | undefined;
  stats(): OutboxStats;
  /** Removes delivered rows older than the retention and, above the size cap, pending rows by priority. */
  maintain(nowWallMs: number): { purged: number; evicted: number; evictedByKind: Partial<Record<RecordKind, number>> };
  close(): void;
}
