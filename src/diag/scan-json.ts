import type { Budget } from './scan-budget.js';
import type { ScanResult } from './scan.js';
import type { ScanTarget } from './scan-line.js';

/**
 * `diag scan --json`: one object, stable field names, no translated text. Each device carries
 * what a site config needs (port or host, baud rate, parity, unit id, board) and the verdict of
 * every profile, with why a profile does not fit as a structured reason.
 */
const where = (t: ScanTarget) => (t.kind === 'rtu' ? { port: t.path } : { host: t.host, tcpPort: t.port });

export function scanJson(r: ScanResult, budget: Budget, elapsedMs: number) {
  return {
    devices: r.devices.map((d) => ({
      ...where(d.target),
      ...(d.setting ? { baudRate: d.setting.baudRate, parity: d.setting.parity, otherParities: d.otherParities } : {}),
      unitId: d.unitId,
      anyUnit: d.anyUnit,
      answer: d.answer,
      ...(d.slowMs === undefined ? {} : { slowMs: d.slowMs }),
      profile: d.match.best,
      fits: d.match.fits,
      verdicts: d.match.verdicts,
    })),
    lines: r.lines.map((l) => ({
      ...where(l.target),
      ...(l.setting ? { baudRate: l.setting.baudRate, parity: l.setting.parity } : {}),
      timeoutMs: l.timeoutMs,
      probed: l.probed,
      found: l.found,
      heard: l.heard,
      stoppedEarly: l.stoppedEarly,
      late: l.late,
    })),
    probes: r.probes,
    interrupted: r.interrupted,
    budget: { searchMs: budget.searchMs, perDeviceMs: budget.perDeviceMs, probes: budget.probes, totalMs: budget.searchMs + r.devices.length * budget.perDeviceMs },
    elapsedMs: Math.round(elapsedMs),
  };
}
