import type { ElevatorConfig } from '../config/site.js';
import type { RunningState, EventPayload } from '../contract/payloads.js';
import type { ElevatorSignals, Snapshot } from '../signals/types.js';
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

const BLACKBOX_COLUMNS = ['dtMs', 'positionMm', 'speedMps', 'door', 'doorZone', 'occupied', 'safetyCircuit', 'doorLockCircuit', 'mainsPower', 'inspection'] as const;

/** Column-encoded black box: one header, one short row per snapshot, offsets relative to the event. */
export function encodeBlackbox(snapshots: readonly Snapshot[], eventMono: number): NonNullable<EventPayload['blackbox']> {
  const rows = snapshots.map((snap) =>
    BLACKBOX_COLUMNS.map((c) => {
      if (c === 'dtMs') return Math.round(snap.mono - eventMono);
      const v = snap.signals[c]?.value;
      if (v === undefined) return null;
      if (typeof v === 'number') return Math.round(v * 1000) / 1000;
      return v;
    }),
  );
  return { columns: [...BLACKBOX_COLUMNS], rows };
}

export type { DetectedEvent };
