/**
 * Times for the samples of a FIFO: a sensor samples at its own fixed period, the driver empties
 * the FIFO whenever its poll comes round (late by a scheduler's whim or a Firmata round trip).
 * Spacing the samples by the period, locked gently to the read times, keeps every sample's dt
 * exact for the integration while the stamps stay within a period of the truth; a gap (lost
 * samples, a reset FIFO) starts the sequence afresh from the read time.
 */
export class SampleClock {
  private last: number | undefined;

  /**
   * @param periodMs the sensor's sample period.
   * @param delayMs how long before the end of its period a sample represents (half the period for a
   *   mean over it, plus the low-pass filter's group delay).
   */
  constructor(
    private readonly periodMs: number,
    private readonly delayMs = 0,
  ) {}

  /** Times for `n` samples read at `readAt` (oldest first). */
  stamp(n: number, readAt: number): number[] {
    if (n === 0) return [];
    const T = this.periodMs;
    const fresh = readAt - (n - 1) * T;
    let first = this.last === undefined ? fresh : this.last + T;
    const error = fresh - first;
    // Within a few periods: nudge towards the read time; beyond: samples were lost, start again.
    if (Math.abs(error) > 3 * T) first = fresh;
    else first += Math.max(-0.05 * T, Math.min(0.05 * T, error * 0.1));
    const times = new Array<number>(n);
    for (let i = 0; i < n; i++) times[i] = first + i * T - this.delayMs;
    this.last = first + (n - 1) * T;
    return times;
  }

  /** The FIFO was reset or overflowed: the next read starts a new sequence. */
  restart(): void {
    this.last = undefined;
  }
}
