import type { ModbusBoardProfile } from '../config/board.js';
import type { Timers } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { classify, exceptionCodeOf } from '../../drivers/modbus/errors.js';
import type { ReadBlock } from '../../drivers/modbus/plan.js';
import { type DeviceMatch, matchDevices } from './profile-match.js';
import { LineUnavailable, type LineOpener, type ScanLine, type ScanTarget } from './scan-line.js';
import { type LineSetting, type Parity, probeTimeoutMs, SILENT_AFTER_UNITS, TCP_TIMEOUT_MS } from './scan-settings.js';

/**
 * `diag scan`: every unit id at every line setting of every target, with one read-only probe
 * each (FC3, holding register 0: any answer — registers or an exception — is a device), a
 * setting given up early when the line stays silent (SILENT_AFTER_UNITS), and the devices found
 * matched against the board profiles before the line is closed. Events drive the progress display.
 */
export interface ScanOptions {
  targets: readonly ScanTarget[];
  units: readonly number[];
  /** Line settings tried on each serial port (ignored for Modbus TCP). */
  settings: readonly LineSetting[];
  /** Per-probe timeout instead of the one chosen from the baud rate. */
  timeoutMs?: number;
  profiles: readonly ModbusBoardProfile[];
  open: LineOpener;
  /** Real time on a real wire (the wait between heartbeat reads). */
  io: Timers;
  onEvent?: (e: ScanEvent) => void;
  /** Ctrl-C: stop after the probe under way, keep (and match) what was found so far. */
  signal?: AbortSignal;
}

/** How a line setting sounded: devices answered, answered only too late, bytes came back that were no answer, or nothing at all. */
type Heard = 'answers' | 'late' | 'garbage' | 'silent' | 'not-applicable';

export interface LineSummary {
  target: ScanTarget;
  setting?: LineSetting;
  timeoutMs: number;
  probed: number;
  found: number[];
  heard: Heard;
  /** Given up after SILENT_AFTER_UNITS silent unit ids. */
  stoppedEarly: boolean;
  /** Units whose valid answer came after the timeout, and the timeout that would take it. */
  late: LateAnswer[];
}

/** A device at this setting that answers, only too slowly for the per-unit timeout. */
interface LateAnswer {
  unitId: number;
  /** How long after the request its answer came. */
  afterMs: number;
  /** The --timeout to give: the answer's time with room to spare, rounded up to 100 ms. */
  timeoutMs: number;
  /** Whether a second probe with that timeout found it (it is then among the devices). */
  found: boolean;
}

export interface FoundDevice {
  target: ScanTarget;
  unitId: number;
  /** Serial: the line setting it first answered at. */
  setting?: LineSetting;
  /** Serial: other parities it answered at too, at the same baud rate (a device or adapter that ignores parity). */
  otherParities: Parity[];
  /** Modbus TCP: every unit id tried got the same device (it ignores the unit id). */
  anyUnit: boolean;
  /** How it answered the probe. */
  answer: 'registers' | 'exception';
  /** Only found with a longer timeout: how long its answer took. */
  slowMs?: number;
  match: DeviceMatch;
}

export type ScanEvent =
  | { kind: 'line'; target: ScanTarget; setting?: LineSetting; timeoutMs: number }
  | { kind: 'probe'; done: number; total: number; unit: number; found: number }
  | { kind: 'found'; target: ScanTarget; setting?: LineSetting; unitId: number }
  | { kind: 'matching'; target: ScanTarget; setting?: LineSetting; units: number[] }
  | { kind: 'line-done'; line: LineSummary };

export interface ScanResult {
  devices: FoundDevice[];
  lines: LineSummary[];
  probes: number;
  /** Stopped by `signal` before the last unit id of the last setting. */
  interrupted: boolean;
}

const PROBE: ReadBlock = { table: 'holding', address: 0, count: 1 };

type Outcome = 'registers' | 'exception' | 'absent' | 'garbage';

async function probe(line: ScanLine, target: ScanTarget, unit: number, timeoutMs: number): Promise<Outcome> {
  try {
    await line.read(unit, PROBE, timeoutMs);
    return 'registers';
  } catch (e) {
    switch (classify(e)) {
      case 'MODBUS_EXCEPTION': {
        const x = exceptionCodeOf(e);
        return x === 10 || x === 11 ? 'absent' : 'exception'; // a TCP gateway saying nobody is at that id
      }
      case 'MODBUS_TIMEOUT':
        return 'absent';
      case 'MODBUS_CRC':
        return 'garbage';
      default:
        throw new LineUnavailable(target, 'lost', errorMessage(e)); // the adapter went away mid-scan
    }
  }
}

export async function scan(o: ScanOptions): Promise<ScanResult> {
  const progress: Progress = { done: 0, total: o.targets.reduce((n, t) => n + (t.kind === 'tcp' ? 1 : o.settings.length) * o.units.length, 0) };
  const result: ScanResult = { devices: [], lines: [], probes: 0, interrupted: false };
  for (const target of o.targets) {
    const settings: (LineSetting | undefined)[] = target.kind === 'tcp' ? [undefined] : [...o.settings];
    for (const setting of settings) {
      if (o.signal?.aborted) {
        result.interrupted = true;
        return result;
      }
      const timeoutMs = o.timeoutMs ?? (setting ? probeTimeoutMs(setting) : TCP_TIMEOUT_MS);
      o.onEvent?.({ kind: 'line', target, setting, timeoutMs });
      const line = await o.open(target, setting);
      try {
        const summary = await scanLine(o, line, { target, setting, timeoutMs }, result, progress);
        const skipped = o.units.length - summary.probed;
        if (skipped > 0) {
          progress.done += skipped;
          o.onEvent?.({ kind: 'probe', ...progress, unit: o.units.at(-1)!, found: result.devices.length });
        }
        result.lines.push(summary);
        o.onEvent?.({ kind: 'line-done', line: summary });
      } finally {
        await line.close();
      }
    }
  }
  return result;
}

interface Progress {
  done: number;
  total: number;
}

interface At {
  target: ScanTarget;
  setting: LineSetting | undefined;
  timeoutMs: number;
}

async function scanLine(o: ScanOptions, line: ScanLine, at: At, result: ScanResult, progress: Progress): Promise<LineSummary> {
  const { target, setting } = at;
  const answered = new Map<number, 'registers' | 'exception'>();
  let garbage = false;
  let probed = 0;
  let stoppedEarly = false;
  for (const unit of o.units) {
    if (o.signal?.aborted) {
      result.interrupted = true;
      break;
    }
    const outcome = await probe(line, target, unit, at.timeoutMs);
    probed++;
    result.probes++;
    progress.done++;
    if (outcome === 'registers' || outcome === 'exception') {
      answered.set(unit, outcome);
      o.onEvent?.({ kind: 'found', target, setting, unitId: unit });
    }
    garbage ||= outcome === 'garbage';
    o.onEvent?.({ kind: 'probe', ...progress, unit, found: result.devices.length + answered.size });
    if (probed === SILENT_AFTER_UNITS && probed < o.units.length && line.heard() === 0) {
      stoppedEarly = true;
      break;
    }
  }
  // On a serial line the byte count decides (a local echo makes the port report garbage, yet is silence).
  const heardBytes = line.heard();
  const noise = heardBytes === undefined ? garbage : heardBytes > 0;
  const late = o.signal?.aborted ? [] : await retryLate(o, line, at, answered, probed);
  const heard: Heard = answered.size > 0 ? 'answers' : noise && late.length === 0 ? 'garbage' : heardBytes === undefined ? 'not-applicable' : late.length > 0 ? 'late' : 'silent';
  const slow = new Map(late.filter((l) => l.found).map((l) => [l.unitId, l.afterMs]));
  const matchAt = slow.size > 0 ? { ...at, timeoutMs: Math.max(...late.map((l) => l.timeoutMs)) } : at;
  await addDevices(o, line, matchAt, answered, result, slow);
  return { target, ...(setting ? { setting } : {}), timeoutMs: at.timeoutMs, probed, found: [...answered.keys()], heard, stoppedEarly, late };
}

/** The longest --timeout accepts. */
const MAX_TIMEOUT_MS = 10_000;

/**
 * Units that did not answer in time but whose valid answer (right unit, function code and CRC)
 * came later: a slow device, not a wrong setting. Each is probed once more with a timeout that
 * fits its answer, so it is found all the same when it answers then.
 */
async function retryLate(o: ScanOptions, line: ScanLine, at: At, answered: Map<number, 'registers' | 'exception'>, probed: number): Promise<LateAnswer[]> {
  const tried = new Set(o.units.slice(0, probed));
  const slowest = new Map<number, number>();
  for (const a of line.answersHeard()) {
    if (tried.has(a.unitId) && !answered.has(a.unitId) && a.afterMs > at.timeoutMs) slowest.set(a.unitId, Math.max(a.afterMs, slowest.get(a.unitId) ?? 0));
  }
  const late: LateAnswer[] = [];
  for (const [unitId, afterMs] of slowest) {
    const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.ceil((afterMs * 1.5) / 100) * 100);
    const outcome = await probe(line, at.target, unitId, timeoutMs);
    const found = outcome === 'registers' || outcome === 'exception';
    if (found) {
      answered.set(unitId, outcome);
      o.onEvent?.({ kind: 'found', target: at.target, setting: at.setting, unitId });
    }
    late.push({ unitId, afterMs, timeoutMs, found });
  }
  return late;
}

/** New devices are matched while their line is open; one seen before at another parity only gains that parity. */
async function addDevices(o: ScanOptions, line: ScanLine, at: At, answered: Map<number, 'registers' | 'exception'>, result: ScanResult, slow: Map<number, number>): Promise<void> {
  const { target, setting } = at;
  const anyUnit = target.kind === 'tcp' && o.units.length > 1 && answered.size === o.units.length;
  const units = anyUnit ? [o.units[0]!] : [...answered.keys()];
  const fresh: number[] = [];
  for (const unit of units) {
    const seen = result.devices.find((d) => d.target === target && d.unitId === unit && d.setting?.baudRate === setting?.baudRate);
    if (seen && setting) seen.otherParities.push(setting.parity);
    else fresh.push(unit);
  }
  if (fresh.length === 0) return;
  o.onEvent?.({ kind: 'matching', target, setting, units: fresh });
  const matches = await matchDevices(line, fresh, o.profiles, { timeoutMs: 2 * at.timeoutMs, io: o.io });
  for (const unit of fresh) {
    const slowMs = slow.get(unit);
    result.devices.push({
      target,
      unitId: unit,
      ...(setting ? { setting } : {}),
      otherParities: [],
      anyUnit,
      answer: answered.get(unit)!,
      ...(slowMs === undefined ? {} : { slowMs }),
      match: matches.get(unit)!,
    });
  }
}
