import type { EventPayload } from '../contract/payloads.js';
import type { ElevatorSignals, Sample, SignalName, Snapshot } from '../signals/types.js';

/** Column order of the black box; only signals some snapshot carries become columns. */
const BLACKBOX_SIGNALS: readonly SignalName[] = [
  'positionMm',
  'speedMps',
  'floor',
  'controllerFloor',
  'levelingErrorMm',
  'door',
  'doorZone',
  'doorLockCircuit',
  'safetyCircuit',
  'occupied',
  'inspection',
  'mainsPower',
  'alarmButton',
  'overspeedSwitch',
  'topFinalLimit',
  'bottomFinalLimit',
];

type Cell = number | string | boolean | null;

/** A cell: null for a bad reading; numbers to 0.001. */
function cell(sample: Sample<unknown> | undefined): Cell {
  const v = sample === undefined || sample.quality !== 'good' ? null : (sample.value as Cell);
  return typeof v === 'number' ? Math.round(v * 1000) / 1000 : v;
}

/**
 * Column-encoded black box: one header, one short row per snapshot, `dtMs` relative to
 * `originMono` (the raised fault's time, so a follow-up's rows continue the raised event's).
 * A signal the board does not provide has no column; a bad reading is null. Direction is left
 * out: it is the sign of the speed. `BlackboxJson` writes the same as JSON text.
 */
export function encodeBlackbox(snapshots: readonly Snapshot[], originMono: number): NonNullable<EventPayload['blackbox']> {
  const present = columnsOf(snapshots.reduce((mask, s) => mask | maskOf(s.signals), 0));
  const rows = snapshots.map((snap): Cell[] => [Math.round(snap.mono - originMono), ...present.map((name) => cell(snap.signals[name]))]);
  return { columns: ['dtMs', ...present], rows };
}

/** Bit i: the snapshot carries BLACKBOX_SIGNALS[i]. */
function maskOf(signals: ElevatorSignals): number {
  let mask = 0;
  for (let i = 0; i < BLACKBOX_SIGNALS.length; i++) if (signals[BLACKBOX_SIGNALS[i]!] !== undefined) mask |= 1 << i;
  return mask;
}

function columnsOf(mask: number): SignalName[] {
  return BLACKBOX_SIGNALS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** A row's cells after its dtMs, as JSON text with a leading comma each: `,1234.5,"open",true`. */
function cellsText(signals: ElevatorSignals, mask: number): string {
  let text = '';
  for (let i = 0; i < BLACKBOX_SIGNALS.length; i++) if ((mask & (1 << i)) !== 0) text += `,${cellText(cell(signals[BLACKBOX_SIGNALS[i]!]))}`;
  return text;
}

/** As JSON.stringify writes a cell; a number the way it does (not finite: null), without a call into it per number. */
function cellText(v: Cell): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return v === null ? 'null' : v ? 'true' : 'false';
}

/**
 * The black box of an event as JSON text, exactly `JSON.stringify(encodeBlackbox(…))`, with the
 * rows' cells encoded ahead of the raise. The engine tells `prepare` of every snapshot its
 * ring keeps (two a second); a raise then only joins text — encoding and stringifying 61 rows
 * on the raise cost about 0.3 ms of its way out (lite-mode Node, this project's 2-core VM).
 *
 * Kept by the snapshot's signals object, which no producer changes once handed to the engine
 * (detect/blackbox.ts), so the text cannot go stale; an entry goes when its snapshot leaves the
 * ring and is collected. A row encoded for other columns than the window's (a signal missing
 * from some snapshot) is encoded again on the raise.
 */
export class BlackboxJson {
  private readonly rows = new WeakMap<ElevatorSignals, { mask: number; cells: string }>();

  /** Encodes a snapshot's row now, off the raise. */
  prepare(signals: ElevatorSignals): void {
    const mask = maskOf(signals);
    this.rows.set(signals, { mask, cells: cellsText(signals, mask) });
  }

  encode(snapshots: readonly Snapshot[], originMono: number): string {
    // Plain loops: this runs on the raise, once in a while, unoptimized; a closure per row costs there.
    const kept: ({ mask: number; cells: string } | undefined)[] = new Array(snapshots.length);
    let mask = 0;
    for (let i = 0; i < snapshots.length; i++) {
      const k = this.rows.get(snapshots[i]!.signals);
      kept[i] = k;
      mask |= k === undefined ? maskOf(snapshots[i]!.signals) : k.mask;
    }
    let rows = '';
    for (let i = 0; i < snapshots.length; i++) {
      const snap = snapshots[i]!;
      const k = kept[i];
      rows += `${i === 0 ? '[' : ',['}${Math.round(snap.mono - originMono)}${k !== undefined && k.mask === mask ? k.cells : cellsText(snap.signals, mask)}]`;
    }
    return `{"columns":${JSON.stringify(['dtMs', ...columnsOf(mask)])},"rows":[${rows}]}`;
  }
}
