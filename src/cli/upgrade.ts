import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { isAbsolute } from 'node:path';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import type { UpgradeOutcome } from '../contract/upgrade.js';
import type { RecoverOptions } from '../install/recover.js';
import { DiagClient } from './diag-client.js';
import { outliveTheTerminal } from './shutdown.js';

/** Exit status per outcome: 0 upgraded, 1 rolled back (the previous version runs), 2 refused (nothing changed), 4 the rollback failed too. */
const EXIT: Record<UpgradeOutcome, number> = { upgraded: 0, 'rolled-back': 1, refused: 2, 'rollback-failed': 4 };

/** Set in the environment of the `elevgw upgrade` that runs in its own session (see below). */
const OWN_SESSION = 'ELEVGW_UPGRADE_OWN_SESSION';

/**
 * `elevgw upgrade`: installs a new release over the running one and goes back by itself when it
 * does not come up healthy (src/install/upgrade.ts; docs/install.md "Upgrade"). The health gate
 * asks the gateway what `elevgw health` asks it, over its diagnostics socket.
 *
 * The upgrade runs in a session of its own, a child of the command the installer typed: a dropped
 * ssh connection (its hangup, a terminal that is gone) ends that command but not the upgrade, which
 * finishes and rolls back by itself as it would have with someone watching (its lines are in the
 * journal). Ctrl-C is passed on to it as a cancel. `--recover` finishes an upgrade whose process
 * died all the same (a power cut, `kill -9`); the unit runs it before every start.
 */
export function registerUpgrade(program: Command): void {
  program
    .command('upgrade')
    .description('install a new release; roll back to the running one unless the gateway comes up healthy (docs/install.md)')
    .argument('[tarball]', 'elevgw-<version>-<target>.tar.gz, its .sha256 beside it')
    .option('--health-window <s>', 'seconds the restarted gateway has to become healthy and stay so', '60')
    .option('--config <file>', 'the site config on the gateway (validated with the new version, kept as it is)', '/etc/elevgw/site.yaml')
    .option('--root <dir>', 'act on the tree under DIR, as scripts/install.sh --root does (calls recorded in DIR/.elevgw-install.log)')
    .option('--recover', 'no tarball: finish an upgrade whose process died (power cut, kill): refused before the swap, the previous release back after it')
    .option('--service-starting', "with --recover: run by the unit's ExecStartPre; neither stop nor start the service, its start goes on")
    .action(async (tarball: string | undefined, opts: { healthWindow: string; config: string; root?: string; recover?: boolean; serviceStarting?: boolean }) => {
      const window = Number(opts.healthWindow);
      if (!Number.isFinite(window) || window <= 0 || window > 3600)
        throw new ElevgwError('CONFIG_INVALID', `--health-window must be seconds between 0 and 3600, not ${opts.healthWindow}`);
      if (!isAbsolute(opts.config)) throw new ElevgwError('CONFIG_INVALID', `--config is the path on the gateway, e.g. /etc/elevgw/site.yaml, not ${opts.config}`);
      if (opts.recover === (tarball !== undefined))
        throw new ElevgwError('CONFIG_INVALID', opts.recover ? '--recover takes no tarball' : 'give the release tarball to install (or --recover)');
      if (opts.serviceStarting && !opts.recover) throw new ElevgwError('CONFIG_INVALID', '--service-starting goes with --recover');
      const gate = { windowMs: window * 1000, health: askHealth, clock: systemClock };
      const root = opts.root ? { root: opts.root } : {};
      if (opts.recover) {
        process.exitCode = await recoverCommand({ ...gate, ...root, config: opts.config, serviceStarting: opts.serviceStarting === true });
        return;
      }
      if (!process.env[OWN_SESSION]) {
        process.exitCode = await inOwnSession();
        return;
      }
      outliveTheTerminal();
      const cancel = new AbortController();
      for (const sig of ['SIGINT', 'SIGTERM'] as const)
        process.on(sig, () => {
          if (cancel.signal.aborted) console.error('elevgw upgrade: still finishing (a rollback is never cut short); its lines are in journalctl -t elevgw-upgrade');
          else {
            console.error(`elevgw upgrade: ${sig}: cancelling — refused if nothing changed yet, else the running release goes back`);
            cancel.abort(sig);
          }
        });
      const { upgrade } = await import('../install/upgrade.js');
      const s = await upgrade({ ...gate, ...root, tarball: tarball!, config: opts.config, signal: cancel.signal });
      const how = s.outcome === 'upgraded' ? 'running and healthy' : `${s.outcome}${s.failedStep ? ` at ${s.failedStep}` : ''}: ${s.reason ?? ''}`;
      console.log(`elevgw upgrade ${s.from} → ${s.to}: ${how}`);
      process.exitCode = EXIT[s.outcome ?? 'rollback-failed'];
    });
}

/**
 * Runs this same command again in a new session (setsid) with the same terminal, the same Node
 * and flags, waits for it and exits as it does. Ctrl-C and SIGTERM are passed on; a hangup ends only this process, and the
 * upgrade goes on.
 */
function inOwnSession(): Promise<number> {
  // As the launcher runs Node: behind ELEVGW_NODE_EXEC (qemu-user, a release of another CPU) when set.
  const [exec, ...pre] = [...(process.env.ELEVGW_NODE_EXEC ?? '').split(/\s+/).filter(Boolean), process.execPath];
  const child = spawn(exec!, [...pre, ...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'inherit',
    env: { ...process.env, [OWN_SESSION]: String(process.pid) },
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1)));
  });
}

async function recoverCommand(o: RecoverOptions): Promise<number> {
  const { recover } = await import('../install/recover.js');
  const r = await recover(o);
  if ('running' in r) {
    console.log(`elevgw upgrade --recover: an upgrade runs (pid ${r.running}); it finishes by itself`);
    return 0;
  }
  if (r.length === 0) console.log('elevgw upgrade --recover: no interrupted upgrade');
  for (const s of r) console.log(`elevgw upgrade ${s.from} → ${s.to}: ${s.outcome}${s.failedStep ? ` at ${s.failedStep}` : ''}: ${s.reason ?? ''}`);
  return r.some((s) => s.outcome === 'rollback-failed') ? EXIT['rollback-failed'] : 0;
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
