import type { LoadedElevator } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import type { Health, Snapshot } from '../contract/diag.js';
import type { OutboxStats } from '../outbox/types.js';
import type { ElevatorSignals, SignalName } from '../signals/types.js';
import type { ElevatorMonitor } from './monitor.js';
import { elevatorState } from './payload.js';
import { VERSION } from './version.js';

/** What the diagnostics view reads of a running gateway; nothing here can change it. */
export interface DiagSources {
  gatewayId: string;
  clock: Clock;
  timeScale: number;
  startedAt: number;
  elevators: ReadonlyMap<string, { elevator: LoadedElevator; monitor: ElevatorMonitor }>;
  outbox: () => OutboxStats;
  storage: () => { held: number; failingSince: number | null };
  uplink: () => { state: string; inflight: number; published: number };
}

/** An elevator whose last detection step is older than this (real time) is not being monitored. */
const STALLED_STEP_MS = 30_000;

/**
 * Builds the health verdict and the live snapshots the diagnostics socket serves, from what the
 * gateway already holds. Ages are real milliseconds (sample time divided by the time scale).
 */
export class DiagView {
  constructor(private readonly s: DiagSources) {}

  health(): Health {
    const problems: string[] = [];
    const elevators = [...this.s.elevators.values()].map(({ elevator, monitor }) => {
      const lastStepAgeMs = this.age(monitor.lastStepAt);
      const driver = monitor.driverHealth().state;
      if (lastStepAgeMs > STALLED_STEP_MS) problems.push(`${elevator.config.id}: no detection step for ${Math.round(lastStepAgeMs / 1000)} s (poll loop stalled)`);
      return { id: elevator.config.id, lastStepAgeMs, driver };
    });
    const outbox = this.outbox();
    if (!outbox.writable) problems.push(`outbox not writable (storage failing); ${outbox.held} record(s) held in memory`);
    return { healthy: problems.length === 0, problems, gatewayId: this.s.gatewayId, version: VERSION, uptimeS: this.uptimeS(), elevators, outbox };
  }

  /** The state of every elevator (or one), as the gateway sees it now. */
  snapshot(elevatorId: string | undefined, previous?: Map<string, { transactions: number; at: number }>): Snapshot {
    const ids = elevatorId === undefined ? [...this.s.elevators.keys()] : [elevatorId];
    return {
      gatewayId: this.s.gatewayId,
      version: VERSION,
      uptimeS: this.uptimeS(),
      uplink: this.s.uplink(),
      outbox: this.outbox(),
      elevators: ids.map((id) => {
        const { elevator: e, monitor: m } = this.s.elevators.get(id)!;
        const driver = m.driverHealth();
        const now = this.s.clock.now();
        const before = previous?.get(id);
        previous?.set(id, { transactions: driver.transactions, at: now });
        const spanS = before ? this.age(before.at) / 1000 : this.uptimeS();
        return {
          id,
          board: e.board.id,
          floors: e.config.floors,
          ratedSpeedMps: e.config.ratedSpeedMps,
          state: elevatorState(m.signals, e),
          signals: this.signals(m.signals),
          driver,
          activeFaults: m.engine.active(),
          transactionsPerS: spanS > 0 ? Math.round(((driver.transactions - (before?.transactions ?? 0)) / spanS) * 10) / 10 : 0,
          lastStepAgeMs: this.age(m.lastStepAt),
          missedPolls: [...m.missedPolls.values()].reduce((a, b) => a + b, 0),
        };
      }),
    };
  }

  has(elevatorId: string): boolean {
    return this.s.elevators.has(elevatorId);
  }

  elevatorIds(): string[] {
    return [...this.s.elevators.keys()];
  }

  private signals(s: ElevatorSignals): Snapshot['elevators'][number]['signals'] {
    const out: Snapshot['elevators'][number]['signals'] = {};
    for (const name of Object.keys(s) as SignalName[]) {
      const sample = s[name]!;
      out[name] = { value: sample.quality === 'good' ? (sample.value as number | boolean | string) : null, quality: sample.quality, ageMs: this.age(sample.at) };
    }
    return out;
  }

  private outbox(): Health['outbox'] {
    const o = this.s.outbox();
    const storage = this.s.storage();
    const wall = this.s.clock.wallNow();
    return {
      pending: o.pending,
      oldestPendingAgeS: o.oldestPendingCreatedAt === null ? null : Math.round((wall - o.oldestPendingCreatedAt) / 1000),
      delivered: o.delivered,
      dbBytes: o.dbBytes,
      writable: storage.failingSince === null,
      held: storage.held,
    };
  }

  private age(mono: number): number {
    return Math.max(0, Math.round((this.s.clock.now() - mono) / this.s.timeScale));
  }

  private uptimeS(): number {
    return Math.round(this.age(this.s.startedAt) / 1000);
  }
}
