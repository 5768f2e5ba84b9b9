import type { Quality } from '../../drivers/types.js';
import type { ElevatorSignals, SignalName } from '../signals/types.js';

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
  /** `times` as the step before this one left them (`previous`). */
  private readonly before = new Float64Array(Object.keys(SLOT).length).fill(Number.POSITIVE_INFINITY);
  /** Bit per slot any rule reads. */
  private readonly used: number;
  /** The one read time all used signals share this step, NaN when they differ. */
  private uniform = Number.NaN;
  /**
   * The previous step's value and quality, by slot (quality undefined: the signal was absent).
   * Kept as values, written only when they change: not the samples themselves, which the step
   * hands over new each time — storing a new object into this long-lived array costs a write
   * barrier per signal per step.
   */
  private readonly lastValue: unknown[] = new Array<unknown>(Object.keys(SLOT).length).fill(undefined);
  private readonly lastQuality: (Quality | undefined)[] = new Array<Quality | undefined>(Object.keys(SLOT).length).fill(undefined);
  /** The `at` of each slot's sample when it last changed quality or, while bad, read time. */
  private readonly lastBadAt = new Float64Array(Object.keys(SLOT).length);
  /** Bit per slot: its value or quality differs from the previous step's. */
  private changedBits = 0;
  /** Bit per slot: its quality differs, or it reads bad with another `at` than on the previous step. */
  private readabilityBits = 0;

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

  /**
   * A bit per slot (as `mask` sets them) whose signal changed quality since the previous step, or
   * reads bad with another time of its last good read: what a rule's `readsQuality` watches.
   */
  get readabilityChanged(): number {
    return this.readabilityBits;
  }

  /** The slots of `names` (among `used`), for `upTo`. */
  slots(names: readonly SignalName[]): Uint8Array {
    return Uint8Array.from(names, (n) => SLOT[n]);
  }

  /**
   * Reads the step's samples: their read times, and which changed since the previous step.
   * Named reads, one per signal, written out into a local array: `signals[name]` in a loop is a
   * megamorphic keyed lookup, and a method called per signal was slower (V8 inlined 7 of 17).
   * A signal added to SignalValues must be added here too, in its SLOT order (until then it never
   * holds a rule's time back nor wakes a rule).
   */
  read(s: ElevatorSignals): void {
    const c = [
      s.positionMm,
      s.floor,
      s.speedMps,
      s.direction,
      s.door,
      s.doorZone,
      s.levelingErrorMm,
      s.safetyCircuit,
      s.doorLockCircuit,
      s.overspeedSwitch,
      s.occupied,
      s.inspection,
      s.alarmButton,
      s.mainsPower,
      s.topFinalLimit,
      s.bottomFinalLimit,
      s.controllerFloor,
    ];
    const times = this.times;
    const before = this.before;
    const lastValue = this.lastValue;
    const lastQuality = this.lastQuality;
    const lastBadAt = this.lastBadAt;
    const used = this.used;
    let changed = 0;
    let readability = 0;
    // A poll usually reads every signal at once: then every rule's time is the same and
    // upTo need not look at its inputs one by one.
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < c.length; slot++) {
      const sample = c[slot];
      // A bad or absent signal's time is +Infinity: it never holds a rule's time back.
      let at = Number.POSITIVE_INFINITY;
      if (sample === undefined) {
        if (lastQuality[slot] !== undefined) {
          changed |= 1 << slot;
          readability |= 1 << slot;
          lastQuality[slot] = undefined;
          lastValue[slot] = undefined;
        }
      } else {
        const quality = sample.quality;
        const value = sample.value;
        if (quality !== lastQuality[slot]) {
          changed |= 1 << slot;
          readability |= 1 << slot;
          lastQuality[slot] = quality;
          lastValue[slot] = value;
          lastBadAt[slot] = sample.at;
        } else {
          if (value !== lastValue[slot]) {
            changed |= 1 << slot;
            lastValue[slot] = value;
          }
          if (quality !== 'good' && sample.at !== lastBadAt[slot]) {
            readability |= 1 << slot;
            lastBadAt[slot] = sample.at;
          }
        }
        if (quality === 'good') at = sample.at;
      }
      before[slot] = times[slot]!;
      times[slot] = at;
      if (((used >>> slot) & 1) !== 0) {
        if (at < min) min = at;
        if (at > max) max = at;
      }
    }
    this.changedBits = changed;
    this.readabilityBits = readability;
    this.uniform = min === max ? min : Number.NaN;
  }

  /**
   * When `name` was last read good as of the step before this one (the `at` of that step's
   * sample); +Infinity when that step had it bad or absent, or there was none. A rule that sleeps
   * while its reads stay the same (Rule.reads) learns from it how long a value it slept on was
   * still being read (floor-position-lost's jump detector).
   */
  previous(name: SignalName): number {
    return this.before[SLOT[name]]!;
  }

  /**
   * When every used signal was read at the same time this step, what `upTo` gives for any
   * non-empty slots (that time, or `now` when earlier); NaN when they were read at different times.
   */
  common(now: number): number {
    const u = this.uniform;
    return Number.isNaN(u) || u < now ? u : now;
  }

  /**
   * `now`, or the earliest good read among the slots' signals when earlier. Asked only on a step
   * whose inputs were read at different times (`common` is NaN): otherwise `common` says it.
   */
  upTo(slots: Uint8Array, now: number): number {
    const times = this.times;
    let t = now;
    for (let i = 0; i < slots.length; i++) {
      const at = times[slots[i]!]!;
      if (at < t) t = at;
    }
    return t;
  }
}
