import { z } from 'zod';
import type { ElevatorRow, MaintenanceEventRow } from '../store/types.js';

/** TSG T5002: a lift is maintained at least every 15 days (docs/domain.md). */
const MAINTENANCE_INTERVAL_DAYS = 15;
const DAY_MS = 86_400_000;

interface MaintenanceSession {
  startedAt: string;
  endedAt: string | null;
  /** From the closing event (inspection on → off); null while open or when the close was not seen. */
  durationS: number | null;
}

interface ElevatorMaintenance {
  gatewayId: string;
  elevatorId: string;
  registrationCode: string;
  /** Sessions that began in the report's window. */
  sessions: MaintenanceSession[];
  totalDurationS: number;
  /** Sessions closed with no inspection time: what supervision looks for besides the intervals. */
  emptySessions: number;
  /** The last session that began before the report's end, also before its window. */
  lastSessionAt: string | null;
  /** Days between consecutive session starts ending in the window. */
  intervalsDays: number[];
  longestIntervalDays: number | null;
  intervalsOverLimit: number;
  /** Days from the last session to the report's end; null when none was seen. */
  daysSinceLast: number | null;
  /** No session within the limit before the report's end (nor since the lift was first seen, when longer ago). */
  overdue: boolean;
}

export interface MaintenanceReport {
  from: string;
  to: string;
  maxIntervalDays: number;
  elevators: ElevatorMaintenance[];
  /** `gatewayId/elevatorId` of the lifts overdue. */
  overdue: string[];
}

/**
 * An end of the report's window as an operator writes it: a date (00:00 UTC of that day) or a
 * time, in UTC (`Z`) or with its offset (`2026-04-30T23:59:59+08:00`, Wuhan's local time), as
 * epoch ms. The command line and the API read it alike.
 */
export const windowBoundSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    // zod's own word for a failed union is "Invalid input": say what is taken, and what came.
    error: (iss) => `expected an ISO date (2026-12-01) or a time with Z or an offset (2026-12-01T08:00:00+08:00), got ${JSON.stringify(iss.input)}`,
  })
  .transform((s) => Date.parse(s));

/** Without `from`, the report looks back this far from `to`. */
const DEFAULT_WINDOW_DAYS = 90;

/**
 * The report's window: `to` is now unless given, `from` 90 days before `to` unless given. A window
 * that does not start before it ends holds no session, and its report would say no lift is overdue
 * — an all-clear built on no evidence — so it is refused, naming both ends as `names` calls them
 * (`--from`/`--to` on the command line, `from`/`to` in the API).
 */
export function maintenanceWindow(
  q: { fromMs?: number | undefined; toMs?: number | undefined },
  nowMs: number,
  names: { from: string; to: string },
): { fromMs: number; toMs: number } | { refused: string } {
  const toMs = q.toMs ?? nowMs;
  const fromMs = q.fromMs ?? toMs - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (fromMs < toMs) return { fromMs, toMs };
  const to = `${names.to} ${q.toMs === undefined ? '(now) ' : ''}${new Date(toMs).toISOString()}`;
  return { refused: `${names.from} ${new Date(fromMs).toISOString()} is not before ${to}: the window holds nothing, so no lift could be found overdue (swapped dates?)` };
}

/** The events the report needs start this long before its window, to find the session before it. */
export function lookbackMs(maxIntervalDays = MAINTENANCE_INTERVAL_DAYS): number {
  return (maxIntervalDays + 1) * DAY_MS;
}

/**
 * Per-elevator maintenance evidence from `maintenance-session` events (raised when inspection
 * goes on, cleared with `durationS` when it goes off): sessions, durations, the intervals between
 * them against the 15-day rule, and the lifts overdue at the end of the window.
 */
export function maintenanceReport(
  events: readonly MaintenanceEventRow[],
  elevators: readonly Pick<ElevatorRow, 'gatewayId' | 'elevatorId' | 'registrationCode' | 'firstSeenMs'>[],
  o: { fromMs: number; toMs: number; maxIntervalDays?: number },
): MaintenanceReport {
  const limit = o.maxIntervalDays ?? MAINTENANCE_INTERVAL_DAYS;
  const key = (g: string, e: string) => `${g}/${e}`;
  const lifts = new Map(elevators.map((e) => [key(e.gatewayId, e.elevatorId), { ...e }]));
  const byLift = new Map<string, MaintenanceEventRow[]>();
  for (const ev of [...events].sort((a, b) => a.atMs - b.atMs)) {
    const k = key(ev.gatewayId, ev.elevatorId);
    if (!lifts.has(k)) lifts.set(k, { gatewayId: ev.gatewayId, elevatorId: ev.elevatorId, registrationCode: ev.registrationCode, firstSeenMs: ev.atMs });
    byLift.set(k, [...(byLift.get(k) ?? []), ev]);
  }
  const rows = [...lifts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, lift]) => elevatorReport(lift, byLift.get(k) ?? [], o.fromMs, o.toMs, limit));
  return {
    from: new Date(o.fromMs).toISOString(),
    to: new Date(o.toMs).toISOString(),
    maxIntervalDays: limit,
    elevators: rows,
    overdue: rows.filter((r) => r.overdue).map((r) => key(r.gatewayId, r.elevatorId)),
  };
}

function elevatorReport(
  lift: Pick<ElevatorRow, 'gatewayId' | 'elevatorId' | 'registrationCode' | 'firstSeenMs'>,
  events: readonly MaintenanceEventRow[],
  fromMs: number,
  toMs: number,
  limit: number,
): ElevatorMaintenance {
  // Pair each opening with the next closing; a closing whose opening came before the events we read dates itself back.
  const all: { startMs: number; endMs: number | null; durationS: number | null }[] = [];
  let open: (typeof all)[number] | undefined;
  for (const ev of events) {
    if (ev.atMs >= toMs) break;
    if (ev.phase === 'raised') {
      open = { startMs: ev.atMs, endMs: null, durationS: null };
      all.push(open);
    } else if (ev.phase === 'cleared') {
      if (open) {
        open.endMs = ev.atMs;
        open.durationS = ev.durationS;
        open = undefined;
      } else all.push({ startMs: ev.atMs - (ev.durationS ?? 0) * 1000, endMs: ev.atMs, durationS: ev.durationS });
    }
  }
  const starts = all.map((s) => s.startMs);
  const inWindow = all.filter((s) => s.startMs >= fromMs);
  const intervalsDays: number[] = [];
  for (let i = 1; i < starts.length; i++) if (starts[i]! >= fromMs) intervalsDays.push(round((starts[i]! - starts[i - 1]!) / DAY_MS));
  const last = starts.at(-1);
  const daysSinceLast = last === undefined ? null : round((toMs - last) / DAY_MS);
  const knownDays = (toMs - lift.firstSeenMs) / DAY_MS;
  return {
    gatewayId: lift.gatewayId,
    elevatorId: lift.elevatorId,
    registrationCode: lift.registrationCode,
    sessions: inWindow.map((s) => ({
      startedAt: new Date(s.startMs).toISOString(),
      endedAt: s.endMs === null ? null : new Date(s.endMs).toISOString(),
      durationS: s.durationS,
    })),
    totalDurationS: round(inWindow.reduce((t, s) => t + (s.durationS ?? 0), 0)),
    emptySessions: inWindow.filter((s) => s.durationS === 0).length,
    lastSessionAt: last === undefined ? null : new Date(last).toISOString(),
    intervalsDays,
    longestIntervalDays: intervalsDays.length ? Math.max(...intervalsDays) : null,
    intervalsOverLimit: intervalsDays.filter((d) => d > limit).length,
    daysSinceLast,
    overdue: daysSinceLast === null ? knownDays > limit : daysSinceLast > limit,
  };
}

const CSV_COLUMNS = [
  'gateway_id',
  'elevator_id',
  'registration_code',
  'sessions',
  'total_duration_s',
  'empty_sessions',
  'last_session_at',
  'days_since_last',
  'longest_interval_days',
  'intervals_over_limit',
  'overdue',
] as const;

/** One line per elevator, for a spreadsheet: the summary of the JSON report. */
export function maintenanceCsv(r: MaintenanceReport): string {
  const lines = r.elevators.map((e) =>
    [
      e.gatewayId,
      e.elevatorId,
      e.registrationCode,
      e.sessions.length,
      e.totalDurationS,
      e.emptySessions,
      e.lastSessionAt ?? '',
      e.daysSinceLast ?? '',
      e.longestIntervalDays ?? '',
      e.intervalsOverLimit,
      e.overdue ? 'yes' : 'no',
    ]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

function csvField(v: string | number): string {
  const s = String(v);
  // RFC 4180 quoting; a leading = + - @ is quoted too, so a spreadsheet does not run it as a formula.
  return /[",\r\n]|^[=+\-@]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
