/**
 * Time is injected everywhere timing matters.
 * - `now()` is monotonic milliseconds: rules and timeouts use it, so a wall-clock jump
 *   (a Raspberry Pi without RTC getting NTP late) never raises or clears a fault.
 * - `wallNow()` is epoch milliseconds, only for timestamps in payloads.
 */
export interface Clock {
  now(): number;
  wallNow(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};

/**
 * A clock whose monotonic time runs `factor` times faster than real time.
 * Used by `demo` and the integration tests so the simulator and the gateway
 * agree on (accelerated) sample time while thresholds keep their real values.
 */
export function scaledClock(factor: number, base: Clock = systemClock): Clock {
  if (!(factor > 0)) throw new Error(`time scale must be > 0, got ${factor}`);
  const start = base.now();
  return {
    now: () => start + (base.now() - start) * factor,
    wallNow: () => base.wallNow(),
  };
}

/** A hand-driven clock for tests: time moves only when the test says so. */
export class FakeClock implements Clock {
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
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
  /** Move only the wall clock, as an NTP correction would. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }
}
