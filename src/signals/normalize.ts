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
  private readonly byPoint: Map<string, { signal: RawSignal; scale: number; offset: number; invert: boolean }>;
  private readonly inputs = new Map<RawSignal, Input>();
  private readonly provided: Set<RawSignal>;
  private door: DoorState = 'unknown';
  private readonly speedEstimator = new SpeedEstimator();
  private readonly frozenAfterMs: number;
  /** The heartbeat's last good value and when it last changed. */
  private heartbeat?: { value: number | boolean; changedAt: number };
  /** When this normalizer first took a snapshot: a signal never read good is unread since then. */
  private firstLookAt?: number;
  /** A retrofit board's position and speed come from its sensors' fusion (src/signals/fusion). */
  readonly fusion: FusedSignals | undefined;

  constructor(
    board: BoardProfile,
    private readonly opts: NormalizerOptions,
  ) {
    this.byPoint = new Map();
    for (const p of board.points) {
      if (p.signal) this.byPoint.set(p.name, { signal: p.signal, scale: p.scale, offset: p.offset, invert: p.invert });
    }
    this.provided = new Set([...this.byPoint.values()].map((p) => p.signal));
    this.frozenAfterMs = ('heartbeat' in board ? board.heartbeat?.frozenAfterMs : undefined) ?? 10_000;
    this.fusion = fusedSignalsFor(board, { floorLevelsMm: opts.floorLevelsMm, staleAfterMs: opts.staleAfterMs, shaft: opts.shaft });
  }

  /** The signals that come from the fusion of a retrofit board's sensors (empty for any other board). */
  fused(): Set<SignalName> {
    return new Set(this.fusion ? FUSED_SIGNALS : []);
  }

  /** The board's heartbeat has not changed for frozenAfterMs (false when it has none or never read good). */
  heartbeatFrozen(now: number): boolean {
    return this.heartbeat !== undefined && now - this.heartbeat.changedAt >= this.frozenAfterMs;
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
      const map = this.byPoint.get(p.point);
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
      const held = this.inputs.get(map.signal);
      if (held && held.at > p.at) continue;
      // Updated in place: every poll reads every input, and an input never leaves this class (snapshot copies).
      if (held) {
        held.value = value;
        held.at = p.at;
      } else this.inputs.set(map.signal, { value, quality: 'good', at: p.at });
      if (map.signal === 'heartbeat' && this.heartbeat?.value !== value) this.heartbeat = { value, changedAt: p.at };
      if (map.signal === 'positionMm' && typeof value === 'number' && !this.provided.has('speedMps')) {
        this.speedEstimator.update(value, p.at);
      }
    }
    if (fused) this.fusion?.update(fused);
  }

  /** An input as it reads at `now`: bad once older than the staleness window, or while the controller is frozen. */
  private read(k: RawSignal, now: number, frozenSince: number | undefined): Input | undefined {
    const i = this.inputs.get(k);
    if (!i) return this.provided.has(k) ? { value: false, quality: 'bad', at: this.firstLookAt! } : undefined;
    if (frozenSince !== undefined) return { ...i, quality: 'bad', at: Math.min(i.at, frozenSince) };
    return now - i.at > this.opts.staleAfterMs ? { ...i, quality: 'bad' } : i;
  }

  snapshot(now: number): ElevatorSignals {
    const s: ElevatorSignals = {};
    this.firstLookAt ??= now;
    const frozenSince = this.heartbeatFrozen(now) ? this.heartbeat!.changedAt : undefined;
    const input = (k: RawSignal): Input | undefined => this.read(k, now, frozenSince);
    for (let n = 0; n < DIRECT_BOOLEANS.length; n++) {
      const k = DIRECT_BOOLEANS[n]!;
      const i = input(k);
      if (i) (s as Record<string, Sample<boolean>>)[k] = { value: Boolean(i.value), quality: i.quality, at: i.at };
    }
    const cf = input('controllerFloor');
    if (cf) s.controllerFloor = { value: Number(cf.value), quality: cf.quality, at: cf.at };

    const pos = this.fusion ? this.fusion.position(now) : input('positionMm');
    if (pos) {
      const mm = Number(pos.value);
      s.positionMm = { value: mm, quality: pos.quality, at: pos.at };
      s.floor = { value: nearestFloor(this.opts.floorLevelsMm, mm), quality: pos.quality, at: pos.at };
      s.levelingErrorMm = this.fusion ? this.fusion.levelingError(now) : { value: levelingError(this.opts.floorLevelsMm, mm), quality: pos.quality, at: pos.at };
    }
    const spd = this.fusion ? this.fusion.speed(now) : input('speedMps');
    const speed = spd
      ? { value: Number(spd.value), quality: spd.quality, at: spd.at }
      : pos
        ? { value: this.speedEstimator.update(Number(pos.value), pos.at), quality: pos.quality, at: pos.at }
        : undefined;
    if (speed) {
      s.speedMps = speed;
      s.direction = { value: directionOf(speed.value, this.opts.stationaryMps), quality: speed.quality, at: speed.at };
    }

    const closed = input('doorClosed');
    const open = input('doorOpen');
    const operator = input('doorState');
    if (operator) {
      // A door-operator state register says which way the door moves; end contacts cannot.
      const good = operator.quality === 'good';
      if (good) this.door = DOOR_STATE_CODES[Number(operator.value)] ?? 'unknown';
      s.door = { value: good ? this.door : 'unknown', quality: operator.quality, at: operator.at };
    } else if (closed || open) {
      const quality = worst(closed, open);
      if (quality === 'good') this.door = doorState(asBool(closed), asBool(open), this.door);
      s.door = { value: quality === 'good' ? this.door : 'unknown', quality, at: Math.min(closed?.at ?? now, open?.at ?? now) };
    }

    const zone = input('doorZone');
    const up = input('doorZoneUpper');
    const low = input('doorZoneLower');
    if (zone) s.doorZone = { value: Boolean(zone.value), quality: zone.quality, at: zone.at };
    else if (up && low) s.doorZone = { value: Boolean(up.value) && Boolean(low.value), quality: worst(up, low), at: Math.min(up.at, low.at) };
    return s;
  }
}

const DOOR_STATE_CODES: readonly DoorState[] = ['closed', 'opening', 'open', 'closing'];

/** Signals a board's point gives as they are (contacts and switches). */
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
