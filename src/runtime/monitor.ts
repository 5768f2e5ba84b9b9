import { initialHealth } from '../../drivers/kernel/health.js';
import type { Driver, DriverHealth } from '../../drivers/types.js';
import type { AnyBoardProfile } from '../config/board.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import { DetectionEngine } from '../detect/engine.js';
import { StatsCollector } from '../detect/stats.js';
import type { DetectedEvent } from '../detect/types.js';
import type { Thresholds } from '../config/thresholds.js';
import { SignalNormalizer, staleWindowMs } from '../signals/normalize.js';
import type { ElevatorSignals } from '../signals/types.js';

export interface MonitorOptions {
  elevatorId: string;
  board: AnyBoardProfile;
  /** Built at start, so an optional transport's library (johnny-five, onoff) loads only when configured. */
  driver: () => Promise<Driver>;
  thresholds: Thresholds;
  ratedSpeedMps: number;
  floorLevelsMm: number[];
  /** Floor labels by index, for stops-per-floor statistics. */
  floorLabels?: string[];
  clock: Clock;
  /** Monotonic time runs this much faster than real time (sim/demo); poll periods shrink by it. */
  timeScale: number;
  logger: Logger;
  /** Called in the same tick the rules produce events (the gateway stores them there). */
  onEvents: (events: DetectedEvent[], signals: ElevatorSignals) => void;
}

/**
 * One elevator's pipeline: poll loops per group → normalizer → detection engine.
 * Knows nothing of storage or MQTT; hands events to `onEvents`.
 */
export class ElevatorMonitor {
  readonly normalizer: SignalNormalizer;
  readonly engine: DetectionEngine;
  /** Usage statistics (trips, door cycles, running time …) on sample time; the gateway rolls them up. */
  readonly stats: StatsCollector;
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private busy = new Set<Promise<void>>();
  private last: ElevatorSignals = {};
  private driver?: Driver;
  samples = 0;

  constructor(private readonly o: MonitorOptions) {
    this.normalizer = new SignalNormalizer(o.board, {
      floorLevelsMm: o.floorLevelsMm,
      stationaryMps: o.thresholds.stationaryMps,
      staleAfterMs: staleWindowMs(o.board),
    });
    this.engine = new DetectionEngine({
      elevatorId: o.elevatorId,
      thresholds: o.thresholds,
      ratedSpeedMps: o.ratedSpeedMps,
      floorLevelsMm: o.floorLevelsMm,
      available: this.normalizer.available(),
      onRuleError: (type, error) =>
        o.logger.error({ elevator: o.elevatorId, rule: type, err: errorMessage(error) }, `rule ${type} failed; other rules keep running`),
    });
    this.stats = new StatsCollector({ thresholds: o.thresholds, available: this.normalizer.available(), ...(o.floorLabels ? { floorLabels: o.floorLabels } : {}) });
  }

  driverHealth(): DriverHealth {
    return this.driver?.health() ?? { ...initialHealth(), lastError: 'not started' };
  }

  get signals(): ElevatorSignals {
    return this.last;
  }

  async start(): Promise<void> {
    this.running = true;
    const unarmed = this.engine.armed().filter((r) => !r.armed);
    for (const r of unarmed) {
      this.o.logger.warn({ elevator: this.o.elevatorId, rule: r.type, missing: r.missing }, `rule ${r.type} not armed: board ${this.o.board.id} lacks ${r.missing.join(', ')}`);
    }
    this.driver = await this.o.driver();
    await this.driver.open();
    for (const g of this.o.board.pollGroups) this.loop(g.name, g.intervalMs / this.o.timeScale);
  }

  /** Opens the driver without starting poll timers: the caller drives `pollOnce` in sample time (tests, replay). */
  async startManual(): Promise<void> {
    this.driver = await this.o.driver();
    await this.driver.open();
  }

  private loop(group: string, periodMs: number): void {
    if (!this.running) return;
    const started = performance.now();
    const p = this.pollOnce(group).finally(() => {
      this.busy.delete(p);
      if (!this.running) return;
      const wait = Math.max(0, periodMs - (performance.now() - started));
      const t = setTimeout(() => {
        this.timers = this.timers.filter((x) => x !== t);
        this.loop(group, periodMs);
      }, wait);
      this.timers.push(t);
    });
    this.busy.add(p);
  }

  /** One poll of a group and one detection step. Exposed for deterministic tests. */
  async pollOnce(group: string): Promise<void> {
    try {
      if (!this.driver) return;
      const points = await this.driver.poll(group);
      this.normalizer.update(points);
      this.step();
    } catch (e) {
      // A driver must not throw; if one does, the pipeline keeps going and says so.
      this.o.logger.error({ elevator: this.o.elevatorId, group, err: errorMessage(e) }, 'poll failed unexpectedly');
    }
  }

  /** Real time of the last detection step (the watchdog's sign of life). */
  lastStepAt = performance.now();

  step(): void {
    this.lastStepAt = performance.now();
    const now = this.o.clock.now();
    const signals = this.normalizer.snapshot(now);
    this.last = signals;
    this.samples++;
    const events = this.engine.step(signals, now);
    this.stats.observe(signals, now);
    for (const e of events) this.stats.countEvent(e);
    if (events.length > 0) this.o.onEvents(events, signals);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await Promise.allSettled([...this.busy]);
    // Black-box after-parts still recording are stored (marked incomplete) rather than lost.
    const pending = this.engine.flush();
    if (pending.length > 0) this.o.onEvents(pending, this.last);
    await this.driver?.close();
  }
}
