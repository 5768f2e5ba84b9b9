import { z } from 'zod';
import { commissioningDataSchema } from './commissioning.js';
import { driverStateSchema, eventTypeSchema, phaseSchema, severitySchema } from './enums.js';
import { indicatorSchema } from './health.js';
import { payloadSchemas } from './payloads.js';

/**
 * The local diagnostics protocol between a running gateway and `elevgw health` / `diag live` /
 * `commission` on the same machine: one JSON object per line over a Unix socket (mode 0660,
 * the elevgw group). Read-only but for ONE write: `record-commissioning` appends a single
 * `commissioning` event (its data validated by the contract's schema, the line size-limited) to
 * the outbox; it can store no other type, and nothing here changes the gateway's state or reaches
 * a controller. Membership of the elevgw group (the socket's mode) is the authorisation for it;
 * the gateway logs every one. Version 1.
 *
 * And one change of the gateway's own state: `reset-baseline` forgets an elevator's early-warning
 * baselines after a part was replaced (`elevgw diag baseline reset`, docs/early-warning.md). The
 * same authorisation — group membership; Node cannot read the peer's credentials (no
 * SO_PEERCRED), so the user it names is the one the client claims, logged as such and reported
 * upstream in the reset's event.
 */
export const DIAG_PROTOCOL_VERSION = 1;

/** Larger request lines are refused unread. */
export const MAX_DIAG_REQUEST_BYTES = 4096;
/** The one write (`record-commissioning`) may be longer: its steps carry the technician's reasons. */
export const MAX_DIAG_WRITE_BYTES = 16_384;

const diagRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ v: z.literal(DIAG_PROTOCOL_VERSION), op: z.literal('health') }),
  z.strictObject({ v: z.literal(DIAG_PROTOCOL_VERSION), op: z.literal('snapshot'), elevator: z.string().max(64).optional() }),
  /** Snapshots every `everyMs`, and every event as the gateway stores it, until the client hangs up. */
  z.strictObject({
    v: z.literal(DIAG_PROTOCOL_VERSION),
    op: z.literal('watch'),
    elevator: z.string().max(64).optional(),
    everyMs: z.number().int().min(100).max(10_000).default(500),
  }),
  /** The one write: store a `commissioning` event of this elevator in the outbox (answered `recorded`). */
  z.strictObject({ v: z.literal(DIAG_PROTOCOL_VERSION), op: z.literal('record-commissioning'), elevator: z.string().max(64), data: commissioningDataSchema }),
  /** Forget this elevator's early-warning baselines (only `indicator`'s, only `floor`'s), answered `reset`. `user`: who the client says runs it. */
  z.strictObject({
    v: z.literal(DIAG_PROTOCOL_VERSION),
    op: z.literal('reset-baseline'),
    elevator: z.string().max(64),
    indicator: indicatorSchema.optional(),
    floor: z.number().int().min(0).max(255).optional(),
    user: z.string().min(1).max(64),
  }),
]);
export type DiagRequest = z.infer<typeof diagRequestSchema>;
/** A request as a client writes it (defaults may be left out), without the version the client adds. */
export type DiagRequestInput = z.input<typeof diagRequestSchema> extends infer R ? (R extends unknown ? Omit<R, 'v'> : never) : never;

/**
 * The responses' schemas, built on first use: the clients parse every line with them, the gateway
 * only writes responses and never builds them (src/contract/payloads.ts says why that matters).
 */
function build() {
  const { runningStateSchema } = payloadSchemas();
  const driverHealthSchema = z.object({
    state: driverStateSchema,
    link: z.string(),
    lastErrorCode: z.string().optional(),
    lastError: z.string().optional(),
    transactions: z.number(),
    failures: z.number(),
    consecutiveFailures: z.number(),
    errorsByCode: z.record(z.string(), z.number()),
    skippedPolls: z.number(),
  });

  /** One signal as read now: null when the reading is bad, with its age since the last good read. */
  const diagSignalSchema = z.object({ value: z.union([z.number(), z.boolean(), z.string()]).nullable(), quality: z.enum(['good', 'bad']), ageMs: z.number() });

  const elevatorSnapshotSchema = z.object({
    id: z.string(),
    board: z.string(),
    floors: z.array(z.object({ label: z.string(), levelMm: z.number() })),
    ratedSpeedMps: z.number(),
    state: runningStateSchema,
    signals: z.record(z.string(), diagSignalSchema),
    driver: driverHealthSchema,
    activeFaults: z.array(eventTypeSchema),
    /** Driver transactions per second over the last snapshot period. */
    transactionsPerS: z.number(),
    lastStepAgeMs: z.number(),
    /**
     * Poll slots skipped since the start because a poll outlasted its group's period (a slave
     * slower than asked): skipped and counted, never queued. Absent from gateways before 0.2.
     */
    missedPolls: z.number().optional(),
  });

  const outboxSnapshotSchema = z.object({
    pending: z.number(),
    oldestPendingAgeS: z.number().nullable(),
    delivered: z.number(),
    dbBytes: z.number(),
    /** False while storage refuses writes (full disk): events are held in memory meanwhile. */
    writable: z.boolean(),
    held: z.number(),
  });

  const snapshotSchema = z.object({
    gatewayId: z.string(),
    version: z.string(),
    uptimeS: z.number(),
    uplink: z.object({ state: z.string(), inflight: z.number(), published: z.number() }),
    outbox: outboxSnapshotSchema,
    elevators: z.array(elevatorSnapshotSchema),
  });

  const healthSchema = z.object({
    healthy: z.boolean(),
    /** Why not, in words (empty when healthy). */
    problems: z.array(z.string()),
    gatewayId: z.string(),
    version: z.string(),
    uptimeS: z.number(),
    elevators: z.array(z.object({ id: z.string(), lastStepAgeMs: z.number(), driver: driverStateSchema })),
    outbox: outboxSnapshotSchema,
  });

  const diagEventSchema = z.object({ id: z.string(), elevatorId: z.string().nullable(), type: eventTypeSchema, phase: phaseSchema, severity: severitySchema, at: z.string() });

  const diagResponseSchema = z.discriminatedUnion('kind', [
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('health'), health: healthSchema }),
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('snapshot'), snapshot: snapshotSchema }),
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('event'), event: diagEventSchema }),
    /** A `reset-baseline` done: how many baselines were forgotten, the causes whose warnings cleared. */
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('reset'), keys: z.number().int().nonnegative(), cleared: z.array(z.string()) }),
    /** A `record-commissioning` stored: the event's id in the outbox. */
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('recorded'), id: z.string() }),
    z.object({ v: z.literal(DIAG_PROTOCOL_VERSION), kind: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
  ]);
  return { diagResponseSchema, elevatorSnapshotSchema, snapshotSchema, healthSchema, diagEventSchema };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;

export function diagResponseSchema(): Schemas['diagResponseSchema'] {
  built ??= build();
  return built.diagResponseSchema;
}

export type ElevatorSnapshot = z.infer<Schemas['elevatorSnapshotSchema']>;
export type Snapshot = z.infer<Schemas['snapshotSchema']>;
export type Health = z.infer<Schemas['healthSchema']>;
export type DiagEvent = z.infer<Schemas['diagEventSchema']>;
export type DiagResponse = z.infer<Schemas['diagResponseSchema']>;

/** Parses one request line; the error says what was expected, never echoes the input. */
export function parseDiagRequest(line: string): { ok: true; request: DiagRequest } | { ok: false; message: string } {
  const bytes = Buffer.byteLength(line);
  if (bytes > MAX_DIAG_WRITE_BYTES) return { ok: false, message: `request too large (at most ${MAX_DIAG_WRITE_BYTES} bytes)` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, message: 'not JSON: expected {"v":1,"op":"health"|"snapshot"|"watch"|"record-commissioning"|"reset-baseline",…}' };
  }
  const write = typeof json === 'object' && json !== null && (json as { op?: unknown }).op === 'record-commissioning';
  if (!write && bytes > MAX_DIAG_REQUEST_BYTES) return { ok: false, message: `request too large (at most ${MAX_DIAG_REQUEST_BYTES} bytes)` };
  const r = diagRequestSchema.safeParse(json);
  if (!r.success) return { ok: false, message: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  return { ok: true, request: r.data };
}
