import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { diagTexts } from '../diag/diag-text.js';
import { LANG_OPTION, resolveLang } from '../diag/i18n.js';
import { registerDiagBaseline } from './diag-baseline.js';
import { registerDiagBroker } from './diag-broker.js';
import { registerDiagLearn } from './diag-learn.js';
import { registerDiagLive } from './diag-live.js';
import { registerDiagScan } from './diag-scan.js';
import { DIAG_EXIT, registerDiagSignals } from './diag-signals.js';

/**
 * `elevgw diag …`: the technician's read-only commands — and `baseline reset`, a write to the
 * gateway's own state through the running gateway (diag-baseline.ts). Each has `--json` (never translated),
 * `--lang zh|en` for the lines meant for people, and the exit codes of DIAG_EXIT
 * (docs/diagnostics.md).
 */
export function registerDiag(program: Command): void {
  const diag = program.command('diag').description('diagnostics for technicians on site (read-only, but for baseline reset)');
  registerDiagSignals(diag);
  registerDiagScan(diag);
  registerDiagBroker(diag);
  registerDiagLearn(diag);
  registerDiagLive(diag);
  registerDiagBaseline(diag);
  diag
    .command('rules')
    .description('which fault rules are armed for each elevator, and which signals the others lack')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--json', 'machine-readable output')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: { config: string; json?: boolean; lang?: string }) => {
      const { pipelineFor } = await import('../detect/pipeline.js');
      const t = diagTexts(resolveLang(opts.lang));
      const config = loadConfig(opts.config);
      const report = config.elevators.map((e) => {
        const pipeline = pipelineFor(e);
        return {
          elevator: e.config.id,
          board: e.board.id,
          signals: [...pipeline.normalizer.available()].sort(),
          fused: [...pipeline.normalizer.fused()].sort(),
          rules: pipeline.detection.armed(),
        };
      });
      if (opts.json) {
        console.log(JSON.stringify(report));
        return;
      }
      for (const r of report) {
        console.log(t.rulesProvides({ elevator: r.elevator, board: r.board, signals: r.signals.join(', ') }));
        if (r.fused.length > 0) console.log(t.rulesFused({ signals: r.fused.join(', ') }));
        for (const rule of r.rules) {
          if (!rule.armed) console.log(t.ruleNotArmed({ rule: rule.type, missing: rule.missing.join(', ') }));
          else if (rule.fused) console.log(t.ruleArmedFused({ rule: rule.type, fused: rule.fused.join(', ') }));
          else console.log(t.ruleArmed({ rule: rule.type }));
        }
      }
    });
  diag
    .command('outbox')
    .description('pending, oldest pending age, delivered, evicted and size of the outbox database (read-only: creates, migrates and moves nothing)')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--json', 'machine-readable output')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: { config: string; json?: boolean; lang?: string }) => {
      const { readOutbox } = await import('../diag/outbox-read.js');
      const t = diagTexts(resolveLang(opts.lang));
      const config = loadConfig(opts.config);
      const r = readOutbox(config.outboxPath);
      if (!r.ok) {
        // Exit 1: the command ran and the check failed — there is no readable outbox where the config says.
        process.exitCode = DIAG_EXIT.checkFailed;
        if (opts.json) console.log(JSON.stringify({ path: r.path, ok: false, problem: r.problem, detail: r.detail }));
        else if (r.problem === 'missing') console.error(t.outboxMissing({ path: r.path }));
        else if (r.problem === 'unreadable') console.error(t.outboxUnreadable(r));
        else if (r.problem === 'not-an-outbox') console.error(t.outboxNotOutbox(r));
        else console.error(t.outboxNewer(r));
        return;
      }
      const s = r.stats;
      const oldestAgeS = s.oldestPendingCreatedAt === null ? null : Math.round((Date.now() - s.oldestPendingCreatedAt) / 1000);
      if (opts.json) {
        console.log(JSON.stringify({ path: r.path, ok: true, live: r.live, schemaVersion: r.schemaVersion, ...s, oldestPendingAgeS: oldestAgeS }));
        return;
      }
      console.log(t.outboxHead({ path: r.path, live: r.live }));
      console.log(
        t.outboxPending({
          n: s.pending,
          byKind: Object.entries(s.pendingByKind)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        }),
      );
      console.log(t.outboxOldest({ ageS: oldestAgeS }));
      console.log(t.outboxDelivered({ n: s.delivered }));
      console.log(t.outboxEvicted({ n: s.evicted }));
      console.log(t.outboxSize({ kib: (s.dbBytes / 1024).toFixed(0) }));
    });
}
