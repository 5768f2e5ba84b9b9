/**
 * Time is injected everywhere timing matters, as values of these interfaces.
 *
 * - `now()` is monotonic milliseconds: rules, back-offs and schedules use it, so a wall-clock
 *   jump (a Raspberry Pi without RTC getting NTP late) never raises or clears a fault.
 * - `wallNow()` is epoch milliseconds, only for timestamps in payloads.
 * - `after(ms, fn)` is the one scheduler: poll loops, the uplink and the gateway's jobs wait on
 *   it, so a test on a FakeClock runs an hour of a whole gateway in well under a second.
 *
 * Physical timeouts on a real wire (a Modbus RTU answer) are `Timers` of their own, real time by
 * default: a simulation running 20× faster must not shorten how long a slave gets to answer.
 */
export interface Timer {
  cancel(): void;
}

export interface Timers {
  now(): number;
  /** Runs `fn` once, `ms` of this clock's monotonic time from now. */
  after(ms: number, fn: () => void): Timer;
}

export interface Clock extends Timers {
  wallNow(): number;
}

/** Node truncates a delay to whole ms (9.6 → 9): rounded up instead, a timer never fires early. */
function realTimer(ms: number, fn: () => void): Timer {
  const t = setTimeout(fn, Math.max(0, Math.ceil(ms)));
  return { cancel: () => clearTimeout(t) };
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  after: realTimer,
};

/** Real time for waits on a physical line. */
export const systemTimers: Timers = { now: () => performance.now(), after: realTimer };

/**
 * A clock whose monotonic time runs `factor` times faster than real time.
 * Used by `demo` and the integration tests so the simulator and the gateway
 * agree on (accelerated) sample time while thresholds keep their real values.
 */
export function scaledClock(factor: number, base: Clock = systemClock): Clock {
  if (!(factor > 0)) throw new RangeError(`time scale must be > 0, got ${factor}`);
  const start = base.now();
  return {
    now: () => start + (base.now() - start) * factor,
    wallNow: () => base.wallNow(),
    after: (ms, fn) => base.after(ms / factor, fn),
  };
}

interface Pending {
  due: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A hand-driven clock for tests and sample-time runs: time moves only when told, and timers
 * scheduled with `after` fire in due order as it moves — at their exact due time.
 */
export class FakeClock implements Clock {
  private readonly pending: Pending[] = [];
  private order = 0;

  constructor(
    private mono = 0,
    private wall = Date.UTC(2026, 0, 1),
  ) {}

  now(): number {
    return this.mono;
  }

  wallNow(): number {
    return this.wall;
  }

  after(ms: number, fn: () => void): Timer {
    const p: Pending = { due: this.mono + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => (p.cancelled = true) };
  }

  /** Timers still waiting to fire. */
  get timers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, synchronously. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (let p = this.nextDue(target); p; p = this.nextDue(target)) {
      this.moveTo(p.due);
      p.fn();
    }
    this.moveTo(target);
  }

  /**
   * Like `advance`, for asynchronous code: after each timer fires, the promise chains it started
   * (a poll awaiting an in-memory link, an append, a publish's PUBACK) run to completion before
   * time moves on. Nothing here waits on real time; only queued callbacks are drained.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.mono + ms;
    await settle();
    for (let p = this.nextDue(target); p; p = this.nextDue(target)) {
      this.moveTo(p.due);
      p.fn();
      await settle();
    }
    this.moveTo(target);
    await settle();
  }

  /** Move only the wall clock, as an NTP correction would. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  private moveTo(t: number): void {
    if (t <= this.mono) return;
    this.wall += t - this.mono;
    this.mono = t;
  }

  private nextDue(limit: number): Pending | undefined {
    let best = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.cancelled || p.due > limit) continue;
      if (best < 0 || p.due < this.pending[best]!.due || (p.due === this.pending[best]!.due && p.order < this.pending[best]!.order)) best = i;
    }
    if (best < 0) {
      this.compact();
      return undefined;
    }
    return this.pending.splice(best, 1)[0];
  }

  private compact(): void {
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.cancelled) this.pending.splice(i, 1);
  }
}

/**
 * Lets every queued callback run: microtasks, then one turn of the event loop's check phase,
 * a few times over (a callback may queue another). In-memory fakes complete within this;
 * real I/O does not and is not meant to be driven by a FakeClock.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
