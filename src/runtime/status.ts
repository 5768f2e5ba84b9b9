import type { LoadedElevator } from '../config/load.js';
import type { StatusPayload } from '../contract/payloads.js';
import { CONTRACT_VERSION } from '../contract/version.js';
import type { OutboxStats } from '../outbox/types.js';
import type { ElevatorMonitor } from './monitor.js';
import { VERSION } from './version.js';

export interface StatusSources {
  gatewayId: string;
  wallNow: number;
  uptimeS: number;
  clockSynced: boolean;
  outbox: OutboxStats;
  elevators: readonly { elevator: LoadedElevator; monitor: ElevatorMonitor }[];
}

/** The retained status document (online): version, clock trust, outbox backlog, each elevator's driver and unarmed rules. */
export function statusPayload(s: StatusSources): StatusPayload {
  return {
    v: CONTRACT_VERSION,
    gatewayId: s.gatewayId,
    state: 'online',
    at: new Date(s.wallNow).toISOString(),
    version: VERSION,
    clockSynced: s.clockSynced,
    uptimeS: Math.round(s.uptimeS),
    outbox: {
      pending: s.outbox.pending,
      oldestPendingAgeS: s.outbox.oldestPendingCreatedAt === null ? null : Math.round((s.wallNow - s.outbox.oldestPendingCreatedAt) / 1000),
      delivered: s.outbox.delivered,
      evicted: s.outbox.evicted,
      dbBytes: s.outbox.dbBytes,
    },
    elevators: s.elevators.map(({ elevator, monitor }) => ({
      id: elevator.config.id,
      registrationCode: elevator.config.registrationCode,
      driver: monitor.driverHealth().state,
      unarmedRules: monitor.engine
        .armed()
        .filter((r) => !r.armed)
        .map((r) => ({ type: r.type, missing: [...r.missing] })),
    })),
  };
}
