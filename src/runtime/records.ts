import type { LoadedElevator } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import type { EventIdFactory } from '../core/ids.js';
import type { Severity } from '../contract/enums.js';
import type { EventData } from '../contract/event-data.js';
import type { EventPayload, StatsPayload, TelemetryPayload } from '../contract/payloads.js';
import { envelope, STORED_KINDS, type StoredKind } from '../contract/records.js';
import { eventName, platformCode } from '../detect/catalogue.js';
import type { IndicatorSummary } from '../detect/health/summary.js';
import type { StatsRecord } from '../detect/stats.js';
import type { DetectedEvent, EventType } from '../detect/types.js';
import { PRIORITY, type NewRecord } from '../outbox/types.js';
import type { ElevatorSignals } from '../signals/types.js';
import type { RunTotals } from './counters.js';
import { BlackboxJson } from './blackbox-json.js';
import { BlackboxLinks, elevatorState } from './payload.js';

export interface RecordFactoryOptions {
  gatewayId: string;
  ids: EventIdFactory;
  clock: Clock;
  /** Monotonic time runs this much faster than the wall clock (sim and demo). */
  timeScale: number;
  /** Whether the wall clock can be trusted now (src/core/clock-sync.ts). */
  clockSynced: () => boolean;
  /** Random per process start: every payload's `bootId`. */
  bootId: string;
}

/** Gateway-level event types (no elevator). */
export type GatewayEventType = Extract<EventType, 'gateway-started' | 'outbox-loss' | 'upgrade'>;

/**
 * Turns what the gateway has to say into outbox rows: a stable id, the contract's envelope and
 * payload, the record kind and its priority lane from the contract table. Everything that
 * leaves the gateway is built here.
 */
export class RecordFactory {
  private readonly blackboxLinks = new BlackboxLinks();
  private readonly blackboxJson = new BlackboxJson();

  constructor(private readonly o: RecordFactoryOptions) {}

  /** A rule's event for one elevator, with the running state at detection. */
  event(ev: DetectedEvent, e: LoadedElevator, state: EventPayload['state']): NewRecord {
    const wall = this.wallAt(ev.mono);
    const id = this.o.ids.next();
    this.blackboxLinks.remember(ev, id);
    // A black-box follow-up names the raised event it completes, so the platform joins them by id.
    const forId = ev.type === 'blackbox' ? this.blackboxLinks.forId(ev) : undefined;
    const data = forId ? { ...ev.data, forId } : ev.data;
    const code = platformCode(ev.type, ev.data);
    // `data` was built by the rule against this type's schema (rules/context.ts `transition`);
    // the end-to-end tests validate every payload against the contract as well.
    const payload = {
      ...this.envelope(id, wall, ev.mono),
      elevator: identity(e),
      type: ev.type,
      ...(code === undefined ? {} : { code }),
      name: eventName(ev.type),
      phase: ev.phase,
      severity: ev.severity,
      state,
      ...(data ? { data } : {}),
    } as EventPayload;
    // The black box goes last, joined as text from rows encoded ahead (blackbox-json.ts).
    const json = JSON.stringify(payload);
    const text = ev.blackbox && ev.blackbox.length > 0 ? `${json.slice(0, -1)},"blackbox":${this.blackboxJson.encode(ev.blackbox, ev.mono)}}` : json;
    return this.row('event', id, e.config.id, wall, text, ev.severity);
  }

  /** A snapshot the black box keeps: its row is encoded now, not on a raise (the engine's `onBlackboxRecord`). */
  prepareBlackbox(signals: ElevatorSignals): void {
    this.blackboxJson.prepare(signals);
  }

  /** An event of the gateway itself (start, outbox loss). */
  gatewayEvent<T extends GatewayEventType>(type: T, severity: Severity, data: EventData<T>): NewRecord {
    const id = this.o.ids.next();
    const wall = this.o.clock.wallNow();
    const payload = { ...this.envelope(id, wall), elevator: null, type, name: eventName(type), phase: 'instant', severity, data } as EventPayload;
    return this.row('event', id, null, wall, payload, severity);
  }

  /** A commissioning's summary (`elevgw commission`, sent through the diagnostics socket): one instant, info event of the elevator. */
  commissioning(e: LoadedElevator, data: EventData<'commissioning'>): NewRecord {
    const id = this.o.ids.next();
    const wall = this.o.clock.wallNow();
    const payload = {
      ...this.envelope(id, wall),
      elevator: identity(e),
      type: 'commissioning',
      name: eventName('commissioning'),
      phase: 'instant',
      severity: 'info',
      data,
    } as EventPayload;
    return this.row('event', id, e.config.id, wall, payload, 'info');
  }

  telemetry(e: LoadedElevator, signals: ElevatorSignals, activeFaults: EventType[], totals?: RunTotals): NewRecord {
    const id = this.o.ids.next();
    const wall = this.o.clock.wallNow();
    const payload: TelemetryPayload = {
      ...this.envelope(id, wall),
      elevator: identity(e),
      state: elevatorState(signals, e),
      activeFaults,
      ...totals,
    };
    return this.row('telemetry', id, e.config.id, wall, payload);
  }

  /** One window of usage statistics (GB/T 24476 group 4). */
  stats(e: LoadedElevator, record: StatsRecord, indicators?: IndicatorSummary): NewRecord {
    const id = this.o.ids.next();
    const wall = this.o.clock.wallNow();
    const { period, fromMono, toMono, ...figures } = record;
    const payload: StatsPayload = {
      ...this.envelope(id, wall),
      elevator: identity(e),
      period,
      from: new Date(this.wallAt(fromMono)).toISOString(),
      to: new Date(this.wallAt(toMono)).toISOString(),
      ...figures,
      ...(indicators ? { indicators } : {}),
    };
    return this.row('stats', id, e.config.id, wall, payload);
  }

  /** The gateway's monotonic clock in real ms (the same timeline under a simulation's time scale). */
  monoMs(mono = this.o.clock.now()): number {
    return mono / this.o.timeScale;
  }

  /** The wall time of a monotonic instant, as the wall clock reads now. */
  private wallAt(mono: number): number {
    return this.o.clock.wallNow() - (this.o.clock.now() - mono) / this.o.timeScale;
  }

  private envelope(id: string, wallMs: number, mono?: number) {
    return envelope({ id, gatewayId: this.o.gatewayId, wallMs, clockSynced: this.o.clockSynced(), monoMs: this.monoMs(mono), bootId: this.o.bootId });
  }

  /** `payload`: the object, or its JSON text already written. */
  private row(kind: StoredKind, id: string, elevatorId: string | null, wall: number, payload: unknown, severity?: Severity): NewRecord {
    const lane = STORED_KINDS[kind].lane(severity);
    return { id, kind, elevatorId, priority: PRIORITY[lane], createdAt: wall, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) };
  }
}

function identity(e: LoadedElevator) {
  return { id: e.config.id, registrationCode: e.config.registrationCode, rescueCode: e.config.rescueCode };
}
