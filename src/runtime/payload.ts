import type { ElevatorConfig } from '../config/site.js';
import type { RunningState, EventPayload } from '../contract/payloads.js';
import type { ElevatorSignals, SignalName, Snapshot } from '../signals/types.js';
import type { DetectedEvent } from '../detect/types.js';

type Floors = ElevatorConfig['floors'];

/** Running status (GB/T 24476 group 3) from a snapshot; only what the board provides. */
export function runningState(s: ElevatorSignals, floors: Floors, stationaryMps = 0.05): RunningState {
  const st: RunningState = {};
  const bad: string[] = [];
  for (const [k, v] of Object.entries(s)) if (v && v.quality === 'bad') bad.push(k);
  if (s.floor) {
    st.floorIndex = s.floor.value;
    st.floor = floors[s.floor.value]?.label;
  }
  if (s.positionMm) st.positionMm = Math.round(s.positionMm.value);
  if (s.speedMps) {
    st.speedMps = Math.round(s.speedMps.value * 1000) / 1000;
    st.carStatus = Math.abs(s.speedMps.value) < stationaryMps ? 'stop' : 'run';
  }
  if (s.direction) st.direction = s.direction.value;
  if (s.door) st.door = s.door.value;
  if (s.doorZone) st.doorZone = s.doorZone.value;
  if (s.door && s.doorLockCircuit) st.doorClosedAndLocked = s.door.value === 'closed' && s.doorLockCircuit.value;
  if (s.occupied) st.occupied = s.occupied.value;
  if (s.inspection) st.inspection = s.inspection.value;
  if (s.mainsPower) st.mainsPower = s.mainsPower.value;
  if (s.safetyCircuit) st.safetyCircuit = s.safetyCircuit.value;
  if (s.topFinalLimit) st.topFinalLimit = s.topFinalLimit.value;
  if (s.bottomFinalLimit) st.bottomFinalLimit = s.bottomFinalLimit.value;
  if (bad.length) st.badSignals = bad.sort();
  return st;
}

/** Column order of the black box; only signals some snapshot carries become columns. */
const BLACKBOX_SIGNALS: readonly SignalName[] = [
  'positionMm', 'speedMps', 'floor', 'controllerFloor', 'levelingErrorMm', 'door', 'doorZone', 'doorLockCircuit',
  'safetyCircuit', 'occupied', 'inspection', 'mainsPower', 'alarmButton', 'overspeedSwitch', 'topFinalLimit', 'bottomFinalLimit',
];

type Cell = number | string | boolean | null;

/**
 * Column-encoded black box: one header, one short row per snapshot, `dtMs` relative to
 * `originMono` (the raised fault's time, so a follow-up's rows continue the raised event's).
 * A signal the board does not provide has no column; a bad reading is null. Direction is left
 * out: it is the sign of the speed.
 */
export function encodeBlackbox(snapshots: readonly Snapshot[], originMono: number): NonNullable<EventPayload['blackbox']> {
  const present = BLACKBOX_SIGNALS.filter((name) => snapshots.some((snap) => snap.signals[name] !== undefined));
  const rows = snapshots.map((snap): Cell[] => [
    Math.round(snap.mono - originMono),
    ...present.map((name): Cell => {
      const sample = snap.signals[name];
      if (sample === undefined || sample.quality !== 'good') return null;
      const v = sample.value;
      return typeof v === 'number' ? Math.round(v * 1000) / 1000 : v;
    }),
  ]);
  return { columns: ['dtMs', ...present], rows };
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
