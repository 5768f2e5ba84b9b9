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

/**
 * The good read times of every signal, read once per step for all the rules of an elevator;
 * each rule then takes the minimum over its inputs' slots (`upTo`).
 */
export class SignalTimes {
  private readonly times = new Float64Array(Object.keys(SLOT).length).fill(Number.POSITIVE_INFINITY);
  /** Bit per slot any rule reads. */
  private readonly used: number;
  /** The one read time all used signals share this step, NaN when they differ. */
  private uniform = Number.NaN;
  /** The samples of this step and of the previous one, by slot. */
  private readonly current: (Sample<unknown> | undefined)[] = new Array<Sample<unknown> | undefined>(Object.keys(SLOT).length).fill(undefined);
  private readonly last: (Sample<unknown> | undefined)[] = new Array<Sample<unknown> | undefined>(Object.keys(SLOT).length).fill(undefined);
  /** Bit per slot: its value or quality differs from the previous step's. */
  private changedBits = 0;

  /** @param used every signal a rule reads. */
  constructor(used: Iterable<SignalName>) {
    this.used = this.mask([...used]);
  }

  /** The bit mask of `names`' slots, as `changed` sets them. */
  mask(names: readonly SignalName[]): number {
    let m = 0;
    for (const n of names) m |= 1 << SLOT[n];
    return m;
  }

  /** A bit per slot (as `mask` sets them) whose signal changed value or quality since the previous step. */
  get changed(): number {
    return this.changedBits;
  }

  /** The slots of `names` (among `used`), for `upTo`. */
  slots(names: readonly SignalName[]): Uint8Array {
    return Uint8Array.from(names, (n) => SLOT[n]);
  }

  /**
   * Reads the step's samples: their read times, and which changed since the previous step.
   * Named reads, one per signal, written out: `signals[name]` in a loop is a megamorphic keyed
   * lookup. Then one loop over the slots: the same work as a method called per signal, without
   * the calls (V8 inlined 7 of 17). A signal added to SignalValues must be added here too (SLOT
   * insists on its slot; until then it never holds a rule's time back).
   */
  read(s: ElevatorSignals): void {
    const c = this.current;
    c[SLOT.positionMm] = s.positionMm;
    c[SLOT.floor] = s.floor;
    c[SLOT.speedMps] = s.speedMps;
    c[SLOT.direction] = s.direction;
    c[SLOT.door] = s.door;
    c[SLOT.doorZone] = s.doorZone;
    c[SLOT.levelingErrorMm] = s.levelingErrorMm;
    c[SLOT.safetyCircuit] = s.safetyCircuit;
    c[SLOT.doorLockCircuit] = s.doorLockCircuit;
    c[SLOT.overspeedSwitch] = s.overspeedSwitch;
    c[SLOT.occupied] = s.occupied;
    c[SLOT.inspection] = s.inspection;
    c[SLOT.alarmButton] = s.alarmButton;
    c[SLOT.mainsPower] = s.mainsPower;
    c[SLOT.topFinalLimit] = s.topFinalLimit;
    c[SLOT.bottomFinalLimit] = s.bottomFinalLimit;
    c[SLOT.controllerFloor] = s.controllerFloor;
    const times = this.times;
    const last = this.last;
    const used = this.used;
    let changed = 0;
    // A poll usually reads every signal at once: then every rule's time is the same and
    // upTo need not look at its inputs one by one.
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < c.length; slot++) {
      const sample = c[slot];
      const previous = last[slot];
      last[slot] = sample;
      // A bad or absent signal's time is +Infinity: it never holds a rule's time back.
      const at = sample !== undefined && sample.quality === 'good' ? sample.at : Number.POSITIVE_INFINITY;
      times[slot] = at;
      if (((used >>> slot) & 1) !== 0) {
        if (at < min) min = at;
        if (at > max) max = at;
      }
      if (sample !== previous && (sample === undefined || previous === undefined || sample.value !== previous.value || sample.quality !== previous.quality)) changed |= 1 << slot;
    }
    this.changedBits = changed;
    this.uniform = min === max ? min : Number.NaN;
  }

  /**
   * When every used signal was read at the same time this step, what `upTo` gives for any
   * non-empty slots (that time, or `now` when earlier); NaN when they were read at different times.
   */
  common(now: number): number {
    const u = this.uniform;
    return Number.isNaN(u) || u < now ? u : now;
  }

  /** `now`, or the earliest good read among the slots' signals when earlier. */
  upTo(slots: Uint8Array, now: number): number {
    const u = this.uniform;
    if (!Number.isNaN(u)) return slots.length > 0 && u < now ? u : now; // all inputs read at u (or all bad)
    const times = this.times;
    let t = now;
    for (let i = 0; i < slots.length; i++) {
      const at = times[slots[i]!]!;
      if (at < t) t = at;
    }
    return t;
  }
}
