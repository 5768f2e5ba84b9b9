import { directionOf, levelingError, nearestFloor } from '../../signals/derive.js';
import type { ElevatorSignals, SignalName } from '../../signals/types.js';
import type { SimState } from '../state.js';
import type { WearLift } from './lift.js';

/** The gateway polls every 100 ms: a change is seen at the next poll after it. */
const POLL_MS = 100;

/**
 * When to look at a wear lift: at the first poll after every change (a door reaching its end, a
 * run starting or ending, a contact opening), and in between at the lift's cadence — 1 s while
 * it runs, 2 s at stops, a minute while it waits. Each sample is what a gateway polling every
 * 100 ms would have read at that poll, so the rules' holds and the indicators see the same edges;
 * the polls in between, which would read the same, are skipped. That is what makes a simulated
 * month take seconds.
 */
export function nextSampleAt(lift: WearLift, t: number): number {
  const change = Math.ceil(lift.nextEventAfter(t) / POLL_MS) * POLL_MS;
  return Math.max(t + POLL_MS, Math.min(change, t + lift.cadenceAt(t)));
}

/** The signals of the sim-modbus board (boards/sim-modbus.yaml), as the normalizer derives them. */
export const WEAR_SIGNALS: ReadonlySet<SignalName> = new Set<SignalName>([
  'positionMm',
  'floor',
  'levelingErrorMm',
  'speedMps',
  'direction',
  'door',
  'doorZone',
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
  'controllerFloor',
]);

/**
 * A wear lift's signals without a driver: what the normalizer would make of the sim-modbus
 * board's readings, including its staleness rule — during a drop-out of the link every signal
 * keeps its last good value and the time it was read, and reads bad once that is older than the
 * window. (The door comes as a door operator reports it, with its moving phases.)
 */
export class WearSignals {
  private lastGood: { at: number; state: SimState } | undefined;

  constructor(
    private readonly lift: WearLift,
    private readonly o: { staleAfterMs: number; stationaryMps: number } = { staleAfterMs: 3000, stationaryMps: 0.05 },
  ) {}

  at(t: number): ElevatorSignals {
    const droppedSince = this.lift.dropoutAt(t);
    if (droppedSince === undefined || this.lastGood === undefined) {
      this.lastGood = { at: t, state: this.lift.stateAt(t) };
    } else if (this.lastGood.at < droppedSince) {
      // The gateway's last good poll was the one just before the drop-out; nothing had changed
      // since the previous sample (samples fall on every change), so its values are those.
      this.lastGood = { at: Math.max(this.lastGood.at, Math.floor(droppedSince / POLL_MS) * POLL_MS), state: this.lastGood.state };
    }
    const { at, state } = this.lastGood;
    return signalsOf(state, this.lift.levelsMm, at, t - at > this.o.staleAfterMs ? 'bad' : 'good', this.o.stationaryMps);
  }
}

function signalsOf(s: SimState, levels: readonly number[], at: number, quality: 'good' | 'bad', stationaryMps: number): ElevatorSignals {
  const g = <V>(value: V) => ({ value, quality, at });
  return {
    positionMm: g(s.positionMm),
    floor: g(nearestFloor(levels, s.positionMm)),
    levelingErrorMm: g(levelingError(levels, s.positionMm)),
    speedMps: g(s.speedMps),
    direction: g(directionOf(s.speedMps, stationaryMps)),
    door: g(s.door),
    doorZone: g(s.doorZoneUpper && s.doorZoneLower),
    safetyCircuit: g(s.safetyCircuit),
    doorLockCircuit: g(s.doorLockCircuit),
    overspeedSwitch: g(s.overspeedSwitch),
    occupied: g(s.occupied),
    inspection: g(s.inspection),
    alarmButton: g(s.alarmButton),
    mainsPower: g(s.mainsPower),
    topFinalLimit: g(s.topFinalLimit),
    bottomFinalLimit: g(s.bottomFinalLimit),
    controllerFloor: g(s.controllerFloor),
  };
}
