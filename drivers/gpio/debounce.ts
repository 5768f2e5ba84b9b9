/**
 * One contact's debounced level, fed by edges as they happen and read at poll time (a pure
 * state machine on sample time: no timers). A level counts once it has held for `debounceMs`.
 */
export class Debouncer {
  private stable: boolean;
  private candidate: boolean;
  private since: number;
  private rose = false;
  private fell = false;

  constructor(
    initial: boolean,
    private readonly debounceMs: number,
    at: number,
  ) {
    this.stable = initial;
    this.candidate = initial;
    this.since = at;
  }

  /** The line showed `level` at `at` (an edge; repeats are harmless). */
  edge(level: boolean, at: number): void {
    this.settle(at);
    if (level !== this.candidate) {
      this.candidate = level;
      this.since = at;
    }
    this.settle(at);
  }

  level(now: number): boolean {
    this.settle(now);
    return this.stable;
  }

  /** Whether the debounced level became true / false since the last call. */
  takeTransitions(now: number): { rose: boolean; fell: boolean } {
    this.settle(now);
    const t = { rose: this.rose, fell: this.fell };
    this.rose = this.fell = false;
    return t;
  }

  private settle(now: number): void {
    if (this.candidate === this.stable || now - this.since < this.debounceMs) return;
    this.stable = this.candidate;
    if (this.stable) this.rose = true;
    else this.fell = true;
  }
}
