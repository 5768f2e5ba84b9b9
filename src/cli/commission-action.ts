import { dirname } from 'node:path';
import type { CommissioningData, CommissioningStep } from '../contract/commissioning.js';
import type { LoadedConfig, LoadedElevator } from '../config/load.js';
import { systemTimers } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import { pipelineFor } from '../detect/pipeline.js';
import { checkFloors, checkRules, checkSignals, checkSpeed, checkTexts, type CheckResult } from '../diag/commission/checks.js';
import { writeMeasuredLevels } from '../diag/commission/floor-fix.js';
import type { CommissioningReport, StepOutcome } from '../diag/commission/model.js';
import { eventData, overall, reportName, writeReport } from '../diag/commission/report.js';
import { CommissionSession } from '../diag/commission/session.js';
import { CHECK_WORDS, commissionTexts } from '../diag/commission/texts.js';
import type { Lang } from '../diag/i18n.js';
import { FaultAges, frameFromSnapshot } from '../diag/live/frame.js';
import { watchService } from '../diag/live/service-source.js';
import { readKeys } from '../diag/live/terminal.js';
import { VERSION } from '../runtime/version.js';
import { DiagClient, ServiceUnreachable } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/** The walk through the steps (commission.ts declares the options), the checks, the report and the event; the exit code. */
export async function commission(o: { config: LoadedConfig; e: LoadedElevator; technician: string; timeoutS: number; steps: CommissioningStep[]; lang: Lang }): Promise<number> {
  const { config, e, lang } = o;
  const t = commissionTexts(lang);
  const out = process.stdout;
  const timeScale = config.site.runtime.timeScale;
  const client = await DiagClient.connect(config.diagSocketPath);
  client.send({ op: 'snapshot', elevator: e.config.id });
  const first = await client.next();
  if (first?.kind !== 'snapshot')
    throw new ElevgwError('DIAG_INVALID', `the gateway did not answer with a snapshot: ${first?.kind === 'error' ? first.error.message : (first?.kind ?? 'nothing')}`);
  const gateway = first.snapshot;
  const shown = gateway.elevators.find((x) => x.id === e.config.id);
  out.write(`${t.head({ elevator: e.config.id, board: e.board.id, gateway: gateway.gatewayId, version: gateway.version, by: o.technician })}\n`);
  out.write(`${t.plan({ n: o.steps.length, timeout: `${o.timeoutS} s` })}${timeScale === 1 ? '' : ` ${t.scaled({ scale: timeScale })}`}\n\n`);

  const startedMs = Date.now();
  const tty = process.stdin.isTTY === true && out.isTTY === true;
  const session = new CommissionSession({
    steps: o.steps,
    floors: e.config.floors,
    stationaryMps: e.thresholds.stationaryMps,
    timeoutS: o.timeoutS,
    timeScale,
    timers: systemTimers,
    lang,
    out,
    tty,
  });
  if (shown) session.frame(frameFromSnapshot(gateway, shown, new FaultAges(), Date.now()));
  const restoreKeys = tty ? readKeys(process.stdin, (k) => session.key(k)) : undefined;
  let gone = false;
  // Snapshots at about a quarter of a site second, so a 3 s hold is seen to within a fraction of it.
  const everyMs = Math.min(250, Math.max(100, Math.round(250 / timeScale)));
  const watching = watchService(client, { elevator: e.config.id, everyMs, wallNow: () => Date.now() }, { frame: (f) => session.frame(f) }).finally(() => {
    gone = true;
    session.cancel();
  });
  try {
    const outcomes = await session.run();
    // Whether the gateway left, read before this side closes the connection (which ends the watch too).
    const left = gone;
    client.close();
    await watching.catch(() => undefined);
    if (outcomes === 'aborted') {
      if (left) throw new ElevgwError('DIAG_UNREACHABLE', `the gateway closed the diagnostics connection (${config.diagSocketPath}): is the service still running?`);
      return DIAG_EXIT.checkFailed;
    }
    return await conclude({ ...o, session, outcomes, startedMs, gatewayId: gateway.gatewayId, t });
  } finally {
    restoreKeys?.();
    client.close();
  }
}

async function conclude(o: {
  config: LoadedConfig;
  e: LoadedElevator;
  lang: Lang;
  technician: string;
  session: CommissionSession;
  outcomes: StepOutcome[];
  startedMs: number;
  gatewayId: string;
  t: ReturnType<typeof commissionTexts>;
}): Promise<number> {
  const { e, lang, t, session } = o;
  const out = process.stdout;
  const ct = checkTexts(lang);
  const rec = session.recorder;
  const floors = checkFloors(e.config.floors, rec, ct);
  const speed = checkSpeed(e.config.ratedSpeedMps, rec, ct);
  const signals = checkSignals(rec, ct);
  const rules = checkRules(pipelineFor(e).detection.armed(), ct);
  out.write(`\n${t.checksHead()}\n`);
  const line = (c: CheckResult) => out.write(`${t.check({ mark: MARK[c.result], check: CHECK_WORDS[lang][c.check], detail: c.detail })}\n`);
  line(floors);
  let written: CommissioningReport['floorTableWritten'];
  let floorResult: CheckResult = floors;
  if (floors.fixes.length > 0 && (await session.confirm(t.askFix({ file: o.config.file })))) {
    try {
      const { backup } = writeMeasuredLevels(o.config.file, e.config.id, floors.fixes, Date.now());
      written = { backup, levels: floors.fixes };
      out.write(`${t.fixed({ file: o.config.file, backup })}\n`);
      // Corrected: no longer a failure of the installation, but the service reads the new table only after a restart.
      floorResult = { check: 'floor-table', result: 'warn', detail: `${floors.detail} — ${t.fixed({ file: o.config.file, backup }).trim().replace(/^✓ /, '')}` };
    } catch (err) {
      out.write(`${t.fixFailed({ why: errorMessage(err) })}\n`);
    }
  } else if (floors.fixes.length > 0) out.write(`${t.notFixed()}\n`);
  for (const c of [speed, signals, rules]) line(c);

  const checks: CheckResult[] = [floorResult, speed, signals, rules].map(({ check, result, detail }) => ({ check, result, detail }));
  const result = overall(o.outcomes, checks);
  const count = (r: StepOutcome['result'][]) => o.outcomes.filter((s) => r.includes(s.result)).length;
  const summary = t.summary({
    n: o.outcomes.length,
    passed: count(['pass']),
    skipped: count(['skipped']),
    failed: count(['fail', 'timeout']),
    checksFailed: checks.filter((c) => c.result === 'fail').length,
  });
  const endedMs = Date.now();
  const name = reportName(e.config.id, o.startedMs);
  const base: Omit<CommissioningReport, 'event'> = {
    elevator: e.config.id,
    gatewayId: o.gatewayId,
    board: e.board.id,
    softwareVersion: VERSION,
    technician: o.technician,
    lang,
    config: o.config.file,
    startedAt: new Date(o.startedMs).toISOString(),
    endedAt: new Date(endedMs).toISOString(),
    timeScale: o.config.site.runtime.timeScale,
    result,
    summary,
    steps: o.outcomes,
    checks,
    floors: floors.floors,
    ...(written ? { floorTableWritten: written } : {}),
    ratedSpeedMps: e.config.ratedSpeedMps,
    maxSpeedMps: speed.seenMps,
    neverChanged: signals.neverChanged,
    trace: rec.trace,
  };
  const event = await record(o.config.diagSocketPath, e.config.id, eventData(base, name, session.siteMs() / 1000));
  const files = writeReport(dirname(o.config.outboxPath), name, { ...base, event: 'id' in event ? { id: event.id } : { error: event.error } });
  out.write('\n');
  if (files.fallback) out.write(`${t.reportElsewhere({ dir: dirname(o.config.outboxPath), why: files.fallback })}\n`);
  out.write(`${t.report(files)}\n`);
  out.write(`${'id' in event ? t.recorded({ id: event.id }) : t.notRecorded({ why: event.error })}\n`);
  out.write(`${t.result({ pass: result === 'pass', summary })}\n`);
  if (!('id' in event)) return event.unreachable ? DIAG_EXIT.unreachable : DIAG_EXIT.checkFailed;
  return result === 'pass' ? DIAG_EXIT.ok : DIAG_EXIT.checkFailed;
}

/** Stores the summary in the running gateway's outbox: the diagnostics protocol's one write. */
async function record(socket: string, elevator: string, data: CommissioningData): Promise<{ id: string } | { error: string; unreachable: boolean }> {
  let client: DiagClient | undefined;
  try {
    client = await DiagClient.connect(socket);
    client.send({ op: 'record-commissioning', elevator, data });
    const r = await client.next();
    if (r?.kind === 'recorded') return { id: r.id };
    return { error: r?.kind === 'error' ? r.error.message : `unexpected answer: ${r?.kind ?? 'none'}`, unreachable: false };
  } catch (err) {
    return { error: errorMessage(err), unreachable: err instanceof ServiceUnreachable };
  } finally {
    client?.close();
  }
}
