import type { ElevatorLatest, IngestItem } from '../store/types.js';

/**
 * The newest running state of each elevator and the last time each gateway was heard, gathered from
 * committed messages and written by the worker once a second outside the ingest transaction. It is
 * a cache for the duty desk, not evidence (the telemetry rows are): keeping these hot rows out of
 * every ingest commit is what lets two workers commit in parallel without queueing on row locks.
 */
export class LatestState {
  private elevators = new Map<string, ElevatorLatest>();
  private gateways = new Map<string, number>();

  note(items: readonly IngestItem[]): void {
    for (const item of items) {
      if (item.kind === 'dead' || item.kind === 'status' || item.kind === 'info') continue;
      const p = item.payload;
      this.seen(p.gatewayId, item.receivedMs);
      if (!p.elevator) continue;
      const key = `${p.gatewayId}\u0000${p.elevator.id}`;
      const prev = this.elevators.get(key);
      const next: ElevatorLatest = prev ?? {
        gatewayId: p.gatewayId,
        elevatorId: p.elevator.id,
        registrationCode: p.elevator.registrationCode,
        rescueCode: p.elevator.rescueCode,
        state: null,
        activeFaults: null,
        telemetryAtMs: null,
        seenMs: item.receivedMs,
      };
      next.seenMs = Math.max(next.seenMs, item.receivedMs);
      if (item.kind === 'telemetry') {
        const at = Date.parse(item.payload.at);
        if (next.telemetryAtMs === null || at >= next.telemetryAtMs) {
          next.state = item.payload.state;
          next.activeFaults = item.payload.activeFaults;
          next.telemetryAtMs = at;
        }
      }
      this.elevators.set(key, next);
    }
  }

  /** What to write now; the cache starts over. */
  take(): { elevators: ElevatorLatest[]; gateways: Map<string, number> } {
    const out = { elevators: [...this.elevators.values()], gateways: this.gateways };
    this.elevators = new Map();
    this.gateways = new Map();
    return out;
  }

  /** Puts back what could not be written, under anything newer noted since. */
  restore(taken: { elevators: ElevatorLatest[]; gateways: Map<string, number> }): void {
    for (const [id, ms] of taken.gateways) this.seen(id, ms);
    for (const e of taken.elevators) {
      const key = `${e.gatewayId}\u0000${e.elevatorId}`;
      if (!this.elevators.has(key)) this.elevators.set(key, e);
    }
  }

  private seen(gatewayId: string, ms: number): void {
    this.gateways.set(gatewayId, Math.max(this.gateways.get(gatewayId) ?? 0, ms));
  }
}
