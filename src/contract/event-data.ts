import { z } from 'zod';
import { commissioningDataSchema } from './commissioning.js';
import { doorStateSchema, eventTypeSchema, recordKindSchema, serviceModeSchema, signalNameSchema, type EventType } from './enums.js';
import { upgradeDataSchema } from './upgrade.js';
import { earlyWarningDataSchema } from './health.js';

/**
 * What each event type carries in `data`, per phase: one zod schema per type, the single source
 * of the rules' transition data (src/detect/types.ts types `Transition.data` from it), of the
 * event payload's discriminated union and of the JSON Schemas. Objects are open (unknown keys
 * pass), so a later minor version may add fields without breaking a 1.1 consumer.
 */

/**
 * Built on first use and then kept: one set, so that the payload schemas and the JSON Schemas'
 * shared parts are the same objects (src/contract/schemas.ts names them by identity). A running
 * gateway never asks for it: it builds its events itself and validates none on the way out, so
 * it does not hold these schemas (docs/release.md, memory).
 */
function build() {
  const floor = z.number().int().nullable().describe('floor index (0 = bottom landing) at the event; null when unreadable');
  const positionMm = z.number().nullable().describe('car position, mm above the bottom landing; null when unreadable');
  const inZone = z.boolean().nullable().describe('in a door zone; null when unreadable');
  const speedMps = z.number().nullable().describe('signed speed, m/s; null when unreadable');
  const seconds = z.number().nonnegative();
  const count = z.number().int().nonnegative();
  /** The data of a clearing that only says how long the episode lasted. */
  const lasted = z.object({ durationS: seconds.describe('from the raise to the clear, s') });

  const trapped = z.union([
    z.object({ floor, positionMm, inZone, holdS: seconds, trigger: z.enum(['timeout', 'alarm']), stoppedS: seconds }),
    z.object({ reason: z.enum(['door-opened', 'occupant-gone']) }),
  ]);

  const doorOpenWhileMoving = z.object({ speedMps, door: doorStateSchema.nullable(), inZone, positionMm, floor });

  const movingWithDoorOpen = z.object({ speedMps, inZone, positionMm, movedMm: z.number().nonnegative().nullable() });

  const peak = { peakMps: z.number().nonnegative(), ratio: z.number().nonnegative(), ratedMps: z.number().positive() };
  const overspeed = z.union([z.object({ ...peak, trigger: z.enum(['speed', 'switch']) }), z.object({ ...peak, calmS: seconds })]);

  const overtravel = z.object({ positionMm, pastLandingMm: z.number().nullable(), finalLimit: z.boolean().nullable() });

  const stoppedOutsideZone = z.union([z.object({ positionMm, floor, levelingErrorMm: z.number().nullable(), stoppedS: seconds }), lasted]);

  const levelingError = z.object({ errorMm: z.number(), floor, limitMm: z.number().positive().optional() });

  const doorOpenTooLong = z.union([z.object({ floor, openS: seconds }), lasted]);

  const doorReopenRepeated = z.object({ reopenings: count, windowS: z.number().positive(), floor });

  const safetyCircuitOpen = z.union([z.object({ moving: z.boolean().nullable(), floor, positionMm }), lasted]);

  const lockFault = z.enum(['open-while-running', 'bypassed']);
  const doorLockFault = z.union([z.object({ kind: lockFault, door: doorStateSchema.nullable(), lockClosed: z.boolean().nullable(), speedMps }), z.object({ kind: lockFault })]);

  /** 关门故障 / 开门故障: an attempt timed out, or too many failed in a row. */
  const doorAttempt = z.union([
    z.object({ kind: z.literal('timeout'), attemptS: seconds, floor }),
    z.object({ kind: z.literal('failed'), attempts: count, overS: seconds, floor }),
    lasted,
  ]);

  const runTimeExceeded = z.union([z.object({ limitS: z.number().positive(), floor }), z.object({ runS: seconds })]);

  const floorPositionLost = z.union([
    z.object({ kind: z.literal('mismatch'), controllerFloor: z.number().int().nullable(), floor, positionMm }),
    z.object({ kind: z.literal('jump'), fromMm: z.number(), toMm: z.number(), jumpMm: z.number(), floor, positionMm }),
    z.object({ kind: z.enum(['mismatch', 'jump']) }),
  ]);

  const serviceMode = z.object({
    mode: serviceModeSchema,
    code: z.number().int().min(0).max(7).describe('GB/T 24476 service-mode status code of `mode`'),
    previous: serviceModeSchema.nullable(),
    heldS: seconds,
    floor,
  });

  const powerLoss = lasted;

  const sensorLost = z.union([z.object({ signals: z.array(signalNameSchema), unreadS: seconds }), lasted]);

  const alarmPressed = z.object({ floor, inZone, occupied: z.boolean().nullable() });

  const maintenanceSession = z.union([z.object({ floor }), z.object({ durationS: seconds, suppressed: z.partialRecord(eventTypeSchema, z.number().int().positive()).optional() })]);

  const idPattern = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
  /** Event and record ids: ULID-shaped (src/core/ids.ts), 48-bit time then 80 random bits, Crockford base 32. */
  const idSchema = z.string().regex(idPattern).describe('26-character ULID: time-ordered, unique per gateway, the same on every resend');

  const blackbox = z.object({
    for: eventTypeSchema,
    part: z.literal('after'),
    spanMs: z.number().nonnegative(),
    complete: z.boolean(),
    forId: idSchema.optional(),
  });

  const gatewayStarted = z.object({ version: z.string(), elevators: z.array(z.string()) });

  const byKind = z.partialRecord(recordKindSchema, count);
  /** Most specific first: a union's parse keeps the fields of the first member that matches. */
  const outboxLoss = z.union([
    z.object({
      reason: z.enum(['storage-full', 'storage-error']),
      error: z.string(),
      since: z.iso.datetime(),
      durationS: seconds,
      held: count,
      dropped: count,
      droppedByKind: byKind,
      failedWrites: count,
    }),
    z.object({ reason: z.literal('size cap'), evicted: count, byKind }),
    z.object({ reason: z.string().describe('why the database was unusable'), movedTo: z.string().describe('where it was moved') }),
  ]);

  /** `data` of each event type (every phase it has). */
  const EVENT_DATA = {
    trapped,
    'door-open-while-moving': doorOpenWhileMoving,
    'moving-with-door-open': movingWithDoorOpen,
    overspeed,
    'overtravel-top': overtravel,
    'overtravel-bottom': overtravel,
    'stopped-outside-zone': stoppedOutsideZone,
    'leveling-error': levelingError,
    'door-open-too-long': doorOpenTooLong,
    'door-reopen-repeated': doorReopenRepeated,
    'safety-circuit-open': safetyCircuitOpen,
    'door-lock-fault': doorLockFault,
    'door-close-fault': doorAttempt,
    'door-open-fault': doorAttempt,
    'run-time-exceeded': runTimeExceeded,
    'floor-position-lost': floorPositionLost,
    'service-mode': serviceMode,
    'power-loss': powerLoss,
    'sensor-lost': sensorLost,
    'alarm-pressed': alarmPressed,
    'maintenance-session': maintenanceSession,
    'early-warning': earlyWarningDataSchema,
    commissioning: commissioningDataSchema,
    blackbox,
    'gateway-started': gatewayStarted,
    'outbox-loss': outboxLoss,
    upgrade: upgradeDataSchema,
  } as const satisfies Record<EventType, z.ZodType>;
  return { EVENT_DATA, idSchema };
}

let built: ReturnType<typeof build> | undefined;

/** `EVENT_DATA`: the `data` schema of each event type (every phase it has); `idSchema`: event and record ids. */
export function eventDataSchemas(): ReturnType<typeof build> {
  built ??= build();
  return built;
}

/** The data of one event type, as the rule that emits it must build it. */
export type EventData<T extends EventType = EventType> = z.infer<ReturnType<typeof build>['EVENT_DATA'][T]>;
