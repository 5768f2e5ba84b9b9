import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config/load.js';
import { defaultThresholds, mergeThresholds, type Thresholds } from '../config/thresholds.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import { checkExpectations } from '../replay/expect.js';
import { eventJson, eventLine, eventOffset } from '../replay/format.js';
import { readReplayFile, type ReplayInput } from '../replay/read.js';
import { replay, type ReplayOptions, type ReplayResult } from '../replay/run.js';
import { SqliteBaselineStore } from '../detect/health/baseline-sqlite.js';
import { parseArg } from './args.js';

export interface ReplayCliOptions {
  config?: string;
  elevator?: string;
  ratedSpeed?: string;
  floors?: string;
  json?: boolean;
  stats?: boolean;
  /** A gateway's database: judge the log against the early-warning baselines it learned (read-only). */
  baselines?: string;
  /** Also print the health indicators and baselines of the log. */
  earlyWarning?: boolean;
}

const ratedSpeedSchema = z.coerce.number().positive('expected a positive speed in m/s').max(20, 'at most 20 m/s');
const floorsSchema = z
  .string()
  .transform((s) => s.split(',').map((x) => Number(x.trim())))
  .pipe(z.array(z.number('expected numbers in mm, e.g. 0,3000,6000')).min(2, 'at least two landings'))
  .refine((levels) => levels.every((mm, i) => i === 0 || mm > levels[i - 1]!), 'landings must ascend');

/**
 * `elevgw replay FILE`: the rules over a recorded signal log or a rule scenario, offline.
 * Returns the lines to print and the exit code (1 when a scenario's expectations fail).
 */
export function runReplay(file: string, opts: ReplayCliOptions): { lines: string[]; exitCode: number } {
  const input = readReplayFile(file);
  const options = replayOptions(input, opts);
  const store = opts.baselines === undefined ? undefined : openBaselines(opts.baselines, options.elevatorId ?? 'replay');
  let result: ReplayResult;
  try {
    result = replay(input.samples, { ...options, ...(store ? { baselines: store } : {}) });
  } finally {
    store?.close();
  }
  const failures = input.kind === 'scenario' ? checkExpectations(input.scenario, result.events) : undefined;
  const lines = opts.json ? jsonLines(result, opts, failures) : textLines(file, result, opts, failures, options.thresholds.stats.maxGapMs);
  return { lines, exitCode: failures !== undefined && failures.length > 0 ? 1 : 0 };
}

/**
 * Thresholds, rated speed and floors: flags over the site config over the scenario's own (or,
 * for a recording of `diag live --json`, over the lift the frames name).
 */
function replayOptions(input: ReplayInput, opts: ReplayCliOptions): ReplayOptions {
  const scenario = input.kind === 'scenario' ? input.scenario : undefined;
  const lift = input.kind === 'log' ? input.lift : undefined;
  let thresholds: Thresholds = mergeThresholds(defaultThresholds, scenario?.rules);
  let ratedSpeedMps = scenario?.elevator.ratedSpeedMps ?? lift?.ratedSpeedMps;
  let floorLevelsMm: readonly number[] | undefined = scenario?.elevator.floorsMm ?? lift?.floors.map((f) => f.levelMm);
  let floorLabels: string[] | undefined = lift?.floors.map((f) => f.label);
  let elevatorId = opts.elevator ?? lift?.id;
  if (opts.config !== undefined) {
    const config = loadConfig(opts.config);
    const e = opts.elevator === undefined && config.elevators.length === 1 ? config.elevators[0] : config.elevators.find((x) => x.config.id === elevatorId);
    if (e === undefined) {
      const ids = config.elevators.map((x) => x.config.id).join(', ');
      const which = elevatorId === undefined ? 'which one?' : `no elevator "${elevatorId}"${opts.elevator === undefined ? ' (the one the recording names)' : ''}`;
      throw new ElevgwError('CONFIG_INVALID', `--elevator: ${which} (${opts.config} has ${ids})`);
    }
    ({ thresholds } = e);
    ratedSpeedMps = e.config.ratedSpeedMps;
    floorLevelsMm = e.config.floors.map((f) => f.levelMm);
    floorLabels = e.config.floors.map((f) => f.label);
    elevatorId = e.config.id;
  }
  if (opts.ratedSpeed !== undefined) ratedSpeedMps = parseArg(ratedSpeedSchema, opts.ratedSpeed, '--rated-speed');
  if (opts.floors !== undefined) {
    floorLevelsMm = parseArg(floorsSchema, opts.floors, '--floors');
    floorLabels = undefined;
  }
  if (ratedSpeedMps === undefined) throw new ElevgwError('CONFIG_INVALID', 'replay: the rated speed is needed: --rated-speed M/S, or --config FILE --elevator ID');
  if (floorLevelsMm === undefined) throw new ElevgwError('CONFIG_INVALID', 'replay: the landings are needed: --floors 0,3000,…, or --config FILE --elevator ID');
  return { thresholds, ratedSpeedMps, floorLevelsMm, ...(floorLabels ? { floorLabels } : {}), ...(elevatorId ? { elevatorId } : {}) };
}

/** A gateway's baselines, read-only: replay never writes to the file it judges against. */
function openBaselines(file: string, elevatorId: string): SqliteBaselineStore {
  if (!existsSync(file)) throw new ElevgwError('CONFIG_INVALID', `--baselines: ${file} does not exist (the gateway's outbox database, e.g. /var/lib/elevgw/outbox.db)`);
  let store: SqliteBaselineStore | undefined;
  let found: boolean;
  try {
    store = SqliteBaselineStore.open(file, { readonly: true });
    found = store.load(elevatorId) !== undefined;
  } catch (e) {
    store?.close();
    // A stopped gateway's database in a directory this user cannot write: SQLite cannot make the files it reads a WAL with.
    const readonlyDir = /readonly database/i.test(errorMessage(e))
      ? '; as a user who cannot write its directory, run it while the gateway runs, as the elevgw user, or on a copy'
      : '';
    throw new ElevgwError('CONFIG_INVALID', `--baselines: ${file} cannot be read as a gateway's database (${errorMessage(e)})${readonlyDir}`);
  }
  if (!found) {
    const have = store.elevators();
    store.close();
    throw new ElevgwError('CONFIG_INVALID', `--baselines: ${file} has no baselines for elevator "${elevatorId}" (it has: ${have.join(', ') || 'none'}; pick one with --elevator)`);
  }
  return store;
}

/** The indicators' lines of `--early-warning`: baselines learned and raised, and the log's counts. */
function healthLines(r: ReplayResult): string[] {
  if (!r.health) return ['# early warning: off (rules.earlyWarning.enabled: false)'];
  const { baselines, summary, observedDays } = r.health;
  const learned = baselines.filter((b) => b.phase === 'learned').length;
  const raised = baselines.filter((b) => b.raised).map((b) => b.cause);
  return [
    `# early warning: ${observedDays.toFixed(1)} days observed; ${baselines.length} baselines, ${learned} learned; raised at the end: ${raised.join(', ') || 'none'}`,
    `# indicators: ${JSON.stringify({ counters: summary.counters, counts: summary.counts })}`,
  ];
}

/** Gaps listed by `textLines`; the rest are counted. */
const GAPS_LISTED = 5;

/**
 * The log's gaps in words: the rules held the last values across each, so what they raised as it
 * ended may be the gap's rather than the lift's (a log of two days, a recording that stalled).
 */
function gapLines(r: ReplayResult, maxGapMs: number): string[] {
  if (r.gaps.length === 0) return [];
  const lines = r.gaps.slice(0, GAPS_LISTED).map((g) => {
    const events = g.events === 0 ? 'nothing raised as it ended' : `${g.events === 1 ? '1 event' : `${g.events} events`} raised as it ended may be the gap's, not the lift's`;
    return `# gap: ${((g.toT - g.fromT) / 1000).toFixed(1)} s without a sample after ${eventOffset(g.fromT - r.startT)}${g.resumesAt ? ` (resumes at ${g.resumesAt})` : ''}: ${events}`;
  });
  if (r.gaps.length > GAPS_LISTED) lines.push(`# … and ${r.gaps.length - GAPS_LISTED} more gaps`);
  lines.push(
    `#   the rules held the last values across each gap (longer than rules.stats.maxGapMs, ${maxGapMs / 1000} s); the statistics skip it, health time counts an hour of it at most`,
  );
  return lines;
}

function textLines(file: string, r: ReplayResult, opts: ReplayCliOptions, failures: string[] | undefined, maxGapMs: number): string[] {
  const unarmed = r.armed.filter((a) => !a.armed);
  const lines = [
    `# ${file}: ${r.samples} samples over ${((r.endT - r.startT) / 1000).toFixed(1)} s; signals: ${r.available.join(', ')}`,
    `# rules armed: ${r.armed.length - unarmed.length}/${r.armed.length}${unarmed.length > 0 ? `; not armed: ${unarmed.map((a) => `${a.type} (needs ${a.missing.join(', ') || 'signals'})`).join(', ')}` : ''}`,
    ...gapLines(r, maxGapMs),
    ...r.events.map((e) => eventLine(e, r.startT)),
  ];
  if (r.events.length === 0) lines.push('# no events');
  if (opts.stats) lines.push(`# stats: ${JSON.stringify(r.stats)}`);
  if (opts.earlyWarning) lines.push(...healthLines(r));
  if (failures !== undefined) lines.push(failures.length === 0 ? '# expectations: ok' : `# expectations FAILED:\n${failures.map((f) => `#   ${f}`).join('\n')}`);
  return lines;
}

function jsonLines(r: ReplayResult, opts: ReplayCliOptions, failures: string[] | undefined): string[] {
  const lines = r.events.map((e) => JSON.stringify(eventJson(e, r.startT)));
  if (r.gaps.length > 0) {
    const gaps = r.gaps.map((g) => ({ offsetMs: g.fromT - r.startT, ms: g.toT - g.fromT, ...(g.resumesAt ? { resumesAt: g.resumesAt } : {}), events: g.events }));
    lines.push(JSON.stringify({ gaps }));
  }
  if (opts.stats) lines.push(JSON.stringify({ stats: r.stats }));
  if (opts.earlyWarning) lines.push(JSON.stringify({ health: r.health ?? null }));
  if (failures !== undefined) lines.push(JSON.stringify({ expectations: { ok: failures.length === 0, failures } }));
  return lines;
}

export function registerReplay(program: Command): void {
  program
    .command('replay <file>')
    .description('run the fault rules over a recorded signal log (.jsonl, .csv) or a rule scenario (.yaml/.json) and print the events')
    .option('-c, --config <file>', 'site config: thresholds, rated speed and floors of --elevator')
    .option('--elevator <id>', 'which elevator of --config (optional when it has one)')
    .option('--rated-speed <mps>', 'rated speed, m/s')
    .option('--floors <mm,…>', 'landing levels in mm, ascending, e.g. 0,3000,6000')
    .option('--json', 'one JSON object per event')
    .option('--stats', 'also print the statistics of the whole log')
    .option('--baselines <file>', "a gateway's database: judge the log against the early-warning baselines it learned (opened read-only)")
    .option('--early-warning', 'also print the health indicators and baselines at the end of the log')
    .action((file: string, opts: ReplayCliOptions) => {
      const { lines, exitCode } = runReplay(file, opts);
      for (const line of lines) console.log(line);
      process.exitCode = exitCode;
    });
}
