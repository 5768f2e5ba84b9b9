import type { z } from 'zod';
import type { MESSAGES, STORED_KINDS } from '../../contract/records.js';

/** What a valid message of each kind carries: the contract table's own schema types, never re-declared. */
export type StoredPayload<K extends keyof typeof STORED_KINDS> = z.infer<(typeof STORED_KINDS)[K]['schema']>;
export type StatusPayload = z.infer<typeof MESSAGES.status.schema>;
export type InfoPayload = z.infer<typeof MESSAGES.info.schema>;

interface Received {
  topic: string;
  /** The platform's wall clock when the worker took the message (not the gateway's `at`). */
  receivedMs: number;
}

/** A message that passed the contract, ready to store, or one that did not (a dead letter). */
export type IngestItem =
  | (Received & { kind: 'event'; payload: StoredPayload<'event'> })
  | (Received & { kind: 'telemetry'; payload: StoredPayload<'telemetry'> })
  | (Received & { kind: 'stats'; payload: StoredPayload<'stats'> })
  | (Received & { kind: 'status'; gatewayId: string; payload: StatusPayload; retained?: { subscribedMs: number } })
  | (Received & { kind: 'info'; payload: InfoPayload; retained?: { subscribedMs: number } })
  | (Received & { kind: 'dead'; reason: string; raw: Buffer });

export interface IngestResult {
  /** Records stored now (duplicates not counted). */
  stored: number;
  duplicates: number;
  deadLetters: number;
  ticketsOpened: string[];
  ticketsResolved: string[];
}

/** The latest running state of elevators, written outside the ingest transaction (see LatestState). */
export interface ElevatorLatest {
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  rescueCode: string;
  /** Null when only events were seen since the last write (no telemetry). */
  state: unknown;
  activeFaults: readonly string[] | null;
  telemetryAtMs: number | null;
  seenMs: number;
}

export interface GatewayRow {
  gatewayId: string;
  /** From the retained status and the last will: `online`, `offline`, or null before any status. */
  status: string | null;
  statusMs: number | null;
  statusDoc: StatusPayload | null;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface ElevatorRow {
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  rescueCode: string;
  info: InfoPayload | null;
  state: StoredPayload<'telemetry'>['state'] | null;
  activeFaults: string[];
  telemetryAtMs: number | null;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface FaultRow {
  gatewayId: string;
  elevatorId: string;
  type: string;
  raisedId: string;
  severity: string;
  raisedAtMs: number;
  receivedMs: number;
  floor: string | null;
}

export type TicketState = 'open' | 'acknowledged' | 'resolved';

export interface TicketTransition {
  kind: 'opened' | 'escalated' | 'acknowledged' | 'resolved';
  state: TicketState;
  escalation: number;
  who: string;
  atMs: number;
  note: string | null;
}

export interface TicketRow {
  id: string;
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  rescueCode: string;
  name: string | null;
  address: string | null;
  floor: string | null;
  hotline: string;
  maintenanceCompany: string | null;
  state: TicketState;
  escalation: number;
  nextEscalationMs: number | null;
  raisedAtMs: number;
  openedMs: number;
  acknowledgedMs: number | null;
  resolvedMs: number | null;
  resolution: string | null;
  transitions: TicketTransition[];
}

export interface EventRow {
  gatewayId: string;
  id: string;
  elevatorId: string | null;
  type: string;
  phase: string;
  severity: string;
  atMs: number;
  receivedMs: number;
  forId: string | null;
  payload: StoredPayload<'event'>;
}

export interface DeadLetterRow {
  seq: number;
  receivedMs: number;
  topic: string;
  reason: string;
  bytes: number;
  payload: string;
}

/** A black box's two parts, joined: the raised event's rows (before) and its follow-up's (after). */
export interface JoinedBlackbox {
  raisedId: string;
  followUpId: string | null;
  columns: string[];
  before: unknown[][];
  after: unknown[][];
  complete: boolean;
}

export interface MaintenanceEventRow {
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  phase: string;
  atMs: number;
  durationS: number | null;
}

export interface TicketChange {
  ticket: TicketRow;
  changed: boolean;
}

/** How escalation is timed: level n is reached `escalateAfterMs[n]` after opening, unless acknowledged. */
export interface RescuePolicy {
  escalateAfterMs: readonly number[];
  hotline: string;
}

export interface RecordCounts {
  events: number;
  telemetry: number;
  stats: number;
  deadLetters: number;
}

/**
 * Everything the platform keeps, behind one interface: SQLite (embedded default) and PostgreSQL
 * implement it with the same SQL (store.ts), and test/platform/store-contract.ts holds both to it.
 */
export interface PlatformStore {
  readonly dialect: 'postgres' | 'sqlite';
  /** One transaction: records (deduplicated on the id), dead letters, statuses, faults and rescue tickets. */
  ingest(items: readonly IngestItem[], policy: RescuePolicy): Promise<IngestResult>;
  /** Whether a failed ingest is worth retrying as it is (connection, deadlock, busy) rather than bad data in it. */
  isTransient(e: unknown): boolean;
  /** Upserts the latest telemetry and last-seen times; newer wins, so workers may write in any order. */
  updateLatest(elevators: readonly ElevatorLatest[], gatewaysSeen: ReadonlyMap<string, number>): Promise<void>;
  /** Escalates every ticket whose next escalation is due at `nowMs`; returns the ids escalated. */
  escalateDue(nowMs: number, policy: RescuePolicy): Promise<string[]>;
  /** `changed` is false when the ticket was no longer open (acknowledged or resolved before). */
  acknowledgeTicket(id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined>;
  closeTicket(id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined>;
  ticket(id: string): Promise<TicketRow | undefined>;
  /** Tickets not resolved, and those resolved since `resolvedSinceMs`. */
  tickets(resolvedSinceMs: number): Promise<TicketRow[]>;
  gateways(): Promise<GatewayRow[]>;
  elevators(): Promise<ElevatorRow[]>;
  activeFaults(): Promise<FaultRow[]>;
  events(filter: { gatewayId?: string; elevatorId?: string; type?: string; limit: number }): Promise<EventRow[]>;
  blackbox(gatewayId: string, raisedId: string): Promise<JoinedBlackbox | undefined>;
  deadLetters(limit: number): Promise<DeadLetterRow[]>;
  maintenanceEvents(fromMs: number, toMs: number): Promise<MaintenanceEventRow[]>;
  counts(): Promise<RecordCounts>;
  /** Resolves when the database answers a query; rejects with why not (for /healthz). */
  ping(): Promise<void>;
  /** Creates the month partitions ahead (PostgreSQL); returns those created. */
  maintainPartitions(nowMs: number): Promise<string[]>;
  onChange(listener: () => void): void;
  close(): Promise<void>;
}
