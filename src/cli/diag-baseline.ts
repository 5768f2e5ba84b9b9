import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { indicatorSchema } from '../contract/health.js';
import { ElevgwError } from '../core/errors.js';
import { defineMessages, LANG_OPTION, msg, resolveLang } from '../diag/i18n.js';
import { parseArg } from './args.js';
import { DiagClient, ServiceUnreachable } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

export interface BaselineResetOptions {
  config: string;
  elevator: string;
  indicator?: string;
  /** A floor label, as the building shows it. */
  floor?: string;
  json?: boolean;
  lang?: string;
}

const resetTexts = defineMessages({
  forgotten: msg<{ elevator: string; keys: number; indicator: string | undefined; floor: string | undefined }>(
    (p) =>
      `✓ ${p.elevator}: ${p.keys} early-warning baseline(s) of ${p.indicator ?? 'every indicator'}${p.floor === undefined ? '' : ` at floor ${p.floor}`} forgotten; learned again from now (rules.earlyWarning.learningDays)`,
    (p) =>
      `✓ ${p.elevator}：已清除${p.floor === undefined ? '' : ` ${p.floor} 层`}${p.indicator ?? '全部指标'}的预警基线 ${p.keys} 条；从现在起重新学习（rules.earlyWarning.learningDays）`,
  ),
  cleared: msg<{ cause: string }>(
    (p) => `  warning cleared: ${p.cause}`,
    (p) => `  已解除预警：${p.cause}`,
  ),
  told: msg(
    () => '  the platform has been told (an early-warning event, baseline-reset)',
    () => '  已通知平台（early-warning 事件，baseline-reset）',
  ),
});

/**
 * `elevgw diag baseline reset`: after a part was replaced, the early-warning baselines it had are
 * forgotten and learned again (docs/early-warning.md). Not a read like the other diag commands: a
 * write to the gateway's own state, so it goes through the running gateway's diagnostics socket
 * (never the database behind its back), which reports it upstream. Who may: the elevgw group, the
 * socket's mode; the user sent is this process's, as the gateway cannot check it (no SO_PEERCRED
 * in Node). Returns the lines to print and the exit code (0 done, 1 refused, 3 no gateway).
 */
export async function resetBaselines(o: BaselineResetOptions): Promise<{ lines: string[]; exitCode: number }> {
  const t = resetTexts(resolveLang(o.lang));
  const config = loadConfig(o.config);
  const e = config.elevators.find((x) => x.config.id === o.elevator);
  if (!e) throw new ElevgwError('CONFIG_INVALID', `--elevator: no elevator "${o.elevator}" in ${o.config} (it has: ${config.elevators.map((x) => x.config.id).join(', ')})`);
  const indicator = o.indicator === undefined ? undefined : parseArg(indicatorSchema, o.indicator, '--indicator');
  const floor = o.floor === undefined ? undefined : e.config.floors.findIndex((f) => f.label === o.floor);
  if (floor === -1) throw new ElevgwError('CONFIG_INVALID', `--floor: no floor "${o.floor}" (floors: ${e.config.floors.map((f) => f.label).join(', ')})`);
  let client: DiagClient;
  try {
    client = await DiagClient.connect(config.diagSocketPath);
  } catch (err) {
    if (!(err instanceof ServiceUnreachable)) throw err;
    return { lines: [o.json ? JSON.stringify({ ok: false, reachable: false, problem: err.message }) : `✗ ${err.message}`], exitCode: DIAG_EXIT.unreachable };
  }
  try {
    client.send({ op: 'reset-baseline', elevator: o.elevator, user: userInfo().username, ...(indicator ? { indicator } : {}), ...(floor === undefined ? {} : { floor }) });
    const r = await client.next();
    if (r?.kind === 'error')
      return { lines: [o.json ? JSON.stringify({ ok: false, reachable: true, problem: r.error.message }) : `✗ ${r.error.message}`], exitCode: DIAG_EXIT.checkFailed };
    if (r?.kind !== 'reset') throw new ElevgwError('DIAG_INVALID', `unexpected answer from the gateway: ${r?.kind ?? 'nothing'}`);
    const lines = o.json
      ? [JSON.stringify({ ok: true, elevator: o.elevator, indicator: indicator ?? null, floor: floor ?? null, keys: r.keys, cleared: r.cleared })]
      : [t.forgotten({ elevator: o.elevator, keys: r.keys, indicator, floor: o.floor }), ...r.cleared.map((cause) => t.cleared({ cause })), t.told()];
    return { lines, exitCode: DIAG_EXIT.ok };
  } finally {
    client.close();
  }
}

export function registerDiagBaseline(diag: Command): void {
  diag
    .command('baseline')
    .description('early-warning baselines of the running gateway')
    .command('reset')
    .description(
      "forget an elevator's early-warning baselines after a part was replaced; through the running gateway, which tells the platform (the one diag command that writes: to the gateway's own state)",
    )
    .requiredOption('-c, --config <file>', 'site config (YAML): says where the diagnostics socket is')
    .requiredOption('--elevator <id>', 'the elevator')
    .option('--indicator <name>', 'only this indicator (doorCloseS, levelingMm, …; docs/early-warning.md)')
    .option('--floor <label>', 'only this landing (its floor label)')
    .option('--json', 'machine-readable output')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: BaselineResetOptions) => {
      const { lines, exitCode } = await resetBaselines(opts);
      for (const l of lines) console.log(l);
      process.exitCode = exitCode;
    });
}
