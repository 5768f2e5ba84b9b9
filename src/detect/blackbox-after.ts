import type { ElevatorSignals, Snapshot } from '../signals/types.js';
import type { BlackBoxOptions } from './blackbox.js';
import type { DetectedEvent, EventType, Severity } from './types.js';

interface Pending {
  type: EventType;
  severity: Severity;
  raisedMono: number;
  snapshots: Snapshot[];
  lastRecorded: number;
}

/** More raises than this waiting at once (a flapping input) send the oldest follow-up early. */
const MAX_PENDING = 32;

/** What `step` returns while nothing is complete: one shared array, frozen so that adding to it fails loudly. */
const NONE_DUE = Object.freeze([]) as unknown as DetectedEvent[];

/**
 * The after-part of the black box. A raised fault is stored at once with the snapshots before
 * it; this records the `afterMs` following it and then emits a follow-up event of type
 * `blackbox` (phase `instant`, the fault's severity so it travels in the fault's lane, behind it)
 * whose `mono` is the raise's: its `at` and black-box offsets line up with the raised event's.
 */
export class AfterRecorder {
  private pending: Pending[] = [];

  constructor(
    private readonly elevatorId: string,
    private readonly options: BlackBoxOptions,
  ) {}

  /** After-parts still recording. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Starts recording after a raised fault; returns a follow-up sent early when too many wait. */
  open(raised: { type: EventType; severity: Severity; mono: number }): DetectedEvent[] {
    if (!(this.options.afterMs > 0)) return [];
    this.pending.push({ type: raised.type, severity: raised.severity, raisedMono: raised.mono, snapshots: [], lastRecorded: raised.mono });
    return this.pending.length > MAX_PENDING ? [this.followUp(this.pending.shift()!, false)] : [];
  }

  /** Records the sample into the waiting after-parts; returns the follow-ups complete at `now`. */
  step(signals: ElevatorSignals, now: number): DetectedEvent[] {
    let snapshot: Snapshot | undefined;
    // Runs on every sample for afterS after each raise: an indexed loop and no array until one
    // is due (a for-of allocates per step in the launcher's jitless `run`).
    let due: Pending[] | undefined;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (now <= p.raisedMono) continue; // the raise's own sample ends its before-part
      const complete = now - p.raisedMono >= this.options.afterMs;
      if (complete || now - p.lastRecorded >= this.options.sampleEveryMs) {
        snapshot ??= { elevatorId: this.elevatorId, mono: now, signals }; // shared, like BlackBox's: producers never change what they handed over
        p.snapshots.push(snapshot);
        p.lastRecorded = now;
      }
      if (complete) {
        due ??= [];
        due.push(p);
      }
    }
    if (due === undefined) return NONE_DUE;
    this.pending = this.pending.filter((p) => !due.includes(p));
    return due.map((p) => this.followUp(p, true));
  }

  /** Sends every waiting after-part with what it has so far (clean shutdown). */
  flush(): DetectedEvent[] {
    const out = this.pending.map((p) => this.followUp(p, false));
    this.pending = [];
    return out;
  }

  private followUp(p: Pending, complete: boolean): DetectedEvent {
    const last = p.snapshots.at(-1);
    return {
      type: 'blackbox',
      phase: 'instant',
      severity: p.severity,
      mono: p.raisedMono,
      elevatorId: this.elevatorId,
      data: { for: p.type, part: 'after', spanMs: last === undefined ? 0 : last.mono - p.raisedMono, complete },
      blackbox: p.snapshots,
      blackboxFor: { type: p.type, mono: p.raisedMono },
    };
  }
}
