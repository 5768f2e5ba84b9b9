export interface PositionJump {
  fromMm: number;
  toMm: number;
  /** When the jumped-to position was first read. */
  since: number;
}

/** A position reading: its value was sampled between `askedAt` (its request) and `at` (its answer). */
interface Reading {
  mm: number;
  at: number;
  askedAt: number;
}

/**
 * Finds position steps no car can make: |Δposition| > maxSpeedMps × Δt + marginMm between
 * readings, Δt the longest the car can have had between them: from the earlier reading's request
 * to the later one's answer. A polled value may be as old as its request, so a slow answer
 * followed by a quick one is no jump, while a position that steps further than any car could in
 * that widest window still is. A step counts only once the new position has held for `confirmMs`
 * (readings consistent with it, not with the old one); a single misread that comes back is ignored.
 * Memory: one trusted reading and one candidate.
 */
export class PositionJumpDetector {
  private trusted: Reading | undefined;
  private candidate: (Reading & { since: number; fromMm: number }) | undefined;

  constructor(
    private readonly maxSpeedMps: number,
    private readonly marginMm: number,
    private readonly confirmMs: number,
  ) {}

  /** True while a jumped-to position waits for confirmation. */
  get pending(): boolean {
    return this.candidate !== undefined;
  }

  /**
   * The trusted reading was read again, unchanged, up to `at` (+Infinity: not known), by polls
   * not handed to `step` — its caller slept while the position kept its value. The same as
   * stepping each of those readings: the next reading's reach is measured from the last of them.
   * While a jumped-to position is pending nothing was slept through, and nothing changes.
   * The request time of those polls is not known: counted as `at`, which narrows the window by
   * at most one reply time of a car that stood until then.
   */
  readAgain(at: number): void {
    const ref = this.trusted;
    if (ref !== undefined && this.candidate === undefined && at > ref.at && at < Number.POSITIVE_INFINITY) {
      ref.at = at;
      ref.askedAt = at;
    }
  }

  /**
   * @param mm a good position reading (skip bad ones), @param at when it was read (its answer),
   * @param now sample time, for the confirmation hold, @param askedAt when it was asked for (a
   * polled reading's request; a pushed one's `at`).
   */
  step(mm: number, at: number, now: number, askedAt = at): PositionJump | undefined {
    const ref = this.trusted;
    const c = this.candidate;
    // A pending jump is judged first: the old reading's reach grows with time and would
    // otherwise swallow a jumped position that simply stays put.
    if (c !== undefined && this.reachable(c, mm, at)) {
      c.mm = mm;
      c.at = at;
      c.askedAt = askedAt;
    } else if (ref === undefined || this.reachable(ref, mm, at)) {
      // Nearly every reading: updated in place, not a new object per poll.
      if (ref === undefined) this.trusted = { mm, at, askedAt };
      else {
        ref.mm = mm;
        ref.at = at;
        ref.askedAt = askedAt;
      }
      this.candidate = undefined;
      return undefined;
    } else {
      this.candidate = { mm, at, askedAt, since: now, fromMm: ref.mm };
    }
    const pending = this.candidate!;
    if (now - pending.since < this.confirmMs) return undefined;
    this.trusted = { mm, at, askedAt };
    this.candidate = undefined;
    return { fromMm: pending.fromMm, toMm: mm, since: pending.since };
  }

  /** Whether the car can have gone from `from` to `mm` by `at`: in the time from `from`'s request to this answer. */
  private reachable(from: Reading, mm: number, at: number): boolean {
    const dtMs = Math.max(0, at - Math.min(from.askedAt, from.at));
    return Math.abs(mm - from.mm) <= this.maxSpeedMps * dtMs + this.marginMm; // m/s × ms = mm
  }
}
