/** When to try reopening a lost transport: the delay doubles after each failure up to a maximum. */
export class Backoff {
  private delay: number;
  private nextAt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.delay = minMs;
  }

  canTry(now: number): boolean {
    return now >= this.nextAt;
  }

  failed(now: number): void {
    this.nextAt = now + this.delay;
    this.delay = Math.min(this.delay * 2, this.maxMs);
  }

  /** The transport works again: the next loss starts from the minimum delay. */
  succeeded(): void {
    this.delay = this.minMs;
    this.nextAt = 0;
  }
}
