import type { Clock, Timer, Timers } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PlatformStore, RescuePolicy } from '../store/types.js';
import { Committer } from './committer.js';
import { LatestState } from './latest.js';
import { IngestMetrics } from './metrics.js';
import { BrokerOutage, DbOutage } from './outage.js';
import { ingestRoutes } from './routes.js';
import { type BrokerOptions, IngestSessions } from './sessions.js';
import { toIngestItem } from './validate.js';

export interface IngestWorkerOptions {
  broker: BrokerOptions;
  topicPrefix: string;
  group: string;
  workerId: string;
  sessions: number;
  sessionExpiryS: number;
  store: PlatformStore;
  policy: RescuePolicy;
  clock: Clock;
  /** Real time for the database retry back-off (a fake clock in a test must not stall a commit). */
  timers: Timers;
  log: Logger;
  /** Called after each commit that changed what the duty desk shows. */
  onCommitted?(): void;
}

const LATEST_FLUSH_MS = 1000;

/** One ingest worker: MQTT sessions → contract validation → group commit → PUBACK. */
export class IngestWorker {
  readonly metrics: IngestMetrics;
  private readonly sessions: IngestSessions;
  private readonly committer: Committer;
  private readonly latest = new LatestState();
  private flushTimer: Timer | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly outage: DbOutage;

  constructor(private readonly o: IngestWorkerOptions) {
    this.metrics = new IngestMetrics(() => o.clock.wallNow());
    this.outage = new DbOutage(o.log, () => o.timers.now());
    const routes = ingestRoutes(o.topicPrefix);
    this.committer = new Committer({
      store: o.store,
      policy: o.policy,
      timers: o.timers,
      log: o.log,
      outage: this.outage,
      onCommitted: (items, result) => {
        this.metrics.committed(items, result);
        this.latest.note(items);
        if (result.ticketsOpened.length > 0) o.log.info({ tickets: result.ticketsOpened }, 'rescue ticket opened');
        o.onCommitted?.();
      },
    });
    this.sessions = new IngestSessions({
      broker: o.broker,
      group: o.group,
      workerId: o.workerId,
      sessions: o.sessions,
      sessionExpiryS: o.sessionExpiryS,
      routes,
      clock: o.clock,
      log: o.log,
      outage: new BrokerOutage(o.log, () => o.timers.now()),
    });
    this.handle = (a) => this.committer.submit(toIngestItem(routes, a));
  }

  private readonly handle: Parameters<IngestSessions['start']>[0];

  /** Resolves when every session is connected and subscribed. */
  async start(): Promise<void> {
    this.scheduleFlush();
    await this.sessions.start(this.handle);
    this.o.log.info({ group: this.o.group, worker: this.o.workerId, sessions: this.o.sessions }, 'ingest worker subscribed');
  }

  get connectedSessions(): number {
    return this.sessions.connected;
  }

  get pending(): number {
    return this.committer.pending;
  }

  /** Stops taking messages, lets the commits under way finish (their PUBACKs go), writes the latest state. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.flushTimer?.cancel();
    await this.committer.drained();
    await this.sessions.close();
    await this.flush();
  }

  /** Writes the latest-state cache now (the duty desk's elevator rows, gateways' last seen). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const taken = this.latest.take();
      try {
        if (taken.elevators.length === 0 && taken.gateways.size === 0) return;
        await this.o.store.updateLatest(taken.elevators, taken.gateways);
        this.outage.succeeded();
        this.o.onCommitted?.();
      } catch (e) {
        this.latest.restore(taken);
        if (this.o.store.isTransient(e)) this.outage.failed(e);
        else this.o.log.warn({ err: errorMessage(e) }, 'latest state not written; will retry');
      }
    });
    return this.flushing;
  }

  private scheduleFlush(): void {
    if (this.stopped) return;
    this.flushTimer = this.o.timers.after(LATEST_FLUSH_MS, () => {
      void this.flush().finally(() => this.scheduleFlush());
    });
  }
}
