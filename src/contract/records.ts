import type { z } from 'zod';
import { commandRequestSchema, commandResponseSchema } from './commands.js';
import type { Severity } from './enums.js';
import { eventPayloadSchema, statsPayloadSchema, statusPayloadSchema, telemetryPayloadSchema } from './payloads.js';
import type { TopicScheme } from './topics.js';
import { CONTRACT_VERSION } from './version.js';

/**
 * Priority lanes, most important first. A record's lane decides the order of the backlog drain
 * and the order of eviction when the outbox is full (the outbox maps a lane to its number).
 */
const LANES = ['critical', 'fault', 'warning', 'info', 'stats', 'telemetry'] as const;
type Lane = (typeof LANES)[number];

/** What every message of one kind is on the wire: where it goes, its schema, QoS and retain flag. */
export interface MessageSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  qos: 0 | 1;
  retain: boolean;
  /** JSON Schema file in docs/contract/. */
  schemaFile: string;
  /** `io: 'input'` for what the gateway receives (defaults applied by the gateway, optional to the sender). */
  io: 'input' | 'output';
  description: string;
}

/** A kind of record the gateway stores in its outbox before it is published. */
export interface StoredKindSpec<S extends z.ZodType = z.ZodType> extends MessageSpec<S> {
  /** The topic of a record of this kind (null elevator: a gateway-level record). */
  topic(t: TopicScheme, elevatorId: string | null): string;
  lane(severity?: Severity): Lane;
}

/**
 * The contract, version 1, as one table: every record kind the outbox carries, and the messages
 * that are not stored (the retained status, command requests and responses). The topic builder,
 * the publisher, the record builders and the generated JSON Schemas (docs/contract/) all read it.
 */
export const STORED_KINDS = {
  event: {
    schema: eventPayloadSchema,
    qos: 1,
    retain: false,
    schemaFile: `event.v${CONTRACT_VERSION}.schema.json`,
    io: 'output',
    description: 'a fault or event (raised, cleared or instant) of one elevator, or of the gateway itself',
    topic: (t, elevatorId) => (elevatorId === null ? t.gatewayEvents : t.elevatorEvents(elevatorId)),
    lane: (severity = 'info') => severity,
  },
  telemetry: {
    schema: telemetryPayloadSchema,
    qos: 0,
    retain: false,
    schemaFile: `telemetry.v${CONTRACT_VERSION}.schema.json`,
    io: 'output',
    description: "an elevator's running state every uplink.telemetryIntervalS",
    topic: (t, elevatorId) => t.telemetry(required(elevatorId, 'telemetry')),
    lane: () => 'telemetry',
  },
  stats: {
    schema: statsPayloadSchema,
    qos: 1,
    retain: false,
    schemaFile: `stats.v${CONTRACT_VERSION}.schema.json`,
    io: 'output',
    description: "an elevator's usage statistics over the last hour or day",
    topic: (t, elevatorId) => t.stats(required(elevatorId, 'stats')),
    lane: () => 'stats',
  },
} as const satisfies Record<string, StoredKindSpec>;
export type StoredKind = keyof typeof STORED_KINDS;

/** Messages that never go through the outbox. */
export const MESSAGES = {
  status: {
    schema: statusPayloadSchema,
    qos: 1,
    retain: true,
    schemaFile: `status.v${CONTRACT_VERSION}.schema.json`,
    io: 'output',
    description: 'the gateway online (health, outbox) or offline (last will), retained',
  },
  commandRequest: {
    schema: commandRequestSchema,
    qos: 1,
    retain: false,
    schemaFile: `command-request.v${CONTRACT_VERSION}.schema.json`,
    io: 'input',
    description: 'a read-only request from the platform',
  },
  commandResponse: {
    schema: commandResponseSchema,
    qos: 1,
    retain: false,
    schemaFile: `command-response.v${CONTRACT_VERSION}.schema.json`,
    io: 'output',
    description: 'the answer to one request',
  },
} as const satisfies Record<string, MessageSpec>;

function required(elevatorId: string | null, kind: string): string {
  if (elevatorId === null) throw new TypeError(`a ${kind} record belongs to an elevator`);
  return elevatorId;
}

/** The common head of every stored payload. */
export interface Envelope {
  v: typeof CONTRACT_VERSION;
  id: string;
  gatewayId: string;
  at: string;
  clockSynced: boolean;
}

/** The envelope of a stored payload: contract version, stable id, gateway, wall time, clock trust. */
export function envelope(o: { id: string; gatewayId: string; wallMs: number; clockSynced: boolean }): Envelope {
  return { v: CONTRACT_VERSION, id: o.id, gatewayId: o.gatewayId, at: new Date(o.wallMs).toISOString(), clockSynced: o.clockSynced };
}
