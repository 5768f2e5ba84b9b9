import { randomUUID } from 'node:crypto';
import { EventIdFactory } from '../src/core/ids.js';
import { envelope, MESSAGES, STORED_KINDS } from '../src/contract/records.js';
import { CONTRACT_VERSION } from '../src/contract/version.js';
import { topics, type TopicScheme } from '../src/contract/topics.js';
import type { InfoPayload, StatusPayload, StoredPayload } from '../src/platform/store/types.js';

/** One message as a light gateway publishes it: where, what, and with which QoS and retain flag (from the contract table). */
export interface FleetMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  /** The record's id, for the tests' and the benchmark's bookkeeping (absent for status and info). */
  id?: string;
  kind: 'event' | 'telemetry' | 'stats' | 'status' | 'info';
}

type Event = StoredPayload<'event'>;

/**
 * A simulated gateway that speaks the contract without running anything: it builds the payloads a
 * real gateway would publish (same envelope, ids, topics, QoS from src/contract), for the fleet
 * load generator and the ingest tests. Times come from `wallNow`, so `at` is the publish time.
 */
export class LightGateway {
  readonly t: TopicScheme;
  private readonly ids: EventIdFactory;
  private readonly bootId = randomUUID();
  private readonly startMs: number;

  constructor(
    readonly gatewayId: string,
    readonly lifts: number,
    private readonly wallNow: () => number = Date.now,
    prefix = 'elevgw/v1',
  ) {
    this.t = topics(prefix, gatewayId);
    this.ids = new EventIdFactory(wallNow);
    this.startMs = wallNow();
  }

  elevatorId(lift: number): string {
    return `E${lift + 1}`;
  }

  identity(lift: number) {
    const n = Number.parseInt(this.gatewayId.replace(/\D/g, '') || '0', 10) % 1_000_000;
    return { id: this.elevatorId(lift), registrationCode: `311042010020${String(n).padStart(6, '0')}${String(lift).padStart(2, '0')}`, rescueCode: `JH-${n}-${lift + 1}` };
  }

  telemetry(lift: number, floor = 1 + (lift % 9)): FleetMessage {
    const head = this.head();
    const payload: StoredPayload<'telemetry'> = {
      ...head,
      elevator: this.identity(lift),
      state: {
        floor: String(floor),
        floorIndex: floor,
        positionMm: floor * 3000,
        speedMps: 0,
        carStatus: 'stop',
        direction: 'none',
        door: 'closed',
        doorZone: true,
        occupied: false,
        mainsPower: true,
      },
      activeFaults: [],
    };
    return this.stored('telemetry', lift, payload);
  }

  /** Any event; `data` must fit its type's schema (src/contract/event-data.ts). */
  event(lift: number, e: Pick<Event, 'type' | 'phase' | 'severity'> & { data?: unknown; blackbox?: Event['blackbox']; at?: string }): FleetMessage {
    const head = this.head();
    const payload = {
      ...head,
      ...(e.at ? { at: e.at } : {}),
      elevator: this.identity(lift),
      type: e.type,
      phase: e.phase,
      severity: e.severity,
      state: { floor: '3', door: 'closed', occupied: true },
      ...(e.data === undefined ? {} : { data: e.data }),
      ...(e.blackbox ? { blackbox: e.blackbox } : {}),
    } as Event;
    return this.stored('event', lift, payload);
  }

  /** A trapped raise with its black box, and the follow-up naming it (`data.forId`) with the after part. */
  trapped(lift: number): { raise: FleetMessage; followUp: FleetMessage; clear: () => FleetMessage } {
    const raise = this.event(lift, {
      type: 'trapped',
      phase: 'raised',
      severity: 'critical',
      data: { floor: 3, positionMm: 8500, inZone: false, holdS: 30, trigger: 'timeout', stoppedS: 30 },
      blackbox: {
        columns: ['dtMs', 'positionMm', 'door'],
        rows: [
          [-1000, 8500, 'closed'],
          [0, 8500, 'closed'],
        ],
      },
    });
    const at = (JSON.parse(raise.payload) as Event).at;
    const followUp = this.event(lift, {
      type: 'blackbox',
      phase: 'instant',
      severity: 'critical',
      at,
      data: { for: 'trapped', part: 'after', spanMs: 5000, complete: true, forId: raise.id },
      blackbox: {
        columns: ['dtMs', 'positionMm', 'door'],
        rows: [
          [500, 8500, 'closed'],
          [1000, 8500, 'closed'],
        ],
      },
    });
    const clear = () => this.event(lift, { type: 'trapped', phase: 'cleared', severity: 'critical', data: { reason: 'door-opened' } });
    return { raise, followUp, clear };
  }

  maintenance(lift: number, phase: 'raised' | 'cleared', durationS = 1800, at?: string): FleetMessage {
    return this.event(lift, { type: 'maintenance-session', phase, severity: 'info', ...(at ? { at } : {}), data: phase === 'raised' ? { floor: 1 } : { durationS } });
  }

  status(state: 'online' | 'offline'): FleetMessage {
    const payload: StatusPayload =
      state === 'offline'
        ? { v: CONTRACT_VERSION, gatewayId: this.gatewayId, state }
        : {
            v: CONTRACT_VERSION,
            gatewayId: this.gatewayId,
            state,
            at: new Date(this.wallNow()).toISOString(),
            version: 'fleet',
            uptimeS: Math.round((this.wallNow() - this.startMs) / 1000),
          };
    return { topic: this.t.status, payload: JSON.stringify(payload), qos: MESSAGES.status.qos, retain: MESSAGES.status.retain, kind: 'status' };
  }

  info(lift: number, extra: Partial<InfoPayload> = {}): FleetMessage {
    const payload: InfoPayload = {
      ...this.head(),
      elevator: this.identity(lift),
      name: `Building ${lift + 1}`,
      address: `${this.gatewayId}, Jianghan District, Wuhan`,
      floors: Array.from({ length: 10 }, (_, i) => ({ label: String(i), levelMm: i * 3000 })),
      ratedSpeedMps: 1.75,
      board: { id: 'sim-modbus', transport: 'modbus-tcp' },
      softwareVersion: 'fleet',
      maintenanceCompany: { name: 'Wuhan Lift Care Co.', phone: '027-0000000' },
      ...extra,
    };
    return { topic: this.t.info(this.elevatorId(lift)), payload: JSON.stringify(payload), qos: MESSAGES.info.qos, retain: MESSAGES.info.retain, kind: 'info' };
  }

  private head() {
    const id = this.ids.next();
    return envelope({ id, gatewayId: this.gatewayId, wallMs: this.wallNow(), clockSynced: true, monoMs: this.wallNow() - this.startMs, bootId: this.bootId });
  }

  private stored(kind: 'event' | 'telemetry', lift: number, payload: { id: string }): FleetMessage {
    const spec = STORED_KINDS[kind];
    return { topic: spec.topic(this.t, this.elevatorId(lift)), payload: JSON.stringify(payload), qos: spec.qos, retain: spec.retain, id: payload.id, kind };
  }
}
