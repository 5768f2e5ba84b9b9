import { eventName, platformCode } from '../detect/catalogue.js';
import type { DetectedEvent } from '../detect/types.js';

/** Offset from the start of the log: "+12.3s", or to the ms when the time is not on 100 ms. */
export function eventOffset(ms: number): string {
  const s = ms / 1000;
  return `+${ms % 100 === 0 ? s.toFixed(1) : s.toFixed(3)}s`;
}

/** The data worth a glance, `key=value`; nulls left out, nested values as JSON. */
function keyData(data: Readonly<Record<string, unknown>> | undefined): string {
  if (data === undefined) return '';
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** An early warning in words: which baseline, from what to what, and the hint (or why it cleared). */
function warningText(e: DetectedEvent, startT: number): string {
  const d = e.data ?? {};
  const day = `day ${((e.mono - startT) / 86_400_000).toFixed(1)}`;
  if (d.action === 'baseline-reset')
    return `baseline reset: ${String(d.indicator ?? 'all')}${d.floor === null ? '' : ` at floor ${String(d.floor)}`}, ${String(d.keys)} baselines, by ${String(d.by)}`;
  const figures = `${String(d.cause)} ${String(d.baseline)} → ${String(d.now)} ${String(d.unit)} (${day})`;
  const hint = d.hint as { en?: string } | undefined;
  return e.phase === 'raised' ? `${figures}: ${hint?.en ?? ''}` : `${figures}, ${String(d.reason)}`;
}

/** One readable line: offset, type, phase, severity, platform code, key data (for an early warning, its hint). */
export function eventLine(e: DetectedEvent, startT: number): string {
  const code = platformCode(e.type, e.data);
  if (e.type === 'early-warning')
    return [eventOffset(e.mono - startT).padStart(8), e.type.padEnd(22), e.phase.padEnd(7), e.severity.padEnd(8), '    ', warningText(e, startT)].join(' ');
  const data = e.type === 'blackbox' ? { ...e.data, samples: e.blackbox?.length ?? 0 } : e.data;
  return [eventOffset(e.mono - startT).padStart(8), e.type.padEnd(22), e.phase.padEnd(7), e.severity.padEnd(8), code ? `[${code}]` : '    ', keyData(data)].join(' ').trimEnd();
}

/** One JSON object per event (black-box snapshots counted, not listed). */
export function eventJson(e: DetectedEvent, startT: number): Record<string, unknown> {
  const code = platformCode(e.type, e.data);
  return {
    offsetMs: e.mono - startT,
    t: e.mono,
    type: e.type,
    name: eventName(e.type),
    ...(code ? { code } : {}),
    phase: e.phase,
    severity: e.severity,
    ...(e.data ? { data: e.data } : {}),
    ...(e.blackbox ? { blackboxSamples: e.blackbox.length } : {}),
  };
}
