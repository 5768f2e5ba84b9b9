import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';
import { DiagClient, ServiceUnreachable } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

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
    .action(async (opts: { config: string; json?: boolean }) => {
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
            `${h.healthy ? '✓' : '✗'} gateway ${h.gatewayId} ${h.version}, up ${h.uptimeS} s, ${h.elevators.length} elevator(s), outbox ${h.outbox.pending} pending${h.outbox.writable ? '' : ' (NOT writable)'}`,
          );
          for (const e of h.elevators) console.log(`  ${e.id}: driver ${e.driver}, last detection step ${Math.round(e.lastStepAgeMs)} ms ago`);
          for (const p of h.problems) console.log(`  ✗ ${p}`);
        }
        process.exitCode = h.healthy ? DIAG_EXIT.ok : DIAG_EXIT.checkFailed;
      } finally {
        client.close();
      }
    });
}
