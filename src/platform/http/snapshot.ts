import type { DeadLetterRow, FaultRow, PlatformStore, TicketRow } from '../store/types.js';
import { type Liveness, liveness } from '../workflows/liveness.js';

/** Resolved tickets stay on the duty desk this long. */
const RESOLVED_SHOWN_MS = 24 * 3_600_000;

interface GatewayView {
  gatewayId: string;
  liveness: Liveness;
  lastSeenMs: number;
  statusMs: number | null;
  version: string | null;
}

interface ElevatorView {
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  rescueCode: string;
  name: string | null;
  address: string | null;
  gateway: Liveness;
  floor: string | null;
  door: string | null;
  carStatus: string | null;
  activeFaults: string[];
  telemetryAtMs: number | null;
  lastSeenMs: number;
}

/** Everything the duty-desk page shows, at one instant of the platform's clock. */
export interface DutyDeskSnapshot {
  nowMs: number;
  silenceMs: number;
  gateways: GatewayView[];
  elevators: ElevatorView[];
  faults: FaultRow[];
  tickets: TicketRow[];
  deadLetters: DeadLetterRow[];
}

export async function dutyDeskSnapshot(store: PlatformStore, nowMs: number, silenceMs: number): Promise<DutyDeskSnapshot> {
  const [gateways, elevators, faults, tickets, deadLetters] = await Promise.all([
    store.gateways(),
    store.elevators(),
    store.activeFaults(),
    store.tickets(nowMs - RESOLVED_SHOWN_MS),
    store.deadLetters(10),
  ]);
  const gatewayViews = gateways.map((g) => ({
    gatewayId: g.gatewayId,
    liveness: liveness(g, nowMs, silenceMs),
    lastSeenMs: g.lastSeenMs,
    statusMs: g.statusMs,
    version: g.statusDoc?.version ?? null,
  }));
  const state = new Map(gatewayViews.map((g) => [g.gatewayId, g.liveness]));
  return {
    nowMs,
    silenceMs,
    gateways: gatewayViews,
    elevators: elevators.map((e) => {
      const info = e.info;
      const s = e.state;
      return {
        gatewayId: e.gatewayId,
        elevatorId: e.elevatorId,
        registrationCode: e.registrationCode,
        rescueCode: e.rescueCode,
        name: info?.name ?? null,
        address: info?.address ?? info?.site?.address ?? null,
        gateway: state.get(e.gatewayId) ?? 'unknown',
        floor: s?.floor ?? null,
        door: s?.door ?? null,
        carStatus: s?.carStatus ?? null,
        activeFaults: e.activeFaults,
        telemetryAtMs: e.telemetryAtMs,
        lastSeenMs: e.lastSeenMs,
      };
    }),
    faults,
    tickets,
    deadLetters,
  };
}
