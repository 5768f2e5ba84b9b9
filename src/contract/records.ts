import type { z } from 'zod';
import { commandRequestSchema, commandResponseSchema } from './commands.js';
import type { Severity } from './enums.js';
import { payloadSchemas } from './payloads.js';
import type { TopicScheme } from './topics.js';
import { CONTRACT_MINOR, CONTRACT_VERSION } from './version.js';

/**
 * Priority lanes, most important first. A record's lane decides the order of the backlog drain
 * and the order of eviction when the outbox is full (the outbox maps a lane to its number).
 */
const LANES = ['critical', 'fault', 'warning', 'info', 'stats', 'telemetry'] as const;
type Lane = (typeof LANES)[number];

/** What every message of one kind is on the wire: where it goes, its schema, QoS and retain flag. */
export interface MessageSpec<S extends z.ZodType = z.ZodType> {
  /** The payloads' schemas are built on first read (src/contract/payloads.ts says why). */
  readonly schema: S;
  qos: 0 | 1;
  retain: boolean;
  /** JSON Schema file in docs/contract/ (named by the major version: 1.1 is still `*.v1`). */
  schemaFile: string;
  /** The schema's name in the AsyncAPI document (components.schemas, components.messages). */
  name: string;
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
 * The contract, version 1.1, as one table: every record kind the outbox carries, and the messages
 * that are not stored (the retained status and info, command requests and responses). The topic
 * builder, the publisher, the record builders, the JSON Schemas and the AsyncAPI document
 * (docs/contract/) all read it.
 */
export const STORED_KINDS = {
  event: {
    get schema() {
      return payloadSchemas().eventPayloadSchema;
    },
    qos: 1,
    retain: false,
    schemaFile: `event.v${CONTRACT_VERSION}.schema.json`,
    name: 'Event',
    io: 'output',
    description: 'a fault or event (raised, cleared or instant) of one elevator, or of the gateway itself',
    topic: (t, elevatorId) => (elevatorId === null ? t.gatewayEvents : t.elevatorEvents(elevatorId)),
    lane: (severity = 'info') => severity,
  },
  telemetry: {
    get schema() {
      return payloadSchemas().telemetryPayloadSchema;
    },
    qos: 0,
    retain: false,
    schemaFile: `telemetry.v${CONTRACT_VERSION}.schema.json`,
    name: 'Telemetry',
    io: 'output',
    description: "an elevator's running state every uplink.telemetryIntervalS",
    topic: (t, elevatorId) => t.telemetry(required(elevatorId, 'telemetry')),
    lane: () => 'telemetry',
  },
  stats: {
    get schema() {
      return payloadSchemas().statsPayloadSchema;
    },
    qos: 1,
    retain: false,
    schemaFile: `stats.v${CONTRACT_VERSION}.schema.json`,
    name: 'Stats',
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
    get schema() {
      return payloadSchemas().statusPayloadSchema;
    },
    qos: 1,
    retain: true,
    schemaFile: `status.v${CONTRACT_VERSION}.schema.json`,
    name: 'Status',
    io: 'output',
    description: 'the gateway online (health, outbox) or offline (last will), retained',
  },
  info: {
    get schema() {
      return payloadSchemas().infoPayloadSchema;
    },
    qos: 1,
    retain: true,
    schemaFile: `info.v${CONTRACT_VERSION}.schema.json`,
    name: 'Info',
    io: 'output',
    description: "an elevator's basic information (GB/T 24476 group 2), retained; published at each connection and when it changes (since 1.1)",
  },
  commandRequest: {
    schema: commandRequestSchema,
    qos: 1,
    retain: false,
    schemaFile: `command-request.v${CONTRACT_VERSION}.schema.json`,
    name: 'CommandRequest',
    io: 'input',
    description: 'a read-only request from the platform',
  },
  commandResponse: {
    schema: commandResponseSchema,
    qos: 1,
    retain: false,
    schemaFile: `command-response.v${CONTRACT_VERSION}.schema.json`,
    name: 'CommandResponse',
    io: 'output',
    description: 'the answer to one request',
  },
} as const satisfies Record<string, MessageSpec>;

/**
 * Every topic and what travels on it, by the gateway's direction: `send` it publishes, `receive`
 * it subscribes to. Addresses take `{elevatorId}` and `{command}` placeholders (AsyncAPI parameters).
 */
export const CHANNELS: readonly { name: string; address: (t: TopicScheme) => string; message: MessageSpec; action: 'send' | 'receive' }[] = [
  { name: 'status', address: (t) => t.status, message: MESSAGES.status, action: 'send' },
  { name: 'gatewayEvents', address: (t) => STORED_KINDS.event.topic(t, null), message: STORED_KINDS.event, action: 'send' },
  { name: 'elevatorEvents', address: (t) => STORED_KINDS.event.topic(t, '{elevatorId}'), message: STORED_KINDS.event, action: 'send' },
  { name: 'telemetry', address: (t) => STORED_KINDS.telemetry.topic(t, '{elevatorId}'), message: STORED_KINDS.telemetry, action: 'send' },
  { name: 'stats', address: (t) => STORED_KINDS.stats.topic(t, '{elevatorId}'), message: STORED_KINDS.stats, action: 'send' },
  { name: 'info', address: (t) => t.info('{elevatorId}'), message: MESSAGES.info, action: 'send' },
  { name: 'commands', address: (t) => t.command('{command}'), message: MESSAGES.commandRequest, action: 'receive' },
  // Answered on the level the request came on, whatever it is: an unknown name gets its COMMAND_INVALID there.
  { name: 'responses', address: (t) => t.response('{requestedCommand}'), message: MESSAGES.commandResponse, action: 'send' },
];

function required(elevatorId: string | null, kind: string): string {
  if (elevatorId === null) throw new TypeError(`a ${kind} record belongs to an elevator`);
  return elevatorId;
}

/** Where a payload sits on the gateway's timelines (docs/contract.md, "Time"). */
export interface Stamp {
  /** The gateway's monotonic clock, ms (real ms, also under a simulation's time scale). */
  monoMs: number;
  /** Random per process start: monoMs compare only within one bootId. */
  bootId: string;
}

/** The version fields of every payload this gateway writes. */
export function versionStamp(s: Stamp): { v: typeof CONTRACT_VERSION; minor: typeof CONTRACT_MINOR; monoMs: number; bootId: string } {
  return { v: CONTRACT_VERSION, minor: CONTRACT_MINOR, monoMs: Math.max(0, Math.round(s.monoMs)), bootId: s.bootId };
}

/** The common head of every stored payload. */
export interface Envelope extends ReturnType<typeof versionStamp> {
  id: string;
  gatewayId: string;
  at: string;
  clockSynced: boolean;
}

/** The envelope of a stored payload: contract version, stable id, gateway, wall time, clock trust, timeline. */
export function envelope(o: { id: string; gatewayId: string; wallMs: number; clockSynced: boolean } & Stamp): Envelope {
  const { v, minor, monoMs, bootId } = versionStamp(o);
  return { v, minor, id: o.id, gatewayId: o.gatewayId, at: new Date(o.wallMs).toISOString(), clockSynced: o.clockSynced, monoMs, bootId };
}
