import { initialHealth } from '../../drivers/kernel/health.js';
import type { Driver, DriverHealth } from '../../drivers/types.js';
import type { Clock, Timer } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import type { ElevatorPipeline } from '../detect/pipeline.js';
import type { DetectedEvent } from '../detect/types.js';
import type { ElevatorSignals } from '../signals/types.js';

/** A poll group that keeps overrunning its period is reported at most this often (sample time). */
const MISSED_LOG_EVERY_MS = 60_000;

/** One poll group's loop: its timer while it waits for the next slot, its poll while one runs. */
interface Loop {
  readonly group: string;
  readonly periodMs: number;
  timer: Timer | undefined;
  poll: Promise<void> | undefined;
  /** When the running poll was due (its slot on the grid). */
  due: number;
  /** `loop` and `schedule` for this group, made once rather than a closure per poll. */
  run: () => void;
  polled: () => void;
}

export interface MonitorOptions {
  elevatorId: string;
  /** Raw points → signals → rules and statistics (src/detect/pipeline.ts). */
  pipeline: ElevatorPipeline;
  /** Built at start, so an optional transport's library (onoff, firmata-io) loads only when configured. */
  driver: () => Promise<Driver>;
  /** Sample time: polls are scheduled on it, so a FakeClock runs the loop deterministically. */
  clock: Clock;
  /** Bound to this elevator (the gateway's `log.child({ mod: 'monitor', elevator })`): lines do not repeat it. */
  logger: Logger;
  /**
   * Called in the same tick the rules produce events (the gateway stores and publishes them
   * there): the rules' events before the statistics and health indicators run, their warnings after.
   */
  onEvents: (events: DetectedEvent[], signals: ElevatorSignals) => void;
}

/**
 * One elevator's poll loops: each poll group on its own period, its points through the
 * pipeline, one detection step per poll. Knows nothing of storage or MQTT; hands events to
 * `onEvents`.
 */
export class ElevatorMonitor {
  readonly pipeline: ElevatorPipeline;
  private readonly loops: Loop[] = [];
  private running = false;
  private driver?: Driver;
  /** Sample time of the last detection step (the watchdog's sign of life). */
  lastStepAt: number;
  /** Resolves after the first detection step: the elevator has been polled once (readiness). */
  readonly firstStep: Promise<void>;
  private stepped!: () => void;
  /** Poll slots skipped because the poll before ran past them, per poll group since start. */
  readonly missedPolls = new Map<string, number>();
  private readonly missedLoggedAt = new Map<string, number>();

  constructor(private readonly o: MonitorOptions) {
    this.pipeline = o.pipeline;
    this.lastStepAt = o.clock.now();
    this.firstStep = new Promise((resolve) => (this.stepped = resolve));
  }

  get engine() {
    return this.pipeline.detection.engine;
  }

  get stats() {
    return this.pipeline.detection.stats;
  }

  get samples(): number {
    return this.pipeline.detection.samples;
  }

  get signals(): ElevatorSignals {
    return this.pipeline.detection.signals;
  }

  driverHealth(): DriverHealth {
    return this.driver?.health() ?? { ...initialHealth(), lastError: 'not started' };
  }

  async start(): Promise<void> {
    this.running = true;
    for (const r of this.engine.armed().filter((x) => !x.armed)) {
      this.o.logger.warn({ rule: r.type, missing: r.missing }, `rule ${r.type} not armed: board ${this.pipeline.board.id} lacks ${r.missing.join(', ')}`);
    }
    // A board that takes seconds to answer opens in the background: it holds neither the elevators after it nor the service's readiness.
    this.driver = await this.o.driver();
    if (this.driver.openInBackground) this.driver.openInBackground();
    else await this.driver.open();
    for (const g of this.pipeline.board.pollGroups) {
      const l: Loop = { group: g.name, periodMs: g.intervalMs, timer: undefined, poll: undefined, due: 0, run: () => this.loop(l), polled: () => this.schedule(l) };
      this.loops.push(l);
      l.due = this.o.clock.now();
      this.loop(l);
    }
  }

  /** Opens the driver without starting poll loops: the caller drives `pollOnce` in sample time (tests). */
  async startManual(): Promise<void> {
    this.driver = await this.o.driver();
    await this.driver.open();
  }

  /**
   * Polls `group` on a fixed grid of `periodMs` of sample time from its first poll. The next poll
   * is due a whole period after this one was due, not after it ended, so neither the poll's own
   * duration nor a timer that fires a little early or late (Node rounds delays to whole ms) makes
   * the loop run faster or slower than asked. A poll that overruns its slot (a slave slower than
   * the period) skips the slots that passed — counted in `missedPolls`, logged at most once a
   * minute — and the loop resumes on the grid: nothing ever queues behind a slow device.
   * The loop's state, its due time and its two callbacks live in one record per group rather
   * than in sets of timers and polls or in closures: this runs every 10 ms, and each of those
   * would allocate every time.
   */
  private loop(l: Loop): void {
    l.timer = undefined;
    if (!this.running) return;
    l.poll = this.pollOnce(l.group).then(l.polled, l.polled);
  }

  private schedule(l: Loop): void {
    l.poll = undefined;
    if (!this.running) return;
    const now = this.o.clock.now();
    let next = l.due + l.periodMs;
    if (next <= now) {
      const missed = Math.floor((now - next) / l.periodMs) + 1;
      next += missed * l.periodMs;
      this.missed(l.group, missed, l.periodMs, now);
    }
    l.due = next;
    l.timer = this.o.clock.after(next - now, l.run);
  }

  private missed(group: string, n: number, periodMs: number, now: number): void {
    this.missedPolls.set(group, (this.missedPolls.get(group) ?? 0) + n);
    const last = this.missedLoggedAt.get(group);
    if (last !== undefined && now - last < MISSED_LOG_EVERY_MS) return;
    this.missedLoggedAt.set(group, now);
    this.o.logger.warn(
      { group, periodMs, missed: this.missedPolls.get(group) },
      `poll group ${group} of ${this.o.elevatorId} runs longer than its ${periodMs} ms period: slots skipped, not queued`,
    );
  }

  /** One poll of a group and one detection step. Exposed for deterministic tests. */
  async pollOnce(group: string): Promise<void> {
    try {
      if (!this.driver) return;
      this.pipeline.update(await this.driver.poll(group));
      this.step();
    } catch (e) {
      // A driver must not throw; if one does, the pipeline keeps going and says so.
      this.o.logger.error({ group, err: errorMessage(e) }, 'poll failed unexpectedly');
    }
  }

  step(): void {
    const now = this.o.clock.now();
    this.lastStepAt = now;
    this.pipeline.stepEmitting(now, this.o.onEvents);
    this.stepped();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const l of this.loops) l.timer?.cancel();
    await Promise.allSettled(this.loops.map((l) => l.poll));
    // Black-box after-parts still recording are stored (marked incomplete) rather than lost.
    const pending = this.pipeline.detection.flush();
    if (pending.length > 0) this.o.onEvents(pending, this.signals);
    await this.driver?.close();
  }
}
