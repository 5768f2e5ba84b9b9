import { z } from 'zod';

/**
 * The enumerations the contract shares with the layers that produce it, defined once in zod: the
 * TypeScript types of signals and rules come from here, and so do the JSON Schemas. The contract
 * imports no other layer of elevgw, so any of them may import it.
 */

/** The fault and event catalogue (docs/domain.md), the black-box follow-up and the gateway's own events. */
export const EVENT_TYPES = [
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
  // A health indicator drifting past the baseline learned on the lift (docs/early-warning.md).
  'early-warning',
  // A commissioning at the lift (`elevgw commission`), recorded through the diagnostics socket.
  'commissioning',
  // The black box after a raised fault: a follow-up carrying the snapshots of the seconds after it.
  'blackbox',
  // gateway-level events
  'gateway-started',
  'outbox-loss',
  // An `elevgw upgrade` finished: upgraded, rolled back, refused (src/contract/upgrade.ts).
  'upgrade',
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

export const phaseSchema = z.enum(['raised', 'cleared', 'instant']);
export type Phase = z.infer<typeof phaseSchema>;

export const severitySchema = z.enum(['critical', 'fault', 'warning', 'info']);
export type Severity = z.infer<typeof severitySchema>;

export const doorStateSchema = z.enum(['open', 'closed', 'opening', 'closing', 'unknown']);
export type DoorState = z.infer<typeof doorStateSchema>;

export const directionSchema = z.enum(['up', 'down', 'none']);
export type Direction = z.infer<typeof directionSchema>;

export const driverStateSchema = z.enum(['ok', 'degraded', 'lost']);

export const statsPeriodSchema = z.enum(['hour', 'day']);
export type StatsPeriod = z.infer<typeof statsPeriodSchema>;

/** GB/T 24476 service modes, in the order of their status code (0 out of service … 7 unknown). */
export const SERVICE_MODES = ['out-of-service', 'normal', 'inspection', 'fire-recall', 'firefighter', 'emergency-power', 'earthquake', 'unknown'] as const;
export const serviceModeSchema = z.enum(SERVICE_MODES);
export type ServiceMode = z.infer<typeof serviceModeSchema>;

/** The signals elevgw understands (src/signals/types.ts SignalValues; src/detect/types.ts holds the two equal). */
const SIGNAL_NAMES = [
  'positionMm',
  'floor',
  'speedMps',
  'direction',
  'door',
  'doorZone',
  'levelingErrorMm',
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
  'controllerFloor',
] as const;
export const signalNameSchema = z.enum(SIGNAL_NAMES);

/** Kinds of outbox record (src/outbox/types.ts RecordKind), as loss reports count them. */
export const recordKindSchema = z.enum(['event', 'telemetry', 'stats', 'status']);
