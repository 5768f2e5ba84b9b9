import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';
import { defineMessages, LANG_OPTION, msg, resolveLang } from '../diag/i18n.js';
import { DiagClient, ServiceUnreachable } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

const healthTexts = defineMessages({
  gateway: msg<{ ok: boolean; id: string; version: string; uptimeS: number; elevators: number; pending: number; writable: boolean }>(
    (p) => `${p.ok ? '✓' : '✗'} gateway ${p.id} ${p.version}, up ${p.uptimeS} s, ${p.elevators} elevator(s), outbox ${p.pending} pending${p.writable ? '' : ' (NOT writable)'}`,
    (p) => `${p.ok ? '✓' : '✗'} 网关 ${p.id} ${p.version}，已运行 ${p.uptimeS} 秒，${p.elevators} 部电梯，发件箱待发 ${p.pending} 条${p.writable ? '' : '（不可写）'}`,
  ),
  elevator: msg<{ id: string; driver: string; ageMs: number }>(
    (p) => `  ${p.id}: driver ${p.driver}, last detection step ${p.ageMs} ms ago`,
    (p) => `  ${p.id}：驱动 ${p.driver}，上次检测 ${p.ageMs} 毫秒前`,
  ),
});

/**
 * `elevgw health`: asks the running gateway whether it is monitoring — every elevator's poll loop
 * progressing and the outbox writable. For systemd-free supervisors (a Docker HEALTHCHECK) and
 * the upgrade's health gate. Exit 0 healthy, 1 unhealthy, 2 usage or config error, 3 no gateway.
 */
export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('is the running gateway monitoring? (exit 0 healthy, 1 unhealthy, 3 not running)')
    .requiredOption('-c, --config <file>', 'site config (YAML): says where the diagnostics socket is')
    .option('--json', 'machine-readable output')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: { config: string; json?: boolean; lang?: string }) => {
      const t = healthTexts(resolveLang(opts.lang));
      const config = loadConfig(opts.config);
      let client: DiagClient;
      try {
        client = await DiagClient.connect(config.diagSocketPath);
      } catch (e) {
        if (!(e instanceof ServiceUnreachable)) throw e;
        if (opts.json) console.log(JSON.stringify({ healthy: false, reachable: false, problems: [e.message] }));
        else console.error(`✗ ${e.message}`);
        process.exitCode = DIAG_EXIT.unreachable;
        return;
      }
      try {
        client.send({ op: 'health' });
        const r = await client.next();
        if (r?.kind !== 'health') throw new ElevgwError('DIAG_INVALID', `unexpected answer from the gateway: ${r?.kind ?? 'nothing'}`);
        const h = r.health;
        if (opts.json) console.log(JSON.stringify({ reachable: true, ...h }));
        else {
          console.log(
            t.gateway({
              ok: h.healthy,
              id: h.gatewayId,
              version: h.version,
              uptimeS: h.uptimeS,
              elevators: h.elevators.length,
              pending: h.outbox.pending,
              writable: h.outbox.writable,
            }),
          );
          for (const e of h.elevators) console.log(t.elevator({ id: e.id, driver: e.driver, ageMs: Math.round(e.lastStepAgeMs) }));
          for (const p of h.problems) console.log(`  ✗ ${p}`);
        }
        process.exitCode = h.healthy ? DIAG_EXIT.ok : DIAG_EXIT.checkFailed;
      } finally {
        client.close();
      }
    });
}
