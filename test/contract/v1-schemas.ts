import { z } from 'zod';

/**
 * The contract v1 parser, frozen: the zod schemas of src/contract/ as they were at commit
 * d92a19e (contract 1.0), before 1.1 added fields. A platform written against 1.0 parses with
 * exactly these; test/contract/v1-compat.test.ts holds every 1.1 payload the gateway emits to
 * them. Never edit this file to make a test pass: a 1.1 payload it refuses is a breaking change.
 */

const EVENT_TYPES = [
  'trapped',
  'door-open-while-moving',
  'moving-with-door-open',
  'overspeed',
  'overtravel-top',
  'overtravel-bottom',
  'stopped-outside-zone',
  'leveling-error',
  'door-open-too-long',
  'door-reopen-repeated',
  'safety-circuit-open',
  'door-lock-fault',
  'door-close-fault',
  'door-open-fault',
  'run-time-exceeded',
  'floor-position-lost',
  'service-mode',
  'power-loss',
  'sensor-lost',
  'alarm-pressed',
  'maintenance-session',
  // The black box after a raised fault: a follow-up carrying the snapshots of the seconds after it.
  'blackbox',
  // gateway-level events
  'gateway-started',
  'outbox-loss',
] as const;
const eventTypeSchema = z.enum(EVENT_TYPES);

const phaseSchema = z.enum(['raised', 'cleared', 'instant']);

const severitySchema = z.enum(['critical', 'fault', 'warning', 'info']);

const doorStateSchema = z.enum(['open', 'closed', 'opening', 'closing', 'unknown']);

const directionSchema = z.enum(['up', 'down', 'none']);

const driverStateSchema = z.enum(['ok', 'degraded', 'lost']);

const statsPeriodSchema = z.enum(['hour', 'day']);

const V1 = 1;

const elevatorIdentitySchema = z.object({
  id: z.string().describe('installer-assigned elevator id, used in topics'),
  registrationCode: z.string().length(20).describe('20-character registration code (equipment identification)'),
  rescueCode: z.string().describe('rescue identification code posted in the car'),
});

const runningStateSchema = z
  .object({
    floor: z.string().nullable().optional().describe('floor label derived from position'),
    floorIndex: z.number().int().nullable().optional(),
    positionMm: z.number().nullable().optional(),
    speedMps: z.number().nullable().optional(),
    direction: directionSchema.nullable().optional(),
    carStatus: z.enum(['stop', 'run']).nullable().optional(),
    door: doorStateSchema.nullable().optional(),
    doorZone: z.boolean().nullable().optional(),
    doorClosedAndLocked: z.boolean().nullable().optional(),
    occupied: z.boolean().nullable().optional(),
    inspection: z.boolean().nullable().optional(),
    mainsPower: z.boolean().nullable().optional(),
    safetyCircuit: z.boolean().nullable().optional(),
    topFinalLimit: z.boolean().nullable().optional(),
    bottomFinalLimit: z.boolean().nullable().optional(),
    /** Signals whose reading is bad: unread, stale past the window, or a frozen controller. */
    badSignals: z.array(z.string()).optional(),
  })
  .describe('real-time running status (GB/T 24476 group 3): a field is absent when the board lacks the signal and null when its reading is bad — never a stale value');

/** The envelope every stored record carries (see envelope.ts). */
const common = {
  v: z.literal(V1),
  id: z.string().describe('stable, time-ordered, unique per gateway; the same on every resend'),
  gatewayId: z.string(),
  at: z.string().describe('ISO 8601 wall time of detection'),
  clockSynced: z.boolean().describe('false while the gateway clock has not been synchronised (no RTC)'),
};

export const eventPayloadSchema = z.object({
  ...common,
  elevator: elevatorIdentitySchema.nullable(),
  type: eventTypeSchema,
  code: z.string().optional().describe('GB/T 24476 platform fault/event code where one exists'),
  name: z.string().optional().describe('Chinese name of the fault/event'),
  phase: phaseSchema,
  severity: severitySchema,
  state: runningStateSchema.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  blackbox: z
    .object({
      columns: z.array(z.string()),
      /** Offsets in ms relative to `at` (negative = before). */
      rows: z.array(z.array(z.union([z.number(), z.string(), z.boolean(), z.null()]))),
    })
    .optional()
    .describe('snapshots before the raise, column-encoded'),
});

export const telemetryPayloadSchema = z.object({
  ...common,
  elevator: elevatorIdentitySchema,
  state: runningStateSchema,
  activeFaults: z.array(eventTypeSchema),
});

export const statusPayloadSchema = z.object({
  v: z.literal(V1),
  gatewayId: z.string(),
  state: z.enum(['online', 'offline']),
  at: z.string().optional(),
  version: z.string().optional(),
  clockSynced: z.boolean().optional(),
  uptimeS: z.number().optional(),
  outbox: z
    .object({
      pending: z.number(),
      oldestPendingAgeS: z.number().nullable(),
      delivered: z.number(),
      evicted: z.number(),
      dbBytes: z.number(),
    })
    .optional(),
  elevators: z
    .array(
      z.object({
        id: z.string(),
        registrationCode: z.string(),
        driver: driverStateSchema,
        unarmedRules: z.array(z.object({ type: eventTypeSchema, missing: z.array(z.string()) })),
      }),
    )
    .optional(),
});

/**
 * Usage statistics of one elevator over one window (GB/T 24476 group 4), for maintenance on
 * demand and fault big data. A figure is null when the board lacks the signals it needs.
 */
const statsFiguresSchema = z.object({
  observedS: z.number().nonnegative().describe('time covered by samples in the window (gaps excluded)'),
  trips: z.number().int().nonnegative().nullable().describe('starts from standstill (door closed, moving ≥ stats.tripMinMs)'),
  runningS: z.number().nonnegative().nullable().describe('time moving'),
  travelM: z.number().nonnegative().nullable().describe('distance travelled, m'),
  doorCycles: z.number().int().nonnegative().nullable().describe('door reached open, then closed again'),
  stopsByFloor: z.record(z.string(), z.number().int().nonnegative()).nullable().describe('stops at the end of a trip, by floor label'),
  stopsOutsideZone: z.number().int().nonnegative().nullable().describe('trips that ended outside a door zone'),
  faults: z.partialRecord(eventTypeSchema, z.number().int().positive()).describe('raised faults by type (severity above info)'),
  maintenanceSessions: z.number().int().nonnegative().describe('maintenance sessions opened (inspection on)'),
  inspectionS: z.number().nonnegative().nullable().describe('time in inspection'),
  mainsOffS: z.number().nonnegative().nullable().describe('time without mains'),
  unavailableS: z.number().nonnegative().describe('time with a critical/fault-severity fault raised or without mains'),
  availability: z.number().min(0).max(1).nullable().describe('1 − unavailableS / observedS; null when nothing was observed'),
});

export const statsPayloadSchema = z.object({
  ...common,
  elevator: elevatorIdentitySchema,
  period: statsPeriodSchema,
  from: z.string().describe('ISO 8601 wall time the window began'),
  to: z.string().describe('ISO 8601 wall time the window ended'),
  ...statsFiguresSchema.shape,
});

export const commandResponseSchema = z.object({
  v: z.literal(V1),
  command: z.string(),
  /** Echoed when the request had a readable one. */
  requestId: z.string().optional(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
