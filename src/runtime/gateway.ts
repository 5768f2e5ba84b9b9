import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { FieldBuses } from '../../drivers/buses.js';
import { createDriver } from '../../drivers/factory.js';
import type { LoadedElevator } from '../config/load.js';
import { clockSynced } from '../core/clock-sync.js';
import { scaledClock, systemClock, systemTimers, type Clock } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import { EventIdFactory } from '../core/ids.js';
import type { InfoPayload, StatusPayload } from '../contract/payloads.js';
import { type BaselineStore, MemoryBaselineStore } from '../detect/health/baseline-store.js';
import type { IndicatorId } from '../contract/health.js';
import { pipelineFor } from '../detect/pipeline.js';
import type { DetectedEvent } from '../detect/types.js';
import { SqliteOutbox } from '../outbox/sqlite.js';
import type { NewRecord } from '../outbox/types.js';
import type { ElevatorSignals } from '../signals/types.js';
import { Uplink } from '../uplink/uplink.js';
import { executeCommand } from './commands.js';
import type { GatewayOptions } from './gateway-options.js';
import { RunCounters } from './counters.js';
import { EvictionReports } from './evictions.js';
import { DiagServer } from './diag-server.js';
import { DiagView } from './diag-view.js';
import { HoldingOutbox, type StorageOutage } from './holding.js';
import { ElevatorMonitor } from './monitor.js';
import { elevatorState } from './payload.js';
import { RecordFactory } from './records.js';
import { every, onWallBoundaries, type Cancel } from './schedule.js';
import { infoPayload, statusPayload } from './status.js';
import { openBaselines, openStore, saveBaselines } from './store-open.js';
import { SystemdNotifier } from './systemd.js';
import { UpgradeReports } from './upgrade-report.js';
import { VERSION } from './version.js';

/** Monotonic ms between attempts to store records held while the outbox could not be written. */
const HOLD_RETRY_MS = 1000;
const STATUS_EVERY_MS = 30_000;
/** How often a finished upgrade is looked for after the start (one that ends healthy restarts nothing). */
const UPGRADE_CHECK_MS = 5000;

/**
 * Wiring only: drivers → monitors (signals + rules) → outbox and uplink (stored and published in
 * the tick an event is detected: Uplink.deliver) → broker, with the
 * scheduled jobs on the injected clock. What leaves the gateway is built by RecordFactory, the
 * status by statusPayload, command answers by executeCommand.
 */
export class Gateway {
  readonly clock: Clock;
  /** The store of record behind a holding queue that keeps events while it cannot be written (full disk). */
  readonly outbox: HoldingOutbox;
  readonly monitors = new Map<string, ElevatorMonitor>();
  readonly uplink: Uplink;
  /** The physical buses of this gateway's drivers (one queue per bus, one port per serial path). */
  readonly buses = new FieldBuses();
  private readonly sqlite?: SqliteOutbox;
  private readonly records: RecordFactory;
  /** Cumulative run count and running hours per elevator, kept across restarts in the outbox database. */
  private readonly counters: RunCounters;
  private readonly evictions: EvictionReports;
  /** Early-warning baselines (docs/early-warning.md), saved with each hourly roll-up and at a clean stop. */
  private readonly baselines: BaselineStore;
  readonly bootId: string;
  private readonly elevators = new Map<string, { elevator: LoadedElevator; monitor: ElevatorMonitor }>();
  private readonly jobs: Cancel[] = [];
  private readonly startedAt: number;
  private readonly synced: () => boolean;
  private stopping?: Promise<void>;
  private readonly systemd = new SystemdNotifier();
  private readonly diag?: DiagServer;
  private readonly upgrades?: UpgradeReports;

  constructor(private readonly o: GatewayOptions) {
    const site = o.config.site;
    const log = o.logger;
    this.clock = o.clock ?? (site.runtime.timeScale === 1 ? systemClock : scaledClock(site.runtime.timeScale));
    this.startedAt = this.clock.now();
    this.synced = o.clockSynced ?? (() => clockSynced(this.clock.wallNow()));
    const { store, sqlite } = openStore(o, this.clock, log);
    this.sqlite = sqlite;
    this.outbox = new HoldingOutbox(store, { clock: this.clock, logger: log.child({ mod: 'outbox' }), onRecovered: (outage) => [this.storageRecovered(outage)] });
    this.bootId = o.bootId ?? randomUUID();
    this.evictions = new EvictionReports(this.sqlite ?? (store instanceof SqliteOutbox ? store : undefined), log.child({ mod: 'outbox' }), this.outbox.stats());
    this.counters = new RunCounters(this.sqlite ?? (store instanceof SqliteOutbox ? store : undefined), log.child({ mod: 'counters' }));
    this.baselines = o.baselines ?? (this.sqlite ? openBaselines(o.config.outboxPath, this.clock, log) : new MemoryBaselineStore());
    this.records = new RecordFactory({
      bootId: this.bootId,
      gatewayId: site.gateway.id,
      ids: new EventIdFactory(() => this.clock.wallNow(), { lastId: this.outbox.lastId() }),
      clock: this.clock,
      timeScale: site.runtime.timeScale,
      clockSynced: this.synced,
    });
    this.uplink = new Uplink({
      config: site.uplink,
      gatewayId: site.gateway.id,
      outbox: this.outbox,
      logger: log.child({ mod: 'uplink' }),
      clock: this.clock,
      ...(o.mqttConnect ? { connect: o.mqttConnect } : {}),
      ...(o.mqttVersion ? { protocolVersion: o.mqttVersion } : {}),
      status: () => this.status(),
      info: () => this.infos(),
      bootId: this.bootId,
      monoMs: () => this.records.monoMs(),
      onCommand: (name, request) =>
        executeCommand(
          {
            wallNow: () => this.clock.wallNow(),
            status: () => this.status(),
            uplink: () => this.uplink.stats(),
            storage: () => this.outbox.holding(),
            elevators: this.elevators,
            resetBaseline: (id, filter, by) => this.resetBaseline(id, filter, by),
          },
          name,
          request.args,
        ),
    });
    for (const e of o.config.elevators) {
      const id = e.config.id;
      const monitor = new ElevatorMonitor({
        elevatorId: id,
        pipeline: pipelineFor(e, {
          onRuleError: (type, error) => log.error({ elevator: id, rule: type, err: errorMessage(error) }, `rule ${type} failed; other rules keep running`),
          baselines: this.baselines,
          onBlackboxRecord: (signals) => this.records.prepareBlackbox(signals),
        }),
        driver: async () =>
          o.driverFor?.(e) ??
          createDriver({ board: e.board, connection: e.config.connection, clock: this.clock, logger: log.child({ mod: 'driver', elevator: id }), buses: this.buses }),
        clock: this.clock,
        logger: log.child({ mod: 'monitor', elevator: id }),
        onEvents: (events, signals) => this.store(e, events, signals),
      });
      this.monitors.set(id, monitor);
      this.elevators.set(id, { elevator: e, monitor });
    }
    const upgradeDir = o.upgradeDir ?? (process.env.STATE_DIRECTORY ? join(process.env.STATE_DIRECTORY.split(':')[0]!, 'upgrade') : false);
    if (upgradeDir !== false) {
      this.upgrades = new UpgradeReports({
        dir: upgradeDir,
        store: (data, severity) => this.append([this.records.gatewayEvent('upgrade', severity, data)]),
        logger: log.child({ mod: 'upgrade' }),
      });
    }
    if (o.diagSocket !== false) {
      const view = new DiagView({
        gatewayId: site.gateway.id,
        clock: this.clock,
        timeScale: site.runtime.timeScale,
        startedAt: this.startedAt,
        elevators: this.elevators,
        outbox: () => this.outbox.stats(),
        storage: () => this.outbox.holding(),
        uplink: () => this.uplink.stats(),
      });
      this.diag = new DiagServer({
        path: o.config.diagSocketPath,
        view,
        timers: systemTimers,
        logger: log.child({ mod: 'diag' }),
        // `elevgw commission`'s summary, stored like every event (the socket's one write).
        recordCommissioning: (elevatorId, data) => {
          const r = this.records.commissioning(this.elevators.get(elevatorId)!.elevator, data);
          this.append([r]);
          return { id: r.id, elevatorId, type: 'commissioning', phase: 'instant', severity: 'info', at: new Date(r.createdAt).toISOString() };
        },
        // `elevgw diag baseline reset`: the same reset as the platform command's, by a user on this machine.
        resetBaseline: (id, filter, by) => this.resetBaseline(id, filter, by),
      });
    }
  }

  get gatewayId(): string {
    return this.o.config.site.gateway.id;
  }

  async start(): Promise<void> {
    const site = this.o.config.site;
    const report = (this.sqlite ?? (this.o.outbox instanceof SqliteOutbox ? this.o.outbox : undefined))?.openReport();
    this.append([
      this.records.gatewayEvent('gateway-started', 'info', { version: VERSION, elevators: [...this.elevators.keys()] }),
      ...(report?.recovered ? [this.records.gatewayEvent('outbox-loss', 'critical', { movedTo: report.movedTo ?? '', reason: report.reason ?? 'unusable' })] : []),
    ]);
    this.upgrades?.check();
    this.reportEvictions(); // evicted before a power cut took the report with it
    this.uplink.start();
    for (const m of this.monitors.values()) await m.start();
    this.startJobs();
    await this.diag?.start();
    // Ready (systemd, an upgrade's gate) once every elevator has been polled and judged once; a dead bus does that too, with bad points.
    await Promise.all([...this.monitors.values()].map((m) => m.firstStep));
    this.o.logger.info({ gateway: this.gatewayId, elevators: this.monitors.size, outbox: this.o.config.outboxPath, timeScale: site.runtime.timeScale }, 'gateway started');
    this.systemd.ready(`monitoring ${this.monitors.size} elevator(s)`);
    // Healthy = every elevator ran a detection step in the last 30 s (a dead bus still steps: its points go bad).
    this.systemd.startWatchdog(() => [...this.monitors.values()].every((m) => this.clock.now() - m.lastStepAt < 30_000 * site.runtime.timeScale));
  }

  /** Telemetry, the status refresh, outbox maintenance, the holding retry and statistics roll-ups, all on the injected clock. */
  private startJobs(): void {
    const site = this.o.config.site;
    const log = this.o.logger;
    const scale = site.runtime.timeScale;
    if (site.uplink.telemetryIntervalS > 0) this.jobs.push(every(this.clock, site.uplink.telemetryIntervalS * 1000, () => this.telemetry(), log, 'telemetry'));
    this.jobs.push(
      every(
        this.clock,
        STATUS_EVERY_MS * scale,
        () => {
          this.uplink.publishStatus();
          this.uplink.publishInfo();
        },
        log,
        'status',
      ),
    );
    this.jobs.push(every(this.clock, site.outbox.maintainIntervalS * 1000 * scale, () => this.maintain(), log, 'outbox maintenance'));
    this.jobs.push(every(this.clock, HOLD_RETRY_MS * scale, () => this.retryHeld(), log, 'holding retry'));
    const upgrades = this.upgrades;
    if (upgrades) this.jobs.push(every(this.clock, UPGRADE_CHECK_MS * scale, () => upgrades.check(), log, 'upgrade reports'));
    this.jobs.push(onWallBoundaries(this.clock, this.o.timeZone, (period) => this.rollup(period), log));
  }

  /** Events are stored and published in the tick they are detected (Uplink.deliver says in which order). */
  private store(e: LoadedElevator, events: DetectedEvent[], signals: ElevatorSignals): void {
    const state = elevatorState(signals, e);
    const records = events.map((ev) => this.records.event(ev, e, state));
    this.append(records);
    records.forEach((r, i) => {
      const ev = events[i]!;
      this.diag?.event({ id: r.id, elevatorId: e.config.id, type: ev.type, phase: ev.phase, severity: ev.severity, at: new Date(r.createdAt).toISOString() });
    });
    for (const ev of events) {
      this.o.logger.info(
        { elevator: ev.elevatorId, type: ev.type, phase: ev.phase, severity: ev.severity, floor: state.floor, data: ev.data },
        `${ev.type} ${ev.phase} on ${ev.elevatorId}${state.floor !== undefined ? ` at floor ${state.floor ?? '?'}` : ''}`,
      );
    }
  }

  /** Stores what a storage outage held, and has the uplink drain it (it came in behind fresh records). */
  private retryHeld(): void {
    if (this.outbox.holding().failingSince === null) return;
    this.outbox.retry();
    this.uplink.resync();
  }

  /** Never throws for a storage failure: what cannot be stored now is held and stored later (see HoldingOutbox). */
  private append(records: NewRecord[]): void {
    if (records.length === 0) return;
    this.uplink.deliver(records, () => this.outbox.append(records));
  }

  /** Reported once per outage, when storage works again: how long, how much was held, what was dropped. */
  private storageRecovered(o: StorageOutage): NewRecord {
    return this.records.gatewayEvent('outbox-loss', o.droppedCritical > 0 ? 'critical' : 'warning', {
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

  private telemetry(): void {
    const now = this.clock.now();
    this.append(
      [...this.elevators.values()].map(({ elevator, monitor }) =>
        this.records.telemetry(elevator, monitor.signals, monitor.engine.active(), this.counters.current(elevator.config.id, monitor.stats.peek('hour', now))),
      ),
    );
  }

  /** Hourly/daily statistics of every elevator, stored like events (stats lane); an hour also adds to the run counters. */
  rollup(period: 'hour' | 'day'): void {
    const now = this.clock.now();
    const records = [...this.elevators.values()].map(({ elevator, monitor }) => {
      const window = monitor.stats.rollup(period, now);
      if (period === 'hour') this.counters.closeHour(elevator.config.id, window);
      const health = monitor.pipeline.detection.health;
      // Baselines are written with the hour's roll-up (rarely: an SD card), the indicators go with the day's statistics.
      if (period === 'hour') saveBaselines(health, this.o.logger);
      return this.records.stats(elevator, window, period === 'day' ? health?.takeSummary() : undefined);
    });
    this.append(records);
  }

  /** A technician's reset of early-warning baselines (platform command or diagnostics socket), reported upstream as events. */
  private resetBaseline(elevatorId: string, filter: { indicator?: IndicatorId; floor?: number }, by: string): { keys: number; cleared: string[] } {
    const { elevator, monitor } = this.elevators.get(elevatorId)!;
    const health = monitor.pipeline.detection.health;
    if (!health) throw new ElevgwError('COMMAND_INVALID', `early warning is off for elevator "${elevatorId}" (rules.earlyWarning.enabled)`);
    const floors = elevator.config.floors;
    if (filter.floor !== undefined && filter.floor >= floors.length)
      throw new ElevgwError(
        'COMMAND_INVALID',
        `elevator "${elevatorId}" has no floor index ${filter.floor} (expected 0–${floors.length - 1}: ${floors.map((f) => f.label).join(', ')})`,
      );
    const events = health.reset(filter, by).map((t) => ({ ...t, elevatorId }));
    this.store(elevator, events, monitor.signals);
    const cleared = events.filter((e) => e.phase === 'cleared').map((e) => String(e.data?.cause));
    const keys = Number(events.at(-1)?.data?.keys ?? 0);
    this.o.logger.warn({ elevator: elevatorId, ...filter, by, keys, cleared }, `early-warning baselines of ${elevatorId} reset by ${by}`);
    return { keys, cleared };
  }

  private maintain(): void {
    const r = this.outbox.maintain(this.clock.wallNow());
    if (r.evicted > 0) this.o.logger.warn({ evicted: r.evicted, byKind: r.evictedByKind }, 'outbox over its size cap: evicted low-priority records');
    this.reportEvictions();
  }

  /** Reports every eviction not reported yet, as one outbox-loss event (see EvictionReports). */
  private reportEvictions(): void {
    const soFar = this.outbox.stats();
    const { evicted, byKind } = this.evictions.unreported(soFar);
    if (evicted === 0) return;
    this.append([this.records.gatewayEvent('outbox-loss', 'warning', { reason: 'size cap', evicted, byKind })]);
    this.evictions.reportedUpTo(soFar);
  }

  status(): StatusPayload {
    return statusPayload({
      gatewayId: this.gatewayId,
      wallNow: this.clock.wallNow(),
      uptimeS: (this.clock.now() - this.startedAt) / 1000 / this.o.config.site.runtime.timeScale,
      clockSynced: this.synced(),
      outbox: this.outbox.stats(),
      elevators: [...this.elevators.values()],
      monoMs: this.records.monoMs(),
      bootId: this.bootId,
    });
  }

  /** Each elevator's retained description (GB/T 24476 group 2). */
  private infos(): { elevatorId: string; payload: InfoPayload }[] {
    const common = { site: this.o.config.site, wallNow: this.clock.wallNow(), clockSynced: this.synced(), monoMs: this.records.monoMs(), bootId: this.bootId };
    return [...this.elevators.values()].map(({ elevator }) => ({ elevatorId: elevator.config.id, payload: infoPayload({ ...common, elevator }) }));
  }

  /** Clean shutdown: stop polling, let in-flight publishes finish, mark offline, close the database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.systemd.stopping();
      for (const cancel of this.jobs) cancel();
      await this.diag?.stop();
      await Promise.allSettled([...this.monitors.values()].map((m) => m.stop()));
      await this.uplink.stop();
      // The open hour's trips are written too: a clean stop loses no count.
      const now = this.clock.now();
      this.counters.stop(new Map([...this.elevators].map(([id, { monitor }]) => [id, monitor.stats.peek('hour', now)])));
      for (const { monitor } of this.elevators.values()) saveBaselines(monitor.pipeline.detection.health, this.o.logger);
      this.baselines.close();
      this.outbox.close();
      this.o.logger.info({ gateway: this.gatewayId }, 'gateway stopped');
    })();
    return this.stopping;
  }
}
