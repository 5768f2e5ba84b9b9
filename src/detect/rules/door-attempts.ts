import type { EventData } from '../../contract/event-data.js';
import type { DoorState } from '../../signals/types.js';
import { seconds } from './context.js';

export type DoorMotion = 'closing' | 'opening';

export interface DoorAttemptLimits {
  /** An attempt still under way this long has timed out. */
  timeoutMs: number;
  /** Failed attempts in a row that make a fault. */
  failedLimit: number;
  /** A reversal sooner than this after the attempt began is a contact glitch, not a failure. */
  minAttemptMs: number;
}

export type DoorAttemptTrigger = { kind: 'timeout'; since: number } | { kind: 'failed'; count: number; since: number };

/**
 * Follows the door's attempts to close (or open) for 关门故障 / 开门故障. An attempt begins when
 * the door enters `closing` (`opening`); it succeeds on reaching `closed` (`open`), which also
 * resets the count of failures; it fails when the door reverses (to opening/open, or
 * closing/closed) without getting there. Unknown door readings change nothing.
 */
export class DoorAttempts {
  private since: number | undefined;
  private failedSince: number | undefined;
  private failed = 0;
  /** The door state of the last step, until a reset. */
  private lastDoor: DoorState | undefined;
  private readonly target: DoorState;
  private readonly reversed: readonly DoorState[];

  constructor(
    private readonly motion: DoorMotion,
    private readonly limits: DoorAttemptLimits,
  ) {
    this.target = motion === 'closing' ? 'closed' : 'open';
    this.reversed = motion === 'closing' ? ['opening', 'open'] : ['closing', 'closed'];
  }

  /** Failed attempts in a row so far. */
  get failures(): number {
    return this.failed;
  }

  /** Since when the current attempt runs, undefined when none does. */
  get attemptSince(): number | undefined {
    return this.since;
  }

  /**
   * From what time the same door state again could change anything (Rule.wakeAt): the timeout
   * of the attempt being timed; -Infinity after a timeout with the door still in motion (the
   * next step starts the next attempt); otherwise +Infinity, the same door changes nothing.
   */
  get wakeAt(): number {
    if (this.since !== undefined) return this.since + this.limits.timeoutMs;
    return this.lastDoor === this.motion ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  reset(): void {
    this.lastDoor = undefined;
    this.since = undefined;
    this.failedSince = undefined;
    this.failed = 0;
  }

  /** One known door state (not 'unknown'); a trigger when an attempt timed out or failures reached the limit. */
  step(door: DoorState, now: number): DoorAttemptTrigger | undefined {
    this.lastDoor = door;
    if (door === this.target) {
      this.reset();
      return undefined;
    }
    if (door === this.motion) {
      this.since ??= now;
      if (now - this.since < this.limits.timeoutMs) return undefined;
      const since = this.since;
      this.since = undefined; // the next timeout needs a full wait again
      return { kind: 'timeout', since };
    }
    if (!this.reversed.includes(door) || this.since === undefined) return undefined;
    const began = this.since;
    this.since = undefined;
    if (now - began < this.limits.minAttemptMs) return undefined;
    this.failedSince ??= began;
    this.failed++;
    if (this.failed < this.limits.failedLimit) return undefined;
    const trigger = { kind: 'failed' as const, count: this.failed, since: this.failedSince };
    this.failed = 0;
    this.failedSince = undefined;
    return trigger;
  }
}

/** Event data of a raise: what triggered it, where. */
export function attemptData(trigger: DoorAttemptTrigger, now: number, floor: number | null): EventData<'door-close-fault' | 'door-open-fault'> {
  return trigger.kind === 'timeout'
    ? { kind: 'timeout', attemptS: seconds(trigger.since, now), floor }
    : { kind: 'failed', attempts: trigger.count, overS: seconds(trigger.since, now), floor };
}
