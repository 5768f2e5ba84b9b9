import { interFrameMs } from '../../drivers/modbus/rtu-timing.js';
import { HEARTBEAT_GAP_MS } from './profile-match.js';
import { type LineSetting, probeTimeoutMs, TCP_TIMEOUT_MS } from './scan-settings.js';

/**
 * The longest a scan can take, announced before it starts: every unit id timing out at every
 * line setting (no early stop), plus, for each device found, the reads that match it to a
 * profile and the wait between its heartbeat reads. What a scan really takes is usually far less:
 * devices answer in milliseconds and a silent setting stops after SILENT_AFTER_UNITS ids.
 */
export interface BudgetInput {
  serialPorts: number;
  tcpHosts: number;
  units: number;
  settings: readonly LineSetting[];
  /** --timeout, instead of the timeouts chosen from the baud rate. */
  timeoutMs?: number;
  /** Reads to match one device (matchReadsPerDevice). */
  matchReads: number;
}

export interface Budget {
  /** Worst case of the search itself. */
  searchMs: number;
  /** Worst case added by each device found. */
  perDeviceMs: number;
  probes: number;
}

/** The operating system and the event loop between two probes, and reopening a port per setting. */
const PROBE_OVERHEAD_MS = 5;
const REOPEN_MS = 50;

function probeCostMs(s: LineSetting | undefined, timeoutMs: number | undefined): number {
  const timeout = timeoutMs ?? (s ? probeTimeoutMs(s) : TCP_TIMEOUT_MS);
  return timeout + (s ? Math.ceil(interFrameMs(s)) : 0) + PROBE_OVERHEAD_MS;
}

export function scanBudget(b: BudgetInput): Budget {
  const perPort = b.settings.reduce((ms, s) => ms + REOPEN_MS + b.units * probeCostMs(s, b.timeoutMs), 0);
  const perHost = REOPEN_MS + b.units * probeCostMs(undefined, b.timeoutMs);
  // A match read waits at most twice the probe timeout of the slowest setting tried.
  const slowest = Math.max(...(b.serialPorts > 0 ? b.settings.map((s) => probeCostMs(s, b.timeoutMs)) : []), b.tcpHosts > 0 ? probeCostMs(undefined, b.timeoutMs) : 0);
  return {
    searchMs: b.serialPorts * perPort + b.tcpHosts * perHost,
    perDeviceMs: HEARTBEAT_GAP_MS + b.matchReads * 2 * slowest,
    probes: b.units * (b.serialPorts * b.settings.length + b.tcpHosts),
  };
}
