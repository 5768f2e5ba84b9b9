import { z } from 'zod';
import { directionSchema, doorStateSchema, driverStateSchema, EVENT_TYPES, eventTypeSchema, phaseSchema, severitySchema, statsPeriodSchema, type EventType } from './enums.js';
import { eventDataSchemas } from './event-data.js';
import { indicatorSummarySchema } from './health.js';
import { CONTRACT_VERSION } from './version.js';

/**
 * Payload schemas, contract 1.1: the single source for the TypeScript types, the runtime
 * validation on both ends, and the JSON Schemas and AsyncAPI document in docs/contract/.
 * Field names map onto GB/T 24476 data groups (see docs/contract.md). 1.1 only adds optional
 * fields to 1.0, so the same schema reads a 1.0 gateway's payloads and a 1.0 parser reads 1.1's.
 */

/** ISO 8601 UTC, as `Date.prototype.toISOString` writes it. */
const timestamp = (description: string) => z.iso.datetime().describe(description);

/** Version and timeline fields every payload carries. */
export function versionFields() {
  return {
    v: z.literal(CONTRACT_VERSION).describe('contract major version'),
    minor: z.number().int().nonnegative().optional().describe('contract minor version: 1 from contract 1.1 on, absent from a 1.0 gateway'),
    monoMs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("the gateway's monotonic clock at the event, ms (since 1.1): with `bootId`, it orders and re-times payloads stamped before the wall clock was synchronised"),
    bootId: z.uuid().optional().describe('random per start of the gateway process (since 1.1): monoMs values compare only within one bootId'),
  };
}

/**
 * Built on first use and then kept: one set, so that every user sees the same objects (the JSON
 * Schemas name shared parts by identity, src/contract/schemas.ts). A running gateway never asks
 * for it: it builds its payloads itself, and validating its own output on every event would cost
 * CPU for nothing, so it does not hold these schemas (docs/release.md, memory). The platform, the
 * JSON Schemas and the tests do.
 */
function build() {
  const versioned = versionFields();
  const { EVENT_DATA, idSchema } = eventDataSchemas();
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
      alarmButton: z.boolean().nullable().optional().describe('alarm button pressed (since 1.1)'),
      serviceMode: z.number().int().min(0).max(7).nullable().optional().describe('GB/T 24476 service-mode status code 0–7 the signals show (since 1.1)'),
      /** Signals whose reading is bad: unread, stale past the window, or a frozen controller. */
      badSignals: z.array(z.string()).optional(),
    })
    .describe('real-time running status (GB/T 24476 group 3): a field is absent when the board lacks the signal and null when its reading is bad — never a stale value');

  /** The envelope every stored record carries (see envelope() in records.ts). */
  const common = {
    ...versioned,
    id: idSchema,
    gatewayId: z.string(),
    at: timestamp('ISO 8601 wall time of detection'),
    clockSynced: z.boolean().describe('false while the gateway clock has not been synchronised (no RTC)'),
  };

  const blackboxSchema = z
    .object({
      columns: z.array(z.string()),
      /** Offsets in ms relative to `at` (negative = before). */
      rows: z.array(z.array(z.union([z.number(), z.string(), z.boolean(), z.null()]))),
    })
    .describe('snapshots before the raise, column-encoded');

  /** One member of the event union: the fields every event has, with this type's `data`. */
  function eventOf<T extends EventType>(type: T) {
    return z.object({
      ...common,
      elevator: elevatorIdentitySchema.nullable(),
      type: z.literal(type),
      code: z.string().optional().describe('GB/T 24476 platform fault/event code where one exists'),
      name: z.string().optional().describe('Chinese name of the fault/event'),
      phase: phaseSchema,
      severity: severitySchema,
      state: runningStateSchema.optional(),
      data: z.optional(EVENT_DATA[type]),
      blackbox: blackboxSchema.optional(),
    });
  }

  /** A fault or event; `type` selects the schema of `data` (src/contract/event-data.ts). */
  const eventPayloadSchema = z.discriminatedUnion('type', [
    eventOf('trapped'),
    eventOf('door-open-while-moving'),
    eventOf('moving-with-door-open'),
    eventOf('overspeed'),
    eventOf('overtravel-top'),
    eventOf('overtravel-bottom'),
    eventOf('stopped-outside-zone'),
    eventOf('leveling-error'),
    eventOf('door-open-too-long'),
    eventOf('door-reopen-repeated'),
    eventOf('safety-circuit-open'),
    eventOf('door-lock-fault'),
    eventOf('door-close-fault'),
    eventOf('door-open-fault'),
    eventOf('run-time-exceeded'),
    eventOf('floor-position-lost'),
    eventOf('service-mode'),
    eventOf('power-loss'),
    eventOf('sensor-lost'),
    eventOf('alarm-pressed'),
    eventOf('maintenance-session'),
    eventOf('early-warning'),
    eventOf('commissioning'),
    eventOf('blackbox'),
    eventOf('gateway-started'),
    eventOf('outbox-loss'),
    eventOf('upgrade'),
  ]);

  const telemetryPayloadSchema = z.object({
    ...common,
    elevator: elevatorIdentitySchema,
    state: runningStateSchema,
    activeFaults: z.array(eventTypeSchema),
    runCount: z.number().int().nonnegative().optional().describe('trips since the gateway was installed, kept across restarts (since 1.1); absent when the board has no speed'),
    runningHours: z
      .number()
      .nonnegative()
      .optional()
      .describe('hours the car moved since the gateway was installed, kept across restarts (since 1.1); absent when the board has no speed'),
  });

  const statusPayloadSchema = z.object({
    ...versioned,
    gatewayId: z.string(),
    state: z.enum(['online', 'offline']),
    at: timestamp('ISO 8601 wall time of this status').optional(),
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

  /** The retained description of one elevator (GB/T 24476 group 2, basic equipment information). Since 1.1. */
  const infoPayloadSchema = z.object({
    ...versioned,
    gatewayId: z.string(),
    at: timestamp('ISO 8601 wall time this description was published'),
    clockSynced: z.boolean(),
    elevator: elevatorIdentitySchema,
    name: z.string().optional().describe('name of the lift for people (elevators[].name)'),
    address: z.string().optional().describe("where the lift is: elevators[].address, else the site's"),
    site: z.object({ name: z.string().optional(), address: z.string().optional() }).optional(),
    floors: z.array(z.object({ label: z.string(), levelMm: z.number().int() })).describe('landings, bottom first'),
    ratedSpeedMps: z.number().positive(),
    board: z.object({ id: z.string(), transport: z.string(), description: z.string().optional() }),
    softwareVersion: z.string().describe('elevgw version'),
    maintenanceCompany: z.object({ name: z.string(), phone: z.string().optional() }).optional(),
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

  const statsPayloadSchema = z.object({
    ...common,
    elevator: elevatorIdentitySchema,
    period: statsPeriodSchema,
    from: timestamp('ISO 8601 wall time the window began'),
    to: timestamp('ISO 8601 wall time the window ended'),
    ...statsFiguresSchema.shape,
    indicators: indicatorSummarySchema.optional(),
  });
  return {
    elevatorIdentitySchema,
    runningStateSchema,
    blackboxSchema,
    eventPayloadSchema,
    telemetryPayloadSchema,
    statusPayloadSchema,
    infoPayloadSchema,
    statsFiguresSchema,
    statsPayloadSchema,
  };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;

export function payloadSchemas(): Schemas {
  built ??= build();
  return built;
}

export type RunningState = z.infer<Schemas['runningStateSchema']>;
export type EventPayload = z.infer<Schemas['eventPayloadSchema']>;
export type TelemetryPayload = z.infer<Schemas['telemetryPayloadSchema']>;
export type StatusPayload = z.infer<Schemas['statusPayloadSchema']>;
export type InfoPayload = z.infer<Schemas['infoPayloadSchema']>;
export type StatsFigures = z.infer<Schemas['statsFiguresSchema']>;
export type StatsPayload = z.infer<Schemas['statsPayloadSchema']>;
// Every event type has its member: a type added to EVENT_TYPES without one fails to compile here.
EVENT_TYPES satisfies readonly EventPayload['type'][];
