import type { RawPoint, Quality } from '../../drivers/types.js';
import type { BoardProfile, RawSignal } from '../config/board.js';
import { doorState, directionOf, levelingError, nearestFloor, SpeedEstimator } from './derive.js';
import { FUSED_SIGNALS, type FusedInput, type FusedSignals, fusedSignalsFor } from './fusion/fused-signals.js';
import type { LearnedShaft } from './fusion/shaft.js';
import type { DoorState, ElevatorSignals, Sample, SignalName } from './types.js';

export interface NormalizerOptions {
  floorLevelsMm: readonly number[];
  stationaryMps: number;
  /**
   * The staleness window: a reading keeps its last good value until that value is older than
   * this, so a failed poll on a noisy line is not a dead sensor box; only a longer gap makes it
   * unknown (see `staleWindowMs`).
   */
  staleAfterMs: number;
  /** A retrofit board's learned shaft (`elevators[].shaft`), for its fusion. */
  shaft?: LearnedShaft | undefined;
}

/**
 * The one staleness policy of every pipeline (gateway, diag, tests): 3 s, or five periods of the
 * board's slowest poll group, or the board's own `staleAfterMs` for push sources — whichever is
 * longest. At 100 ms polls that takes 30 failed polls in a row, which a line losing even 10 % of
 * its frames practically never produces, while a dead bus still reads unknown within seconds.
 */
export function staleWindowMs(board: BoardProfile): number {
  const slowestPoll = Math.max(0, ...board.pollGroups.map((g) => g.intervalMs));
  const own = 'staleAfterMs' in board && typeof board.staleAfterMs === 'number' ? board.staleAfterMs : 0;
  return Math.max(3000, 5 * slowestPoll, own);
}

/** The last good reading of an input and the monotonic time it was read. */
interface Input {
  value: number | boolean;
  quality: Quality;
  at: number;
}

/**
 * A provided input's record, made at construction and updated in place: `read` is false until its
 * first good reading (its value and time mean nothing before that).
 */
interface Held extends Input {
  read: boolean;
  /** When its last good reading was asked for (RawPoint.askedAt, or its `at`). */
  askedAt: number;
}

/** A profile point with a signal: how its raw value becomes the signal's, and the signal's record. */
interface PointMap {
  signal: RawSignal;
  scale: number;
  offset: number;
  invert: boolean;
  held: Held;
}

/** The records `snapshot` reads by name, resolved once: absent for a signal the board does not provide. */
type NamedInputs = { readonly [K in RawSignal]?: Held };

/**
 * Raw points → ElevatorSignals through the board profile: scale/offset/inversion per point,
 * then derived signals (floor, direction, door state, door zone, leveling error).
 * Holds only the latest value per input; memory is bounded by the profile.
 *
 * Quality and age: a failed read never replaces a value. Each signal keeps its last good value
 * and the time it was read (`at`); it reads 'bad' only once that is older than the staleness
 * window. A bad sample's `at` is therefore always the time of its last good read (or, for a
 * signal never read, when this normalizer first looked), which is what sensor-lost counts from:
 * no second hold is stacked on the window.
 *
 * Frozen controller: when the board has a `heartbeat` point and its value has not changed for
 * the board's `heartbeat.frozenAfterMs` while reads still succeed, every signal reads 'bad' — the
 * controller answers, but with stale data — and counts as unread since the heartbeat last
 * changed, so sensor-lost raises at that change + max(frozenAfterMs, its hold), not later.
 * Done here, not in a rule, because quality is this layer's business.
 */
export class SignalNormalizer {
  private readonly byPoint = new Map<string, PointMap>();
  /**
   * The maps of the last poll's points by position, and their names: a driver hands the same
   * points in the same order every poll, so `update` finds each point's map by an identity check
   * of its name instead of a lookup in `byPoint` (a poll's points are read every 10 ms).
   */
  private readonly lastNames: string[] = [];
  private readonly lastMaps: (PointMap | undefined)[] = [];
  /** Every provided signal's record, by signal. */
  private readonly inputs: NamedInputs;
  private readonly provided: Set<RawSignal>;
  private door: DoorState = 'unknown';
  private readonly speedEstimator = new SpeedEstimator();
  private readonly frozenAfterMs: number;
  /** The heartbeat's last good value and when it last changed. */
  private heartbeat?: { value: number | boolean; changedAt: number };
  /** When this normalizer first took a snapshot: a signal never read good is unread since then. */
  private firstLookAt?: number;
  /** The last position `landing` was asked about, and its landing and distance from it. */
  private landingMm = Number.NaN;
  private landingFloor = 0;
  private landingErrorMm = 0;
  /** A retrofit board's position and speed come from its sensors' fusion (src/signals/fusion). */
  readonly fusion: FusedSignals | undefined;

  constructor(
    board: BoardProfile,
    private readonly opts: NormalizerOptions,
  ) {
    const inputs: { [K in RawSignal]?: Held } = {};
    for (const p of board.points) {
      if (!p.signal) continue;
      const held = inputs[p.signal] ?? { value: false, quality: 'good', at: Number.NEGATIVE_INFINITY, askedAt: Number.NEGATIVE_INFINITY, read: false };
      inputs[p.signal] = held;
      this.byPoint.set(p.name, { signal: p.signal, scale: p.scale, offset: p.offset, invert: p.invert, held });
    }
    this.inputs = inputs;
    this.provided = new Set([...this.byPoint.values()].map((p) => p.signal));
    this.frozenAfterMs = ('heartbeat' in board ? board.heartbeat?.frozenAfterMs : undefined) ?? 10_000;
    this.fusion = fusedSignalsFor(board, { floorLevelsMm: opts.floorLevelsMm, staleAfterMs: opts.staleAfterMs, shaft: opts.shaft });
  }

  /** The signals that come from the fusion of a retrofit board's sensors (empty for any other board). */
  fused(): Set<SignalName> {
    return new Set(this.fusion ? FUSED_SIGNALS : []);
  }

  /**
   * The board's heartbeat was still read good, unchanged, frozenAfterMs after its last change
   * (false when it has none or never read good). Counted to its last good read, not to `now`: a
   * board that falls silent has not been seen frozen, and its signals go bad by staleness,
   * counted from their own last read (a silent box is sensor-lost 10 s after its last frame).
   */
  heartbeatFrozen(now: number): boolean {
    const hb = this.heartbeat;
    const read = this.inputs.heartbeat;
    return hb !== undefined && read !== undefined && Math.min(read.at, now) - hb.changedAt >= this.frozenAfterMs;
  }

  /** The signals this board yields (so the engine can arm rules and report the rest). */
  available(): Set<SignalName> {
    const has = (s: RawSignal) => this.provided.has(s);
    const out = new Set<SignalName>();
    const direct: RawSignal[] = [...DIRECT_BOOLEANS, 'controllerFloor'];
    for (const s of direct) if (has(s)) out.add(s as SignalName);
    if (has('positionMm') || this.fusion) out.add('positionMm').add('floor').add('levelingErrorMm');
    if (has('speedMps') || has('positionMm') || this.fusion) out.add('speedMps').add('direction');
    if (has('doorClosed') || has('doorOpen') || has('doorState')) out.add('door');
    if (has('doorZone') || (has('doorZoneUpper') && has('doorZoneLower'))) out.add('doorZone');
    return out;
  }

  update(points: readonly RawPoint[]): void {
    let fused: FusedInput[] | undefined;
    // Indexed loops here and in `snapshot`: they run every poll, and in the launcher's jitless
    // `run` (--lite-mode) each step of a for-of allocates its iterator result.
    for (let n = 0; n < points.length; n++) {
      const p = points[n]!;
      const map = this.lastNames[n] === p.point ? this.lastMaps[n] : this.mapOf(n, p.point);
      // A failed read tells nothing new: the last good value stands until the window passes.
      if (!map || p.quality !== 'good') continue;
      let value: number | boolean = p.value;
      if (typeof value === 'number') value = value * map.scale + map.offset;
      else if (map.invert) value = !value;
      if (this.fusion?.wants(map.signal)) {
        fused ??= [];
        fused.push({ signal: map.signal, value, at: p.at });
      }
      // Several readings of one point in a poll (a FIFO, a contact's edges): the latest stands.
      const held = map.held;
      if (held.read && held.at > p.at) continue;
      // Updated in place: every poll reads every input, and a record never leaves this class (snapshot copies).
      held.value = value;
      held.at = p.at;
      held.askedAt = p.askedAt ?? p.at;
      held.read = true;
      if (map.signal === 'heartbeat' && this.heartbeat?.value !== value) this.heartbeat = { value, changedAt: p.at };
      if (map.signal === 'positionMm' && typeof value === 'number' && !this.provided.has('speedMps')) {
        this.speedEstimator.update(value, p.at, held.askedAt);
      }
    }
    if (fused) this.fusion?.update(fused);
  }

  /** The map of the point at position `n` of a poll, remembered for the next poll's `update`. */
  private mapOf(n: number, point: string): PointMap | undefined {
    const map = this.byPoint.get(point);
    this.lastNames[n] = point;
    this.lastMaps[n] = map;
    return map;
  }

  /**
   * An input as it reads at `now` (undefined: the board does not provide it): bad while never
   * read, once older than the staleness window, or while the controller is frozen.
   */
  private read(i: Held | undefined, now: number, frozenSince: number | undefined): Input | undefined {
    if (!i) return undefined;
    if (!i.read) return { value: false, quality: 'bad', at: this.firstLookAt! };
    if (frozenSince !== undefined) return { value: i.value, quality: 'bad', at: Math.min(i.at, frozenSince) };
    return now - i.at > this.opts.staleAfterMs ? { value: i.value, quality: 'bad', at: i.at } : i;
  }

  /** A contact's sample at `now`: `read`, made a boolean sample in one step (the poll's nine contacts). */
  private flag(i: Held, now: number, frozenSince: number | undefined): Sample<boolean> {
    if (!i.read) return { value: false, quality: 'bad', at: this.firstLookAt! };
    if (frozenSince !== undefined) return { value: Boolean(i.value), quality: 'bad', at: Math.min(i.at, frozenSince) };
    return { value: Boolean(i.value), quality: now - i.at > this.opts.staleAfterMs ? 'bad' : 'good', at: i.at };
  }

  /** The nearest landing's index for a position, and the position's distance from it (mm). */
  private landing(mm: number): void {
    if (mm === this.landingMm) return; // a car standing: the same position poll after poll
    this.landingMm = mm;
    this.landingFloor = nearestFloor(this.opts.floorLevelsMm, mm);
    this.landingErrorMm = levelingError(this.opts.floorLevelsMm, mm);
  }

  snapshot(now: number): ElevatorSignals {
    const s: ElevatorSignals = {};
    this.firstLookAt ??= now;
    const frozenSince = this.heartbeatFrozen(now) ? this.heartbeat!.changedAt : undefined;
    const inputs = this.inputs;
    // Named stores, in DIRECT_BOOLEANS' order, rather than a loop over the names: a keyed store
    // into the new snapshot is megamorphic, and in the launcher's interpreter-only `run` each
    // such store takes V8's slow path; a named one follows the same shape every poll.
    if (inputs.safetyCircuit) s.safetyCircuit = this.flag(inputs.safetyCircuit, now, frozenSince);
    if (inputs.doorLockCircuit) s.doorLockCircuit = this.flag(inputs.doorLockCircuit, now, frozenSince);
    if (inputs.overspeedSwitch) s.overspeedSwitch = this.flag(inputs.overspeedSwitch, now, frozenSince);
    if (inputs.occupied) s.occupied = this.flag(inputs.occupied, now, frozenSince);
    if (inputs.inspection) s.inspection = this.flag(inputs.inspection, now, frozenSince);
    if (inputs.alarmButton) s.alarmButton = this.flag(inputs.alarmButton, now, frozenSince);
    if (inputs.mainsPower) s.mainsPower = this.flag(inputs.mainsPower, now, frozenSince);
    if (inputs.topFinalLimit) s.topFinalLimit = this.flag(inputs.topFinalLimit, now, frozenSince);
    if (inputs.bottomFinalLimit) s.bottomFinalLimit = this.flag(inputs.bottomFinalLimit, now, frozenSince);
    const cf = this.read(inputs.controllerFloor, now, frozenSince);
    if (cf) s.controllerFloor = { value: Number(cf.value), quality: cf.quality, at: cf.at };

    const pos = this.fusion ? this.fusion.position(now) : this.read(inputs.positionMm, now, frozenSince);
    // A good held reading is its own record (`read` returns it): the request time of its last poll.
    const posAskedAt = pos !== undefined && pos === inputs.positionMm ? inputs.positionMm.askedAt : (pos?.at ?? 0);
    if (pos) {
      const mm = Number(pos.value);
      this.landing(mm);
      // A polled one's request time too: a step of the position is judged against how long the
      // car had. Absent when it is `at` (a pushed reading), as the sample type has it.
      s.positionMm = posAskedAt < pos.at ? { value: mm, quality: pos.quality, at: pos.at, askedAt: posAskedAt } : { value: mm, quality: pos.quality, at: pos.at };
      s.floor = { value: this.landingFloor, quality: pos.quality, at: pos.at };
      s.levelingErrorMm = this.fusion ? this.fusion.levelingError(now) : { value: this.landingErrorMm, quality: pos.quality, at: pos.at };
    }
    const spd = this.fusion ? this.fusion.speed(now) : this.read(inputs.speedMps, now, frozenSince);
    const speed = spd
      ? { value: Number(spd.value), quality: spd.quality, at: spd.at }
      : pos
        ? { value: this.speedEstimator.update(Number(pos.value), pos.at, posAskedAt), quality: pos.quality, at: pos.at }
        : undefined;
    if (speed) {
      s.speedMps = speed;
      s.direction = { value: directionOf(speed.value, this.opts.stationaryMps), quality: speed.quality, at: speed.at };
    }

    const closed = this.read(inputs.doorClosed, now, frozenSince);
    const open = this.read(inputs.doorOpen, now, frozenSince);
    const operator = this.read(inputs.doorState, now, frozenSince);
    if (operator) {
      // A door-operator state register says which way the door moves; end contacts cannot.
      this.door = operator.quality === 'good' ? (DOOR_STATE_CODES[Number(operator.value)] ?? 'unknown') : 'unknown';
      s.door = { value: this.door, quality: operator.quality, at: operator.at };
    } else if (closed || open) {
      // Between its ends the door's way comes from the end it left; after a gap in its contacts
      // that end is not known (it may have opened and be closing), so the gap forgets it.
      const quality = worst(closed, open);
      this.door = quality === 'good' ? doorState(asBool(closed), asBool(open), this.door) : 'unknown';
      s.door = { value: this.door, quality, at: Math.min(closed?.at ?? now, open?.at ?? now) };
    }

    const zone = this.read(inputs.doorZone, now, frozenSince);
    const up = this.read(inputs.doorZoneUpper, now, frozenSince);
    const low = this.read(inputs.doorZoneLower, now, frozenSince);
    if (zone) s.doorZone = { value: Boolean(zone.value), quality: zone.quality, at: zone.at };
    else if (up && low) s.doorZone = { value: Boolean(up.value) && Boolean(low.value), quality: worst(up, low), at: Math.min(up.at, low.at) };
    return s;
  }
}

const DOOR_STATE_CODES: readonly DoorState[] = ['closed', 'opening', 'open', 'closing'];

/** Signals a board's point gives as they are (contacts and switches); `snapshot` writes each by name, so one added here goes there too. */
const DIRECT_BOOLEANS = [
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
] as const satisfies readonly (RawSignal & SignalName)[];

function asBool(i: Input | undefined): boolean | undefined {
  return i ? Boolean(i.value) : undefined;
}

/** The worse quality of two inputs (an absent one counts as good). Two parameters, not a rest array: it runs every poll. */
function worst(a: Input | undefined, b: Input | undefined): Quality {
  return a?.quality === 'bad' || b?.quality === 'bad' ? 'bad' : 'good';
}
