import type { ElevatorSignals, Snapshot } from '../signals/types.js';

export interface BlackBoxOptions {
  /** How much history a raised fault carries. */
  beforeMs: number;
  /** How much after it the follow-up `blackbox` event carries (see AfterRecorder); 0 = none. */
  afterMs: number;
  /** Snapshots are down-sampled to at most one per this period. */
  sampleEveryMs: number;
}

const DEFAULT_BLACKBOX: BlackBoxOptions = { beforeMs: 30_000, afterMs: 5_000, sampleEveryMs: 500 };

/**
 * The flight recorder: a fixed-size ring of down-sampled snapshots covering the last `beforeMs`.
 * Memory is bounded by beforeMs / sampleEveryMs + 1 snapshots whatever the input rate.
 *
 * The ring keeps the step's signals by reference, and so do the snapshots `before` hands out:
 * every producer (the normalizer, replay, the simulators) builds new signals and samples for
 * each step and never changes what it has handed to the engine. Copying them cost more than a
 * rule per recorded step, and a third of a millisecond on the raise itself, on its way out.
 */
export class BlackBox {
  private readonly ring: (ElevatorSignals | undefined)[];
  private readonly monos: Float64Array;
  private next = 0;
  private lastRecorded = -Infinity;

  /** `onRecord`: told of each snapshot the ring keeps (the gateway encodes its row for the payload then). */
  constructor(
    private readonly elevatorId: string,
    private readonly options: BlackBoxOptions = DEFAULT_BLACKBOX,
    private readonly onRecord?: (signals: ElevatorSignals) => void,
  ) {
    if (!(options.sampleEveryMs > 0)) throw new RangeError(`blackbox sampleEveryMs must be > 0, got ${options.sampleEveryMs}`); // config validation prevents it
    const capacity = Math.floor(options.beforeMs / options.sampleEveryMs) + 1;
    this.ring = new Array<ElevatorSignals | undefined>(capacity).fill(undefined);
    this.monos = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.ring.length;
  }

  record(signals: ElevatorSignals, now: number): void {
    if (now - this.lastRecorded < this.options.sampleEveryMs) return;
    this.lastRecorded = now;
    this.ring[this.next] = signals;
    this.monos[this.next] = now;
    this.next = (this.next + 1) % this.ring.length;
    this.onRecord?.(signals);
  }

  /**
   * Snapshots of the last `beforeMs` up to `now`, oldest first, ending with the moment itself
   * (`current`) even when down-sampling skipped it.
   */
  before(now: number, current: ElevatorSignals): Snapshot[] {
    const out: Snapshot[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const k = (this.next + i) % this.ring.length;
      const signals = this.ring[k];
      const mono = this.monos[k]!;
      if (signals !== undefined && mono >= now - this.options.beforeMs && mono <= now) out.push({ elevatorId: this.elevatorId, mono, signals });
    }
    if (out.at(-1)?.mono !== now) out.push({ elevatorId: this.elevatorId, mono: now, signals: current });
    return out;
  }
}
