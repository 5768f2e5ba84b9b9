import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { BUILTIN_BOARDS_DIR, type LoadedConfig, loadBoards, loadConfig } from '../config/load.js';
import { systemTimers } from '../core/clock.js';
import { ElevgwError } from '../core/errors.js';
import { formatDuration, type Lang, resolveLang } from '../diag/i18n.js';
import { matchReadsPerDevice, modbusProfiles } from '../diag/profile-match.js';
import { endProgress, scanProgress } from '../diag/progress.js';
import { type ScanResult, scan } from '../diag/scan.js';
import { scanBudget } from '../diag/scan-budget.js';
import { describeTarget, type LineOpener, LineUnavailable, openLines, type ScanTarget, type Unavailability } from '../diag/scan-line.js';
import { type LineSetting, lineSettings, parseBauds, parseParities, parseUnits } from '../diag/scan-settings.js';
import { announceLine, deviceLines, noneLine, scanTexts } from '../diag/scan-text.js';
import { scanJson } from '../diag/scan-json.js';
import { INSTALLED_CONFIG, parseArg } from './args.js';
import { gatewayAnswers } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

export interface ScanOpts {
  port: string[];
  tcp: string[];
  units: string;
  bauds: string;
  parity: string;
  timeout?: string;
  config?: string;
  json?: boolean;
  lang?: string;
}

/** An empty --port is an unset shell variable (`--port "$PORT"`): a usage error, not a missing port. */
const portSchema = z.string().refine((s) => s.trim() !== '', 'expected a serial device path, e.g. /dev/ttyUSB0, got an empty one');

const tcpSchema = z
  .string()
  .regex(/^[^:\s]+(:\d{1,5})?$/, 'expected HOST or HOST:PORT, e.g. 192.168.1.20:502')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return i < 0 ? { host: s, port: 502 } : { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  })
  .refine((v) => v.port >= 1 && v.port <= 65535, 'port must be 1–65535');

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** `elevgw diag scan` (diag-scan.ts declares its options): every target, then the devices found. */
export async function scanCommand(opts: ScanOpts): Promise<void> {
  const lang = resolveLang(opts.lang);
  const { targets, repeats } = distinctTargets([
    ...opts.port.map((path): ScanTarget => ({ kind: 'rtu', path: parseArg(portSchema, path, '--port') })),
    ...opts.tcp.map((t): ScanTarget => ({ kind: 'tcp', ...parseArg(tcpSchema, t, '--tcp') })),
  ]);
  if (targets.length === 0) throw new ElevgwError('CONFIG_INVALID', 'diag scan: give --port PATH (a serial port) or --tcp HOST[:PORT]');
  const units = parseUnits(opts.units);
  const settings = lineSettings(parseBauds(opts.bauds), parseParities(opts.parity));
  const timeoutMs = opts.timeout === undefined ? undefined : parseArg(z.coerce.number().int().min(10).max(10_000), opts.timeout, '--timeout');
  const config = opts.config !== undefined ? loadConfig(opts.config) : installedConfig();
  const profiles = modbusProfiles([...loadBoards(boardDirs(config)).values()].map((b) => b.profile));

  const open = openLines();
  for (const t of targets) {
    const refusal = await preflight(t, settings[0]!, open, config);
    if (refusal) return refuse(refusal, lang, opts.json);
  }

  const serialPorts = targets.filter((t) => t.kind === 'rtu').length;
  const budget = scanBudget({ serialPorts, tcpHosts: targets.length - serialPorts, units: units.length, settings, timeoutMs, matchReads: matchReadsPerDevice(profiles) });
  const t = scanTexts(lang);
  for (const r of repeats) process.stderr.write(`${t.sameTarget({ where: describeTarget(r.again), first: describeTarget(r.first) })}\n`);
  process.stderr.write(`${announceLine(lang, targets, units.length, settings, budget)}\n`);

  const started = performance.now();
  // Ctrl-C (or a service manager's SIGTERM) ends the scan, not the process: the port is released
  // and what was found so far is still reported. A second Ctrl-C kills it at once.
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  for (const s of STOP_SIGNALS) process.once(s, stop);
  let result: ScanResult;
  try {
    result = await scan({
      signal: interrupt.signal,
      targets,
      units,
      settings,
      timeoutMs,
      profiles,
      open,
      io: systemTimers,
      onEvent: scanProgress(process.stderr, lang, budget.searchMs, () => performance.now()),
    });
  } catch (e) {
    endProgress(process.stderr);
    if (!(e instanceof LineUnavailable)) throw e;
    return refuse(unavailableRefusal(e, config), lang, opts.json);
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, stop);
  }
  endProgress(process.stderr);
  const elapsedMs = performance.now() - started;
  if (opts.json) console.log(JSON.stringify(scanJson(result, budget, elapsedMs)));
  else {
    for (const d of result.devices) for (const line of deviceLines(d, lang)) console.log(line);
    const took = formatDuration(elapsedMs, lang);
    if (result.interrupted) console.log(t.interrupted({ n: result.devices.length, took, probes: result.probes, total: budget.probes }));
    else
      console.log(
        result.devices.length > 0
          ? t.found({ n: result.devices.length, took, budget: formatDuration(budget.searchMs + result.devices.length * budget.perDeviceMs, lang) })
          : noneLine(result.lines, units, took, lang),
      );
  }
  process.exitCode = result.devices.length > 0 ? DIAG_EXIT.ok : DIAG_EXIT.checkFailed;
}

/**
 * Why a port or host cannot be scanned: a stable code for scripts (`reason` in --json) and the
 * line for a person, in either language. `held-by-service` is the running gateway reading it.
 */
interface Refusal {
  reason: Unavailability | 'held-by-service';
  say: (lang: Lang) => string;
}

/**
 * One clear line, exit 3: never a Modbus error dump. With --json, also the one object on stdout,
 * saying why in English whatever the language (JSON output is never translated) and as a code.
 */
function refuse(r: Refusal, lang: Lang, json: boolean | undefined): void {
  if (json) console.log(JSON.stringify({ devices: [], reachable: false, reason: r.reason, problem: r.say('en').replace(/^✗ /, '') }));
  console.error(r.say(lang));
  process.exitCode = DIAG_EXIT.unreachable;
}

const heldByService = (where: string, elevators: string[]): Refusal => ({
  reason: 'held-by-service',
  say: (lang) => scanTexts(lang).heldByService({ where, elevators: elevators.join(', ') }),
});

function installedConfig(): LoadedConfig | undefined {
  if (!existsSync(INSTALLED_CONFIG)) return undefined;
  try {
    return loadConfig(INSTALLED_CONFIG);
  } catch {
    return undefined; // unreadable to this user, or broken: the port's lock still protects the service
  }
}

function boardDirs(config: LoadedConfig | undefined): string[] {
  const site = config?.site.boardsDir;
  return site && config ? [BUILTIN_BOARDS_DIR, resolve(dirname(config.file), site)] : [BUILTIN_BOARDS_DIR];
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** Where a target leads: a serial port's device (through any symlink), a host and port as given. */
const identity = (t: ScanTarget) => (t.kind === 'rtu' ? `rtu:${real(t.path)}` : `tcp:${t.host.toLowerCase()}:${t.port}`);

/**
 * One adapter named twice (`--port /dev/ttyUSB0 --port /dev/serial/by-id/…`, or the same path
 * twice) is one bus: scanning it twice only doubles the time and counts its devices twice.
 */
function distinctTargets(all: readonly ScanTarget[]): { targets: ScanTarget[]; repeats: { again: ScanTarget; first: ScanTarget }[] } {
  const seen = new Map<string, ScanTarget>();
  const repeats: { again: ScanTarget; first: ScanTarget }[] = [];
  for (const t of all) {
    const first = seen.get(identity(t));
    if (first) repeats.push({ again: t, first });
    else seen.set(identity(t), t);
  }
  return { targets: [...seen.values()], repeats };
}

/** The elevators of the config that read this port (through a symlink such as /dev/elevgw-rs485 too). */
function elevatorsOn(path: string, config: LoadedConfig | undefined): string[] {
  const target = real(path);
  return (config?.elevators ?? []).filter((e) => e.config.connection && 'path' in e.config.connection && real(e.config.connection.path) === target).map((e) => e.config.id);
}

/**
 * Why a target must not be scanned, found before anything is announced: a port that does not
 * exist, that the running service reads (its config names it and it answers on its socket), or
 * that will not open (locked by another program, no permission); a host that refuses.
 */
async function preflight(t: ScanTarget, first: LineSetting, open: LineOpener, config: LoadedConfig | undefined): Promise<Refusal | undefined> {
  if (t.kind === 'rtu') {
    if (!existsSync(t.path)) return { reason: 'missing', say: (lang) => scanTexts(lang).unavailable({ where: t.path, why: 'missing', detail: 'ENOENT' }) };
    const elevators = elevatorsOn(t.path, config);
    if (config && elevators.length > 0 && (await gatewayAnswers(config.diagSocketPath))) return heldByService(t.path, elevators);
  }
  try {
    await (await open(t, t.kind === 'rtu' ? first : undefined)).close();
  } catch (e) {
    if (e instanceof LineUnavailable) return unavailableRefusal(e, config);
    throw e;
  }
  return undefined;
}

/** A locked port the config names is the service's; any other trouble in its own words. */
function unavailableRefusal(e: LineUnavailable, config: LoadedConfig | undefined): Refusal {
  const elevators = e.target.kind === 'rtu' ? elevatorsOn(e.target.path, config) : [];
  if (e.why === 'locked' && elevators.length > 0) return heldByService(describeTarget(e.target), elevators);
  return { reason: e.why, say: (lang) => scanTexts(lang).unavailable({ where: describeTarget(e.target), why: e.why, detail: e.message }) };
}
