import type { LoadedElevator } from '../config/load.js';
import type { SiteConfig } from '../config/site.js';
import type { InfoPayload, StatusPayload } from '../contract/payloads.js';
import { versionStamp, type Stamp } from '../contract/records.js';
import type { OutboxStats } from '../outbox/types.js';
import type { ElevatorMonitor } from './monitor.js';
import { VERSION } from './version.js';

export interface StatusSources extends Stamp {
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
    ...versionStamp(s),
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

/**
 * An elevator's retained description (GB/T 24476 group 2): who and where it is, its landings,
 * rated speed, the board that reads it, the software, and its maintenance company when configured.
 * An empty name or address in the config is left out rather than sent as "".
 */
export function infoPayload(o: Stamp & { site: SiteConfig; elevator: LoadedElevator; wallNow: number; clockSynced: boolean }): InfoPayload {
  const c = o.elevator.config;
  const g = o.site.gateway;
  const text = (v: string | undefined) => (v ? v : undefined);
  const address = text(c.address) ?? text(g.address);
  const site = { ...(g.site ? { name: g.site } : {}), ...(g.address ? { address: g.address } : {}) };
  const board = o.elevator.board;
  return {
    ...versionStamp(o),
    gatewayId: g.id,
    at: new Date(o.wallNow).toISOString(),
    clockSynced: o.clockSynced,
    elevator: { id: c.id, registrationCode: c.registrationCode, rescueCode: c.rescueCode },
    ...(text(c.name) ? { name: c.name } : {}),
    ...(address ? { address } : {}),
    ...(Object.keys(site).length > 0 ? { site } : {}),
    floors: c.floors.map((f) => ({ label: f.label, levelMm: f.levelMm })),
    ratedSpeedMps: c.ratedSpeedMps,
    board: { id: board.id, transport: board.transport, ...(board.description ? { description: board.description } : {}) },
    softwareVersion: VERSION,
    ...(c.maintenanceCompany ? { maintenanceCompany: { ...c.maintenanceCompany } } : {}),
  };
}
