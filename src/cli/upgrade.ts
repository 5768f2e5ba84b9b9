import type { Command } from 'commander';
import { isAbsolute } from 'node:path';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import type { UpgradeOutcome } from '../contract/upgrade.js';
import { DiagClient } from './diag-client.js';

/** Exit status per outcome: 0 upgraded, 1 rolled back (the previous version runs), 2 refused (nothing changed), 4 the rollback failed too. */
const EXIT: Record<UpgradeOutcome, number> = { upgraded: 0, 'rolled-back': 1, refused: 2, 'rollback-failed': 4 };

/**
 * `elevgw upgrade`: installs a new release over the running one and goes back by itself when it
 * does not come up healthy (src/install/upgrade.ts; docs/install.md "Upgrade"). The health gate
 * asks the gateway what `elevgw health` asks it, over its diagnostics socket.
 */
export function registerUpgrade(program: Command): void {
  program
    .command('upgrade')
    .description('install a new release; roll back to the running one unless the gateway comes up healthy (docs/install.md)')
    .argument('<tarball>', 'elevgw-<version>-<target>.tar.gz, its .sha256 beside it')
    .option('--health-window <s>', 'seconds the restarted gateway has to become healthy and stay so', '60')
    .option('--config <file>', 'the site config on the gateway (validated with the new version, kept as it is)', '/etc/elevgw/site.yaml')
    .option('--root <dir>', 'act on the tree under DIR, as scripts/install.sh --root does (calls recorded in DIR/.elevgw-install.log)')
    .action(async (tarball: string, opts: { healthWindow: string; config: string; root?: string }) => {
      const window = Number(opts.healthWindow);
      if (!Number.isFinite(window) || window <= 0 || window > 3600)
        throw new ElevgwError('CONFIG_INVALID', `--health-window must be seconds between 0 and 3600, not ${opts.healthWindow}`);
      if (!isAbsolute(opts.config)) throw new ElevgwError('CONFIG_INVALID', `--config is the path on the gateway, e.g. /etc/elevgw/site.yaml, not ${opts.config}`);
      const { upgrade } = await import('../install/upgrade.js');
      const s = await upgrade({
        tarball,
        config: opts.config,
        ...(opts.root ? { root: opts.root } : {}),
        windowMs: window * 1000,
        health: askHealth,
        clock: systemClock,
      });
      const how = s.outcome === 'upgraded' ? 'running and healthy' : `${s.outcome}${s.failedStep ? ` at ${s.failedStep}` : ''}: ${s.reason ?? ''}`;
      console.log(`elevgw upgrade ${s.from} → ${s.to}: ${how}`);
      process.exitCode = EXIT[s.outcome ?? 'rollback-failed'];
    });
}

const sockets = new Map<string, string>();

/** One health question to the running gateway: what `elevgw health` prints, as a verdict and a line. */
async function askHealth(configFile: string): Promise<{ healthy: boolean; detail: string; version?: string }> {
  const socket = sockets.get(configFile) ?? loadConfig(configFile).diagSocketPath;
  sockets.set(configFile, socket);
  const client = await DiagClient.connect(socket, 2000);
  try {
    client.send({ op: 'health' });
    const r = await client.next();
    if (r?.kind !== 'health') return { healthy: false, detail: `unexpected answer: ${r?.kind ?? 'none'}` };
    return { healthy: r.health.healthy, version: r.health.version, detail: r.health.healthy ? `${r.health.version} healthy` : r.health.problems.join('; ') };
  } catch (e) {
    return { healthy: false, detail: errorMessage(e) };
  } finally {
    client.close();
  }
}
