import type { Server } from 'node:http';
import { type Clock, systemTimers, type Timer, type Timers } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Operators } from './http/auth.js';
import { LiveSnapshots } from './http/live.js';
import { createHttpApi, listen } from './http/server.js';
import { dutyDeskSnapshot } from './http/snapshot.js';
import type { BrokerOptions } from './ingest/sessions.js';
import { IngestWorker } from './ingest/worker.js';
import type { PlatformStore, RescuePolicy } from './store/types.js';
import { EscalationTimer } from './workflows/rescue.js';

export interface PlatformServiceOptions {
  store: PlatformStore;
  broker: BrokerOptions;
  topicPrefix: string;
  group: string;
  workerId: string;
  sessions: number;
  sessionExpiryS: number;
  policy: RescuePolicy;
  /** A gateway that says it is online but sends nothing for this long is shown `silent`. */
  silenceMs: number;
  /** Where the duty desk listens; null: ingest only (e.g. extra workers behind one desk). */
  http: { host: string; port: number } | null;
  operators: Operators;
  /** The workflows' clock: ticket times, escalation timers, arrival times. */
  clock: Clock;
  /** Real time for retries, flushes and the page's push cadence. */
  timers?: Timers;
  log: Logger;
}

/** Partitions are created ahead; checking a few times a day is plenty. */
const PARTITION_CHECK_MS = 6 * 3_600_000;

/**
 * `elevgw platform`: one ingest worker, the rescue escalation timer and (optionally) the duty
 * desk, over one store. Any number of these run side by side on PostgreSQL: the shared
 * subscription splits the stream, the database keeps them consistent.
 */
export class PlatformService {
  private server: Server | undefined;
  private live: LiveSnapshots | undefined;
  private partitionTimer: Timer | undefined;
  httpUrl: string | undefined;

  private constructor(
    readonly worker: IngestWorker,
    private readonly escalation: EscalationTimer,
    private readonly o: PlatformServiceOptions,
  ) {}

  static async start(o: PlatformServiceOptions): Promise<PlatformService> {
    const timers = o.timers ?? systemTimers;
    let live: LiveSnapshots | undefined;
    const changed = () => live?.changed();
    const worker = new IngestWorker({ ...o, timers, onCommitted: changed });
    const escalation = new EscalationTimer({ store: o.store, policy: o.policy, clock: o.clock, log: o.log, onEscalated: changed });
    const service = new PlatformService(worker, escalation, o);
    if (o.http) {
      live = new LiveSnapshots({ build: () => dutyDeskSnapshot(o.store, o.clock.wallNow(), o.silenceMs), timers, wallNow: () => o.clock.wallNow(), log: o.log });
      // Commits of the other workers (PostgreSQL NOTIFY) redraw this desk too.
      o.store.onChange(changed);
      service.live = live;
      service.server = createHttpApi({ store: o.store, operators: o.operators, live, clock: o.clock, silenceMs: o.silenceMs, log: o.log, metrics: () => service.metrics() });
      const bound = await listen(service.server, o.http.host, o.http.port);
      service.httpUrl = bound.url;
      live.start();
      o.log.info({ url: bound.url, commands: o.operators.configured }, 'duty desk listening');
    }
    escalation.start();
    service.schedulePartitions(timers);
    await worker.start();
    return service;
  }

  metrics(): Record<string, unknown> {
    return { worker: this.o.workerId, sessionsConnected: this.worker.connectedSessions, pending: this.worker.pending, ...this.worker.metrics.snapshot() };
  }

  /** Clean stop: no new messages, commits under way finish and their PUBACKs go out. */
  async stop(): Promise<void> {
    this.partitionTimer?.cancel();
    this.escalation.stop();
    await this.worker.stop();
    this.live?.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
  }

  private schedulePartitions(timers: Timers): void {
    this.partitionTimer = timers.after(PARTITION_CHECK_MS, () => {
      this.o.store.maintainPartitions(this.o.clock.wallNow()).then(
        (made) => made.length > 0 && this.o.log.info({ partitions: made }, 'month partitions created'),
        (e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'partition check failed; retried later'),
      );
      this.schedulePartitions(timers);
    });
  }
}
