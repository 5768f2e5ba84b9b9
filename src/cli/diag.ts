import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { SqliteOutbox } from '../outbox/sqlite.js';
import { pipelineFor } from '../detect/pipeline.js';
import { registerDiagSignals } from './diag-signals.js';

export function registerDiag(program: Command): void {
  const diag = program.command('diag').description('diagnostics for technicians on site (read-only)');
  registerDiagSignals(diag);
  diag
    .command('rules')
    .description('which fault rules are armed for each elevator, and which signals the others lack')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--json', 'machine-readable output')
    .action((opts: { config: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const report = config.elevators.map((e) => {
        const pipeline = pipelineFor(e);
        return { elevator: e.config.id, board: e.board.id, signals: [...pipeline.normalizer.available()].sort(), rules: pipeline.detection.armed() };
      });
      if (opts.json) {
        console.log(JSON.stringify(report));
        return;
      }
      for (const r of report) {
        console.log(`${r.elevator} (board ${r.board}) provides: ${r.signals.join(', ')}`);
        for (const rule of r.rules) console.log(`  ${rule.armed ? 'armed    ' : 'NOT armed'} ${rule.type}${rule.armed ? '' : ` — board lacks ${rule.missing.join(', ')}`}`);
      }
    });
  diag
    .command('outbox')
    .description('pending, oldest pending age, delivered, evicted and size of the outbox database')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--json', 'machine-readable output')
    .action((opts: { config: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const outbox = SqliteOutbox.open(config.outboxPath, {
        maxBytes: config.site.outbox.maxMb * 1024 * 1024,
        retentionMs: config.site.outbox.retentionDays * 86_400_000,
      });
      try {
        const s = outbox.stats();
        const oldestAgeS = s.oldestPendingCreatedAt === null ? null : Math.round((Date.now() - s.oldestPendingCreatedAt) / 1000);
        if (opts.json) {
          console.log(JSON.stringify({ path: config.outboxPath, ...s, oldestPendingAgeS: oldestAgeS }));
          return;
        }
        console.log(`outbox ${config.outboxPath}`);
        console.log(`  pending    ${s.pending} (${Object.entries(s.pendingByKind).map(([k, v]) => `${k} ${v}`).join(', ')})`);
        console.log(`  oldest     ${oldestAgeS === null ? '—' : `${oldestAgeS} s ago`}`);
        console.log(`  delivered  ${s.delivered}`);
        console.log(`  evicted    ${s.evicted}`);
        console.log(`  size       ${(s.dbBytes / 1024).toFixed(0)} KiB`);
      } finally {
        outbox.close();
      }
    });
}
