import type { LoadedConfig, LoadedElevator } from '../config/load.js';
import { systemClock, scaledClock, type Clock } from '../core/clock.js';
import { clockSynced } from '../core/clock-sync.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import { EventIdFactory } from '../core/ids.js';
import { SqliteOutbox } from '../outbox/sqlite.js';
import { PRIORITY, type NewRecord, type Outbox, type Priority } from '../outbox/types.js';
import { ElevgwError } from '../core/errors.js';
import type { EventPayload, StatusPayload, TelemetryPayload } from '../contract/payloads.js';
import { Uplink } from '../uplink/uplink.js';
import { FieldBuses } from '../../drivers/buses.js';
import { createDriver } from '../../drivers/factory.js';
import type { Driver } from '../../drivers/types.js';
import { platformCode, eventName } from '../detect/catalogue.js';
import type { DetectedEvent, Severity } from '../detect/types.js';
import type { ElevatorSignals } from '../signals/types.js';
import { ElevatorMonitor } from './monitor.js';
import { pipelineFor } from '../detect/pipeline.js';
import { BlackboxLinks, encodeBlackbox, runningState } from './payload.js';
import { scheduleStatsRollups, statsRecord } from './stats.js';
import { VERSION } from './version.js';
import { SystemdNotifier } from './systemd.js';
import { HoldingOutbox, type StorageOutage } from './holding.js';
import type { CommandName } from '../contract/commands.js';

export interface GatewayOptions {
  config: LoadedConfig;
  logger: Logger;
  /** Injected for tests; by default the system clock, scaled by runtime.timeScale. */
  clock?: Clock;
  /** Injected for tests: a driver per elevator instead of the board's transport. */
  driverFor?: (e: LoadedElevator) => Driver;
  outbox?: Outbox;
}

/** Real ms between attempts to store records held while the outbox could not be written. */
const HOLD_RETRY_MS = 1000;

const severityPriority: Record<Severity, Priority> = {
  critical: PRIORITY.critical,
  fault: PRIORITY.fault,
  warning: PRIORITY.warning,
  info: PRIORITY.info,
};

/**
 * Builds the pipeline from config and owns its lifecycle:
 * drivers → monitors (signals + rules) → outbox (store first) → uplink.
 */
export class Gateway {
  readonly clock: Clock;
  /** The store of record behind a holding queue that keeps events while it cannot be written (full disk). */
  readonly outbox: HoldingOutbox;
  private readonly sqlite?: SqliteOutbox;
  readonly monitors = new Map<string, ElevatorMonitor>();
  readonly uplink: Uplink;
  /** The physical buses of this gateway's drivers (one queue per bus, one port per serial path). */
  readonly buses = new FieldBuses();
  private readonly ids: EventIdFactory;
  private readonly elevators = new Map<string, LoadedElevator>();
  private timers: NodeJS.Timeout[] = [];
  private readonly startedAt = Date.now();
  private stopping?: Promise<void>;
  private readonly systemd = new SystemdNotifier();
  private readonly blackboxLinks = new BlackboxLinks();
  private stopRollups?: () => void;

  constructor(private readonly o: GatewayOptions) {
    const site = o.config.site;
    this.clock = o.clock ?? (site.runtime.timeScale === 1 ? systemClock : scaledClock(site.runtime.timeScale));
    const log = o.logger;
    let store: Outbox;
    if (o.outbox) store = o.outbox;
    else {
      const sqlite = SqliteOutbox.open(o.config.outboxPath, {
        maxBytes: site.outbox.maxMb * 1024 * 1024,
        retentionMs: site.outbox.retentionDays * 86_400_000,
        logger: log.child({ mod: 'outbox' }),
      });
      store = this.sqlite = sqlite;
      const report = sqlite.openReport();
      if (report.recovered) log.error({ movedTo: report.movedTo, reason: report.reason }, 'outbox database was corrupt; moved aside and started a new one');
    }
    this.outbox = new HoldingOutbox(store, { clock: this.clock, logger: log.child({ mod: 'outbox' }), onRecovered: (outage) => [this.storageRecovered(outage)] });
    this.ids = new EventIdFactory(() => this.clock.wallNow(), { lastId: this.outbox.lastId() });
    this.uplink = new Uplink({
      config: site.uplink,
      gatewayId: site.gateway.id,
      outbox: this.outbox,
      logger: log.child({ mod: 'uplink' }),
      status: () => this.status(),
      onCommand: (name, request) => this.command(name, request.args.elevatorId),
    });
    for (const e of o.config.elevators) {
      this.elevators.set(e.config.id, e);
      const driver = async () =>
        o.driverFor?.(e) ?? createDriver({ board: e.board, connection: e.config.connection, clock: this.clock, logger: log.child({ mod: 'driver', elevator: e.config.id }), buses: this.buses });
      this.monitors.set(
        e.config.id,
        new ElevatorMonitor({
          elevatorId: e.config.id,
          pipeline: pipelineFor(e, (type, error) =>
            log.error({ elevator: e.config.id, rule: type, err: errorMessage(error) }, `rule ${type} failed; other rules keep running`),
          ),
          driver,
          clock: this.clock,
          logger: log.child({ mod: 'monitor', elevator: e.config.id }),
          onEvents: (events, signals) => this.store(events, signals),
        }),
      );
    }
  }

  get gatewayId(): string {
    return this.o.config.site.gateway.id;
  }

  async start(): Promise<void> {
    const site = this.o.config.site;
    const report = (this.sqlite ?? (this.o.outbox instanceof SqliteOutbox ? this.o.outbox : undefined))?.openReport();
    this.append([
      this.gatewayRecord('gateway-started', 'info', { version: VERSION, elevators: [...this.elevators.keys()] }),
      ...(report?.recovered ? [this.gatewayRecord('outbox-loss', 'critical', { movedTo: report.movedTo, reason: report.reason })] : []),
    ]);
    this.uplink.start();
    for (const m of this.monitors.values()) await m.start();
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (e) {
          this.o.logger.error({ err: String(e) }, 'scheduled job failed');
        }
      }, ms);
      t.unref?.();
      this.timers.push(t);
    };
    if (site.uplink.telemetryIntervalS > 0) every((site.uplink.telemetryIntervalS * 1000) / site.runtime.timeScale, () => this.telemetry());
    every(30_000, () => this.uplink.publishStatus());
    every(site.outbox.maintainIntervalS * 1000, () => this.maintain());
    every(HOLD_RETRY_MS, () => this.outbox.retry());
    this.stopRollups = scheduleStatsRollups((period) => this.rollup(period), this.o.logger);
    this.o.logger.info({ gateway: this.gatewayId, elevators: this.monitors.size, outbox: this.o.config.outboxPath, timeScale: site.runtime.timeScale }, 'gateway started');
    this.systemd.ready(`monitoring ${this.monitors.size} elevator(s)`);
    // Healthy = every elevator ran a detection step in the last 30 s (a dead bus still steps: its points go bad).
    this.systemd.startWatchdog(() => [...this.monitors.values()].every((m) => this.clock.now() - m.lastStepAt < 30_000 * site.runtime.timeScale));
  }

  /** Store first: events are committed to SQLite in the tick they are detected, then the uplink is told. */
  private store(events: DetectedEvent[], signals: ElevatorSignals): void {
    const e = this.elevators.get(events[0]!.elevatorId)!;
    const state = runningState(signals, e.config.floors, e.thresholds.stationaryMps);
    const records = events.map((ev) => this.eventRecord(ev, e, state));
    this.append(records);
    for (const ev of events) {
      this.o.logger.info(
        { elevator: ev.elevatorId, type: ev.type, phase: ev.phase, severity: ev.severity, floor: state.floor, data: ev.data },
        `${ev.type} ${ev.phase} on ${ev.elevatorId}${state.floor !== undefined ? ` at floor ${state.floor}` : ''}`,
      );
    }
  }

  /** Never throws for a storage failure: what cannot be stored now is held and stored later (see HoldingOutbox). */
  private append(records: NewRecord[]): void {
    if (records.length === 0) return;
    this.outbox.append(records);
    this.uplink.kick();
  }

  /** Reported once per outage, when storage works again: how long, how much was held, what was dropped. */
  private storageRecovered(o: StorageOutage): NewRecord {
    return this.gatewayRecord('outbox-loss', o.droppedCritical > 0 ? 'critical' : 'warning', {
      reason: o.reason,
      error: o.error,
      since: new Date(o.sinceWall).toISOString(),
      durationS: Math.round(o.durationMs / this.o.config.site.runtime.timeScale / 100) / 10,
      held: o.held,
      dropped: o.dropped,
      droppedByKind: o.droppedByKind,
      failedWrites: o.failedWrites,
    });
  }

  private eventRecord(ev: DetectedEvent, e: LoadedElevator, state: EventPayload['state']): NewRecord {
    const wall = this.clock.wallNow() - (this.clock.now() - ev.mono) / this.o.config.site.runtime.timeScale;
    const id = this.ids.next();
    this.blackboxLinks.remember(ev, id);
    // A black-box follow-up names the raised event it completes, so the platform joins them by id.
    const forId = ev.type === 'blackbox' ? this.blackboxLinks.forId(ev) : undefined;
    const data = forId ? { ...ev.data, forId } : ev.data;
    const payload: EventPayload = {
      v: 1,
      id,
      gatewayId: this.gatewayId,
      at: new Date(wall).toISOString(),
      clockSynced: clockSynced(),
      elevator: { id: e.config.id, registrationCode: e.config.registrationCode, rescueCode: e.config.rescueCode },
      type: ev.type,
      code: platformCode(ev.type, ev.data),
      name: eventName(ev.type),
      phase: ev.phase,
      severity: ev.severity,
      state,
      ...(data ? { data } : {}),
      ...(ev.blackbox && ev.blackbox.length > 0 ? { blackbox: encodeBlackbox(ev.blackbox, ev.mono) } : {}),
    };
    return { id, kind: 'event', elevatorId: e.config.id, priority: severityPriority[ev.severity], createdAt: wall, payload: JSON.stringify(payload) };
  }

  private gatewayRecord(type: 'gateway-started' | 'outbox-loss', severity: Severity, data: Record<string, unknown>): NewRecord {
    const id = this.ids.next();
    const wall = this.clock.wallNow();
    const payload: EventPayload = {
      v: 1,
      id,
      gatewayId: this.gatewayId,
      at: new Date(wall).toISOString(),
      clockSynced: clockSynced(),
      elevator: null,
      type,
      name: eventName(type),
      phase: 'instant',
      severity,
      data,
    };
    return { id, kind: 'event', elevatorId: null, priority: severityPriority[severity], createdAt: wall, payload: JSON.stringify(payload) };
  }

  private telemetry(): void {
    const records: NewRecord[] = [];
    for (const [id, m] of this.monitors) {
      const e = this.elevators.get(id)!;
      const rid = this.ids.next();
      const wall = this.clock.wallNow();
      const payload: TelemetryPayload = {
        v: 1,
        id: rid,
        gatewayId: this.gatewayId,
        at: new Date(wall).toISOString(),
        clockSynced: clockSynced(),
        elevator: { id, registrationCode: e.config.registrationCode, rescueCode: e.config.rescueCode },
        state: runningState(m.signals, e.config.floors, e.thresholds.stationaryMps),
        activeFaults: m.engine.active(),
      };
      records.push({ id: rid, kind: 'telemetry', elevatorId: id, priority: PRIORITY.telemetry, createdAt: wall, payload: JSON.stringify(payload) });
    }
    this.append(records);
  }

  /** Hourly/daily statistics of every elevator, stored like events (stats lane). */
  rollup(period: 'hour' | 'day'): void {
    const records: NewRecord[] = [];
    for (const [id, m] of this.monitors) {
      const e = this.elevators.get(id)!;
      const rid = this.ids.next();
      records.push(statsRecord({ id: rid, gatewayId: this.gatewayId, elevator: e.config, record: m.stats.rollup(period, this.clock.now()), clock: this.clock, timeScale: this.o.config.site.runtime.timeScale }));
    }
    this.append(records);
  }

  private maintain(): void {
    const r = this.outbox.maintain(Date.now());
    if (r.evicted > 0) {
      this.o.logger.warn({ evicted: r.evicted, byKind: r.evictedByKind }, 'outbox over its size cap: evicted low-priority records');
      this.append([this.gatewayRecord('outbox-loss', 'warning', { reason: 'size cap', evicted: r.evicted, byKind: r.evictedByKind })]);
    }
  }

  /** Read-only platform commands: nothing here writes to a controller. */
  command(name: CommandName, elevatorId?: string): unknown {
    switch (name) {
      case 'ping':
        return { pong: true, at: new Date().toISOString(), version: VERSION };
      case 'diagnostics': {
        const ids = elevatorId === undefined ? [...this.monitors.keys()] : [elevatorId];
        const unknown = ids.filter((id) => !this.monitors.has(id));
        // A request naming an elevator this gateway does not have is invalid, not a failure to serve it.
        if (unknown.length) throw new ElevgwError('COMMAND_INVALID', `unknown elevator "${unknown[0]}" (expected one of: ${[...this.monitors.keys()].join(', ')})`);
        return {
          status: this.status(),
          uplink: this.uplink.stats(),
          storage: this.outbox.holding(),
          elevators: ids.map((id) => {
            const m = this.monitors.get(id)!;
            const e = this.elevators.get(id)!;
            return {
              id,
              state: runningState(m.signals, e.config.floors, e.thresholds.stationaryMps),
              driver: m.driverHealth(),
              activeFaults: m.engine.active(),
              samples: m.samples,
            };
          }),
        };
      }
    }
  }

  status(): StatusPayload {
    const s = this.outbox.stats();
    return {
      v: 1,
      gatewayId: this.gatewayId,
      state: 'online',
      at: new Date().toISOString(),
      version: VERSION,
      clockSynced: clockSynced(),
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      outbox: {
        pending: s.pending,
        oldestPendingAgeS: s.oldestPendingCreatedAt === null ? null : Math.round((Date.now() - s.oldestPendingCreatedAt) / 1000),
        delivered: s.delivered,
        evicted: s.evicted,
        dbBytes: s.dbBytes,
      },
      elevators: [...this.monitors].map(([id, m]) => ({
        id,
        registrationCode: this.elevators.get(id)!.config.registrationCode,
        driver: m.driverHealth().state,
        unarmedRules: m.engine
          .armed()
          .filter((r) => !r.armed)
          .map((r) => ({ type: r.type, missing: [...r.missing] })),
      })),
    };
  }

  /** Clean shutdown: stop polling, let in-flight publishes finish, mark offline, close the database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.systemd.stopping();
      for (const t of this.timers) clearInterval(t);
      this.stopRollups?.();
      await Promise.allSettled([...this.monitors.values()].map((m) => m.stop()));
      await this.uplink.stop();
      this.outbox.close();
      this.o.logger.info({ gateway: this.gatewayId }, 'gateway stopped');
    })();
    return this.stopping;
  }
}
