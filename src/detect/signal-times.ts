import type { ElevatorSignals, Sample, SignalName } from '../signals/types.js';

/**
 * One reader per signal, each a named property read. `signals[name]` in a loop over names is a
 * megamorphic keyed lookup — what a step spent most of its time on when every rule looked up
 * its own inputs by name. The mapped type makes the compiler insist on every signal.
 */
const READERS: { readonly [K in SignalName]: (s: ElevatorSignals) => Sample<unknown> | undefined } = {
  positionMm: (s) => s.positionMm,
  floor: (s) => s.floor,
  speedMps: (s) => s.speedMps,
  direction: (s) => s.direction,
  door: (s) => s.door,
  doorZone: (s) => s.doorZone,
  levelingErrorMm: (s) => s.levelingErrorMm,
  safetyCircuit: (s) => s.safetyCircuit,
  doorLockCircuit: (s) => s.doorLockCircuit,
  overspeedSwitch: (s) => s.overspeedSwitch,
  occupied: (s) => s.occupied,
  inspection: (s) => s.inspection,
  alarmButton: (s) => s.alarmButton,
  mainsPower: (s) => s.mainsPower,
  topFinalLimit: (s) => s.topFinalLimit,
  bottomFinalLimit: (s) => s.bottomFinalLimit,
  controllerFloor: (s) => s.controllerFloor,
};

/**
 * The good read times of a chosen set of signals, read once per step for all the rules of an
 * elevator: each rule then takes the minimum over its inputs' slots (`upTo`).
 */
export class SignalTimes {
  private readonly readers: ((s: ElevatorSignals) => Sample<unknown> | undefined)[];
  private readonly times: Float64Array;
  private readonly slot = new Map<SignalName, number>();

  constructor(names: Iterable<SignalName>) {
    for (const name of names) if (!this.slot.has(name)) this.slot.set(name, this.slot.size);
    this.readers = [...this.slot.keys()].map((name) => READERS[name]);
    this.times = new Float64Array(this.slot.size);
  }

  /** The slots of `names` (each must be among those given to the constructor). */
  slots(names: readonly SignalName[]): Uint8Array {
    return Uint8Array.from(names, (n) => this.slot.get(n)!);
  }

  /** Reads the step's samples: a good one's `at`, +Infinity for a bad or absent one (it never holds a time back). */
  read(s: ElevatorSignals): void {
    const { readers, times } = this;
    for (let i = 0; i < readers.length; i++) {
      const sample = readers[i]!(s);
      times[i] = sample !== undefined && sample.quality === 'good' ? sample.at : Number.POSITIVE_INFINITY;
    }
  }

  /** `now`, or the earliest good read among the slots' signals when earlier. */
  upTo(slots: Uint8Array, now: number): number {
    let t = now;
    for (let i = 0; i < slots.length; i++) {
      const at = this.times[slots[i]!]!;
      if (at < t) t = at;
    }
    return t;
  }
}
