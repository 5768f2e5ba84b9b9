import type { Clock, Timer } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PlatformStore, RescuePolicy } from '../store/types.js';

/** Wuhan's elevator rescue hotline: the routing label every rescue ticket carries (docs/domain.md). */
const RESCUE_HOTLINE = '963333';

/**
 * By default a ticket not acknowledged within 5 minutes is escalated, and again at 15 minutes.
 * Configurable (`elevgw platform --escalate-after`): a district sets them to its dispatch rules.
 */
export const DEFAULT_ESCALATE_AFTER_MIN = [5, 15] as const;

export function rescuePolicy(escalateAfterMin: readonly number[] = DEFAULT_ESCALATE_AFTER_MIN, hotline = RESCUE_HOTLINE): RescuePolicy {
  return { escalateAfterMs: [...escalateAfterMin].sort((a, b) => a - b).map((m) => Math.round(m * 60_000)), hotline };
}

/** How often every worker looks for tickets whose escalation is due: the timer's precision. */
const SWEEP_MS = 1000;

/**
 * Escalation timers on the injected clock. Every worker sweeps (a ticket opened by a worker that
 * died still escalates); the store's conditional update makes a level happen once, whoever is first.
 *
 * A sweep fails every second while the database is away: the log says so when the failures start
 * and when a sweep gets through again (with the failed sweeps counted), as the ingest does, not
 * 3,600 lines an hour on a gateway-sized disk.
 */
export class EscalationTimer {
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failing: { sinceMs: number; sweeps: number } | undefined;

  constructor(private readonly o: { store: PlatformStore; policy: RescuePolicy; clock: Clock; log: Logger; onEscalated?(ids: string[]): void }) {}

  start(): void {
    const tick = () => {
      void this.sweep();
      this.timer = this.o.clock.after(SWEEP_MS, tick);
    };
    this.timer = this.o.clock.after(SWEEP_MS, tick);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** Escalates what is due now; ticks while a sweep runs make one more sweep after it, at the time then. */
  sweep(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.o.store
      .escalateDue(this.o.clock.wallNow(), this.o.policy)
      .then(
        (ids) => {
          this.succeeded();
          if (ids.length === 0) return;
          this.o.log.warn({ tickets: ids }, 'rescue ticket escalated: not acknowledged in time');
          this.o.onEscalated?.(ids);
        },
        (e: unknown) => this.failed(e),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.sweep();
        }
      });
    return this.running;
  }

  private failed(e: unknown): void {
    if (this.failing) {
      this.failing.sweeps++;
      return;
    }
    this.failing = { sinceMs: this.o.clock.now(), sweeps: 1 };
    this.o.log.warn({ err: errorMessage(e) }, 'escalation sweep failed; retried every second, logged again when one succeeds');
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.o.log.info({ failedSweeps: this.failing.sweeps, downMs: this.o.clock.now() - this.failing.sinceMs }, 'escalation sweep succeeds again; due escalations are made');
    this.failing = undefined;
  }
}
