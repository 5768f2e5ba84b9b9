import type { ElevatorSignals, Sample, SignalName } from '../signals/types.js';

/** Each signal's slot in the table of read times. */
const SLOT: { readonly [K in SignalName]: number } = {
  positionMm: 0,
  floor: 1,
  speedMps: 2,
  direction: 3,
  door: 4,
  doorZone: 5,
  levelingErrorMm: 6,
  safetyCircuit: 7,
  doorLockCircuit: 8,
  overspeedSwitch: 9,
  occupied: 10,
  inspection: 11,
  alarmButton: 12,
  mainsPower: 13,
  topFinalLimit: 14,
  bottomFinalLimit: 15,
  controllerFloor: 16,
};

/** A good sample's read time; +Infinity for a bad or absent one (it never holds a rule's time back). */
function goodAt(sample: Sample<unknown> | undefined): number {
  return sample !== undefined && sample.quality === 'good' ? sample.at : Number.POSITIVE_INFINITY;
}

/**
 * The good read times of every signal, read once per step for all the rules of an elevator;
 * each rule then takes the minimum over its inputs' slots (`upTo`).
 */
export class SignalTimes {
  private readonly times = new Float64Array(Object.keys(SLOT).length).fill(Number.POSITIVE_INFINITY);
  /** The slots any rule reads. */
  private readonly used: Uint8Array;
  /** The one read time all used signals share this step, NaN when they differ. */
  private uniform = Number.NaN;

  /** @param used every signal a rule reads. */
  constructor(used: Iterable<SignalName>) {
    this.used = Uint8Array.from(new Set([...used].map((n) => SLOT[n])));
  }

  /** The slots of `names` (among `used`), for `upTo`. */
  slots(names: readonly SignalName[]): Uint8Array {
    return Uint8Array.from(names, (n) => SLOT[n]);
  }

  /**
   * Reads the step's samples. Named reads, one per signal, written out: `signals[name]` in a
   * loop is a megamorphic keyed lookup, and reading through a function per signal costs a call
   * each — this ran on every step for every rule. A signal added to SignalValues must be added
   * here too (SLOT insists on its slot; until then it never holds a rule's time back).
   */
  read(s: ElevatorSignals): void {
    const t = this.times;
    t[SLOT.positionMm] = goodAt(s.positionMm);
    t[SLOT.floor] = goodAt(s.floor);
    t[SLOT.speedMps] = goodAt(s.speedMps);
    t[SLOT.direction] = goodAt(s.direction);
    t[SLOT.door] = goodAt(s.door);
    t[SLOT.doorZone] = goodAt(s.doorZone);
    t[SLOT.levelingErrorMm] = goodAt(s.levelingErrorMm);
    t[SLOT.safetyCircuit] = goodAt(s.safetyCircuit);
    t[SLOT.doorLockCircuit] = goodAt(s.doorLockCircuit);
    t[SLOT.overspeedSwitch] = goodAt(s.overspeedSwitch);
    t[SLOT.occupied] = goodAt(s.occupied);
    t[SLOT.inspection] = goodAt(s.inspection);
    t[SLOT.alarmButton] = goodAt(s.alarmButton);
    t[SLOT.mainsPower] = goodAt(s.mainsPower);
    t[SLOT.topFinalLimit] = goodAt(s.topFinalLimit);
    t[SLOT.bottomFinalLimit] = goodAt(s.bottomFinalLimit);
    t[SLOT.controllerFloor] = goodAt(s.controllerFloor);
    // A poll usually reads every signal at once: then every rule's time is the same and
    // upTo need not look at its inputs one by one.
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.used.length; i++) {
      const at = t[this.used[i]!]!;
      if (at < min) min = at;
      if (at > max) max = at;
    }
    this.uniform = min === max ? min : Number.NaN;
  }

  /** `now`, or the earliest good read among the slots' signals when earlier. */
  upTo(slots: Uint8Array, now: number): number {
    const u = this.uniform;
    if (u === u) return slots.length > 0 && u < now ? u : now; // not NaN: all inputs read at u (or all bad)
    const times = this.times;
    let t = now;
    for (let i = 0; i < slots.length; i++) {
      const at = times[slots[i]!]!;
      if (at < t) t = at;
    }
    return t;
  }
}
