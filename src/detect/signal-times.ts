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
  /** The slots any rule reads. */
  private readonly used: Uint8Array;
  /** The one read time all used signals share this step, NaN when they differ. */
  private uniform = Number.NaN;
  /** The samples of the previous step, by slot. */
  private readonly last: (Sample<unknown> | undefined)[] = new Array<Sample<unknown> | undefined>(Object.keys(SLOT).length).fill(undefined);
  /** Bit per slot: its value or quality differs from the previous step's. */
  private changedBits = 0;

  /** @param used every signal a rule reads. */
  constructor(used: Iterable<SignalName>) {
    this.used = Uint8Array.from(new Set([...used].map((n) => SLOT[n])));
  }

  /** The bit mask of `names`' slots, for `unchanged`. */
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
   * Named reads, one per signal, written out: `signals[name]` in a
   * loop is a megamorphic keyed lookup, and reading through a function per signal costs a call
   * each — this ran on every step for every rule. A signal added to SignalValues must be added
   * here too (SLOT insists on its slot; until then it never holds a rule's time back).
   */
  read(s: ElevatorSignals): void {
    this.changedBits = 0;
    this.take(SLOT.positionMm, s.positionMm);
    this.take(SLOT.floor, s.floor);
    this.take(SLOT.speedMps, s.speedMps);
    this.take(SLOT.direction, s.direction);
    this.take(SLOT.door, s.door);
    this.take(SLOT.doorZone, s.doorZone);
    this.take(SLOT.levelingErrorMm, s.levelingErrorMm);
    this.take(SLOT.safetyCircuit, s.safetyCircuit);
    this.take(SLOT.doorLockCircuit, s.doorLockCircuit);
    this.take(SLOT.overspeedSwitch, s.overspeedSwitch);
    this.take(SLOT.occupied, s.occupied);
    this.take(SLOT.inspection, s.inspection);
    this.take(SLOT.alarmButton, s.alarmButton);
    this.take(SLOT.mainsPower, s.mainsPower);
    this.take(SLOT.topFinalLimit, s.topFinalLimit);
    this.take(SLOT.bottomFinalLimit, s.bottomFinalLimit);
    this.take(SLOT.controllerFloor, s.controllerFloor);
    const t = this.times;
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

  /** One signal: its good read time (+Infinity for a bad or absent one: it never holds a rule's time back) and whether it changed. */
  private take(slot: number, sample: Sample<unknown> | undefined): void {
    this.times[slot] = sample !== undefined && sample.quality === 'good' ? sample.at : Number.POSITIVE_INFINITY;
    const last = this.last[slot];
    if (sample !== last && (sample === undefined || last === undefined || sample.value !== last.value || sample.quality !== last.quality)) this.changedBits |= 1 << slot;
    this.last[slot] = sample;
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
