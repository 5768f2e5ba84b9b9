import type { Command } from 'commander';
import { z } from 'zod';
import type { DriverHealth } from '../../drivers/types.js';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { ElevgwError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { FieldBuses } from '../../drivers/buses.js';
import { createDriver } from '../../drivers/factory.js';
import type { RunningState } from '../contract/payloads.js';
import { pipelineFor } from '../detect/pipeline.js';
import { elevatorState } from '../runtime/payload.js';
import { diagTexts } from '../diag/diag-text.js';
import { LANG_OPTION, resolveLang } from '../diag/i18n.js';
import { unavailability } from '../diag/scan-line.js';
import { parseArg } from './args.js';

type DiagTexts = ReturnType<typeof diagTexts>;

/** Exit codes of every diag command (and health, commission): documented in the README and docs/diagnostics.md. */
export const DIAG_EXIT = { ok: 0, checkFailed: 1, usage: 2, unreachable: 3 } as const;

const FLAGS = ['doorZone', 'occupied', 'safetyCircuit', 'doorClosedAndLocked', 'mainsPower', 'inspection'] as const;

/** A reading for a person: `?` when it is bad (never the last value). */
function shown(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '?';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

function signalsLine(t: DiagTexts, st: RunningState, h: DriverHealth, time: string): string {
  const flags = FLAGS.filter((k) => st[k] !== undefined)
    .map((k) => `${k}=${shown(st[k])}`)
    .join(' ');
  const speed = st.speedMps === undefined || st.speedMps === null ? '?' : st.speedMps.toFixed(2);
  const reason = portReason(t, h.lastError);
  const driver = `${h.state}${h.lastErrorCode ? ` (${h.lastErrorCode}${reason ? `: ${reason}` : ''})` : ''}`;
  return t.signalsLine({ time, floor: shown(st.floor), pos: shown(st.positionMm), speed, door: shown(st.door), flags, driver, bad: st.badSignals?.join(',') ?? '' });
}

/**
 * Why the serial port cannot be used, from the driver's last error, in a few words: "driver lost
 * (MODBUS_IO)" alone does not tell a missing adapter from a port the service holds.
 */
function portReason(t: DiagTexts, lastError: string | undefined): string | undefined {
  if (!lastError) return undefined;
  switch (unavailability(lastError)) {
    case 'missing':
      return t.portMissing();
    case 'locked':
      return t.portLocked();
    case 'denied':
      return t.portDenied();
    default:
      return undefined;
  }
}

/**
 * `elevgw diag signals`: the live signals of one elevator, read through its board profile, one
 * line per sample — for a technician on site with a laptop. Read-only; it opens the bus itself,
 * so stop the gateway service first on a serial bus (one master per RS-485 line). A reading the
 * device did not give is `?` (null in JSON), with the driver's state and last error code; the exit
 * code says whether the device could be read (0 every reading good, 1 some reading bad while the
 * device answered, 3 the device could not be read).
 */
export function registerDiagSignals(diag: Command): void {
  diag
    .command('signals')
    .description('live signals of an elevator through its board profile (read-only; stop the service first on a serial bus)')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--elevator <id>', 'which elevator (default: the first)')
    .option('--interval <ms>', 'sample period', '500')
    .option('--count <n>', 'stop after this many samples (default: until Ctrl-C)')
    .option('--json', 'one JSON object per sample (a bad reading is null)')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: { config: string; elevator?: string; interval: string; count?: string; json?: boolean; lang?: string }) => {
      const t = diagTexts(resolveLang(opts.lang));
      const interval = parseArg(z.coerce.number().int().min(50).max(60_000), opts.interval, '--interval');
      const count = opts.count === undefined ? Infinity : parseArg(z.coerce.number().int().positive(), opts.count, '--count');
      const config = loadConfig(opts.config);
      const e = opts.elevator === undefined ? config.elevators[0] : config.elevators.find((x) => x.config.id === opts.elevator);
      if (!e) throw new ElevgwError('CONFIG_INVALID', `--elevator: no elevator "${opts.elevator}" (expected one of: ${config.elevators.map((x) => x.config.id).join(', ')})`);
      // Each sample's line names the driver's state and last error: its own log, JSON on stderr, would only repeat them.
      const logger = createLogger({ level: 'silent' });
      const driver = await createDriver({ board: e.board, connection: e.config.connection, clock: systemClock, logger, buses: new FieldBuses() });
      const pipeline = pipelineFor(e);
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      await driver.open();
      if (!opts.json) console.log(t.signalsHead({ elevator: e.config.id, board: e.board.id, transport: e.board.transport, interval }));
      let everGood = false;
      let last: { st: RunningState; h: DriverHealth } | undefined;
      try {
        for (let i = 0; i < count && !stop; i++) {
          const started = performance.now();
          for (const g of e.board.pollGroups) pipeline.update(await driver.poll(g.name));
          const st = elevatorState(pipeline.snapshot(systemClock.now()), e);
          const h = driver.health();
          everGood ||= (st.badSignals ?? []).length === 0;
          last = { st, h };
          const at = new Date();
          if (opts.json) console.log(JSON.stringify({ at: at.toISOString(), elevator: e.config.id, state: st, driver: h }));
          else console.log(signalsLine(t, st, h, at.toISOString().slice(11, 23)));
          if (i + 1 < count) await new Promise((r) => setTimeout(r, Math.max(0, interval - (performance.now() - started))));
        }
      } finally {
        await driver.close();
      }
      process.exitCode = exitCodeOf(last, everGood);
    });
}

/** 0: the last sample read every signal good; 3: the device gave no good reading or is lost now; 1: it answers, but some reading is bad. */
function exitCodeOf(last: { st: RunningState; h: DriverHealth } | undefined, everGood: boolean): number {
  if (last === undefined) return DIAG_EXIT.ok;
  const bad = (last.st.badSignals ?? []).length > 0;
  if (!bad) return DIAG_EXIT.ok;
  if (!everGood && last.h.transactions === 0) return DIAG_EXIT.unreachable;
  return last.h.state === 'ok' ? DIAG_EXIT.checkFailed : DIAG_EXIT.unreachable;
}
