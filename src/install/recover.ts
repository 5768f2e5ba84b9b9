import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { upgradeStateSchema, type UpgradeState } from '../contract/upgrade.js';
import { advance, nextStep } from './machine.js';
import { withUpgradeLock } from './lock.js';
import { currentVersion } from './releases.js';
import { GatewayMachine } from './system.js';
import { type HealthCheck, LOCK_FILE, UpgradeRun } from './upgrade-run.js';

/** Who finishes an interrupted upgrade: the unit before a start, `--recover` by hand, or the next upgrade before its own. */
export type RecoveredBy = 'service-start' | 'by-hand' | 'next-upgrade';

/** The end of the reason an interrupted upgrade is remembered by (the state file, the journal, the `upgrade` event). */
const FINISHED_BY: Record<RecoveredBy, string> = {
  'service-start': 'at the next start of the service',
  'by-hand': 'by elevgw upgrade --recover',
  'next-upgrade': 'by the next elevgw upgrade',
};

/**
 * Finishes the upgrades whose process ended before they did — a power cut, `kill -9`, the
 * machine shut down halfway — each as its own process would have finished it had its step failed
 * (src/install/machine.ts): interrupted before the swap, it is refused and nothing had changed;
 * from the swap on, or during a rollback, the previous release is put back. The caller holds the
 * upgrade lock, so every unfinished state file is one whose upgrade no longer runs.
 *
 * `service-start`: run by the unit's ExecStartPre (`elevgw upgrade --recover --service-starting`)
 * before the gateway starts, as after the reboot that follows a power cut: `current` and the outbox
 * are put right and that start goes on with the previous release, not gated. Otherwise (a later
 * `elevgw upgrade`, or `elevgw upgrade --recover` by hand) the service is stopped, put right,
 * started and gated as a rollback is.
 */
export async function finishInterrupted(run: UpgradeRun, by: RecoveredBy): Promise<UpgradeState[]> {
  const serviceStarting = by === 'service-start';
  const finished: UpgradeState[] = [];
  for (const file of unfinished(run)) {
    let s: UpgradeState;
    try {
      s = upgradeStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      // Half-written files cannot happen (one rename); one from a future version is left to it.
      run.m.journal(`cannot finish the interrupted upgrade in ${file}: ${errorMessage(e)}`, 'warning');
      continue;
    }
    if (s.outcome) continue;
    const step = nextStep(s);
    const how = FINISHED_BY[by];
    const why = `its process ended during the ${step} step (power cut, kill, or shutdown); finished ${how}`;
    const on = currentVersion(run.m);
    run.m.journal(`${s.from} → ${s.to} was interrupted at ${s.phase}; ${on === s.from ? `${s.from} is current` : `${on} is current, ${s.from} goes back`}`, 'warning');
    if (s.phase === 'rolling-back') s = { ...s, reason: `${s.reason ?? 'upgrade failed'}; the rollback was interrupted: ${why}` };
    else {
      s = advance(s, { ok: false, reason: `interrupted: ${why}` }, run.now());
      run.persist(s);
    }
    if (s.phase === 'rolling-back') {
      s = advance(s, await run.putBack(s, serviceStarting), run.now());
      run.persist(s);
    }
    run.tidy(s);
    finished.push(s);
  }
  return finished;
}

/** State files of upgrades without an outcome, oldest first (their names are ULIDs). */
function unfinished(run: UpgradeRun): string[] {
  let names: string[];
  try {
    names = readdirSync(run.stateDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.endsWith('.reported.json'))
    .sort()
    .map((n) => join(run.stateDir, n));
}

export interface RecoverOptions extends HealthCheck {
  root?: string;
  /** The site config, as a path on the gateway. */
  config: string;
  serviceStarting: boolean;
}

/**
 * `elevgw upgrade --recover`: finishes interrupted upgrades, if any. Returns them (none: nothing
 * was interrupted), or `running` with the pid of an upgrade that runs — it finishes by itself, and
 * its own `systemctl restart` is what runs the unit's ExecStartPre then.
 */
export async function recover(o: RecoverOptions): Promise<UpgradeState[] | { running: number }> {
  const m = new GatewayMachine(o.root);
  const run = new UpgradeRun(m, m.path(o.config), o);
  if (!existsSync(run.stateDir)) return []; // no upgrade ever ran here
  return withUpgradeLock<UpgradeState[] | { running: number }>(
    m.path(LOCK_FILE),
    () => finishInterrupted(run, o.serviceStarting ? 'service-start' : 'by-hand'),
    (pid) => ({ running: pid }),
  );
}
