import type { LoadedElevator } from '../config/load.js';
import type { ElevatorConfig } from '../config/site.js';
import { serviceModeCode } from '../detect/catalogue.js';
import { serviceModeOf } from '../detect/rules/service-mode.js';
import type { RunningState } from '../contract/payloads.js';
import type { ElevatorSignals, Sample } from '../signals/types.js';
import type { DetectedEvent } from '../detect/types.js';

type Floors = ElevatorConfig['floors'];

/** A signal's value when it reads good; null when it reads bad (never its last value); undefined when the board lacks it. */
function reading<V>(sample: Sample<V> | undefined): V | null | undefined {
  if (sample === undefined) return undefined;
  return sample.quality === 'good' ? sample.value : null;
}

function put<K extends keyof RunningState>(st: RunningState, key: K, value: RunningState[K] | undefined): void {
  if (value !== undefined) st[key] = value;
}

/**
 * Running status (GB/T 24476 group 3) from a snapshot; only what the board provides. A reading
 * that is bad (unread, stale, frozen controller) is null and named in `badSignals`.
 */
export function runningState(s: ElevatorSignals, floors: Floors, stationaryMps = 0.05): RunningState {
  const st: RunningState = {};
  const bad: string[] = [];
  for (const [k, v] of Object.entries(s)) if (v && v.quality === 'bad') bad.push(k);
  const floor = reading(s.floor);
  if (floor !== undefined) {
    st.floorIndex = floor;
    st.floor = floor === null ? null : (floors[floor]?.label ?? null);
  }
  const position = reading(s.positionMm);
  put(st, 'positionMm', position === null || position === undefined ? position : Math.round(position));
  const speed = reading(s.speedMps);
  if (speed !== undefined) {
    st.speedMps = speed === null ? null : Math.round(speed * 1000) / 1000;
    st.carStatus = speed === null ? null : Math.abs(speed) < stationaryMps ? 'stop' : 'run';
  }
  put(st, 'direction', reading(s.direction));
  const door = reading(s.door);
  put(st, 'door', door);
  put(st, 'doorZone', reading(s.doorZone));
  const lock = reading(s.doorLockCircuit);
  if (door !== undefined && lock !== undefined) st.doorClosedAndLocked = door === null || lock === null ? null : door === 'closed' && lock;
  put(st, 'occupied', reading(s.occupied));
  put(st, 'inspection', reading(s.inspection));
  put(st, 'mainsPower', reading(s.mainsPower));
  put(st, 'safetyCircuit', reading(s.safetyCircuit));
  put(st, 'topFinalLimit', reading(s.topFinalLimit));
  put(st, 'bottomFinalLimit', reading(s.bottomFinalLimit));
  if (bad.length) st.badSignals = bad.sort();
  return st;
}

/**
 * The running state every payload carries (events, telemetry, the diagnostics reply, the local
 * socket): the signals (runningState), the alarm
 * button, and the service-mode status code the signals show — absent when the board has neither
 * inspection nor mains input, null while one that decides it reads bad.
 */
export function elevatorState(s: ElevatorSignals, e: Pick<LoadedElevator, 'config' | 'thresholds'>): RunningState {
  const st = runningState(s, e.config.floors, e.thresholds.stationaryMps);
  if (s.alarmButton !== undefined) st.alarmButton = s.alarmButton.quality === 'good' ? s.alarmButton.value : null;
  if (s.inspection !== undefined || s.mainsPower !== undefined) {
    const mode = serviceModeOf(s);
    st.serviceMode = mode === undefined ? null : serviceModeCode(mode);
  }
  return st;
}

/**
 * Remembers the ids given to raised faults so the `blackbox` follow-up of each can name its
 * raised event (`data.forId`) — `at` alone is fragile when the wall clock is corrected between
 * the two. Bounded: follow-ups come within seconds; the oldest entries go first.
 */
export class BlackboxLinks {
  private readonly ids = new Map<string, string>();

  constructor(private readonly capacity = 256) {}

  /** Call for every stored event with the id it was given. */
  remember(ev: Pick<DetectedEvent, 'elevatorId' | 'type' | 'phase' | 'mono'>, id: string): void {
    if (ev.phase !== 'raised') return;
    this.ids.set(key(ev.elevatorId, ev.type, ev.mono), id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }

  /** The id of the raised event a `blackbox` follow-up completes, when still known. */
  forId(ev: Pick<DetectedEvent, 'elevatorId' | 'blackboxFor'>): string | undefined {
    if (ev.blackboxFor === undefined) return undefined;
    const k = key(ev.elevatorId, ev.blackboxFor.type, ev.blackboxFor.mono);
    const id = this.ids.get(k);
    this.ids.delete(k);
    return id;
  }
}

function key(elevatorId: string, type: string, mono: number): string {
  return `${elevatorId}\u0000${type}\u0000${mono}`;
}

export type { DetectedEvent };
