import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ElevgwError } from '../core/errors.js';
import { EventIdFactory } from '../core/ids.js';
import type { UpgradeState, UpgradeStep } from '../contract/upgrade.js';
import { withUpgradeLock } from './lock.js';
import { drive, startUpgrade, type StepResult } from './machine.js';
import { backUp, needsBackup } from './outbox-backup.js';
import { finishInterrupted } from './recover.js';
import { currentVersion, NotStaged, outboxSchemaOf, parseTarball, place, pointCurrentAt, stage, type Staged } from './releases.js';
import { GatewayMachine } from './system.js';
import { type HealthCheck, interrupted, LOCK_FILE, STATE_DIR, UpgradeRun } from './upgrade-run.js';

export interface UpgradeOptions extends HealthCheck {
  tarball: string;
  /** Act on the tree under this directory (scripts/install.sh's --root). */
  root?: string;
  /** The site config, as a path on the gateway. */
  config: string;
  /**
   * Aborted to cancel (Ctrl-C, SIGTERM; its reason names the signal): before the swap the upgrade
   * is refused with nothing changed; after it, the previous release is put back. A rollback under
   * way is never cut short.
   */
  signal?: AbortSignal;
}

/**
 * `elevgw upgrade`: stage the release (checked as install.sh checks it) → validate the live config
 * with the new version → swap `current` → restart → health gate → on any failure after the swap,
 * the previous release back, restarted and checked. The state file in /var/lib/elevgw/upgrade is
 * rewritten at every step (the gateway reports the finished one upstream, src/runtime/upgrade-report.ts),
 * every step goes to the journal. An upgrade an earlier one's death left unfinished is finished
 * first (src/install/recover.ts). Keeps the new release and the one before it.
 */
export async function upgrade(o: UpgradeOptions): Promise<UpgradeState> {
  const m = new GatewayMachine(o.root);
  if (!currentVersion(m)) throw new ElevgwError('CONFIG_NOT_FOUND', `no release is installed (${m.path('/opt/elevgw/current')}): install one with scripts/install.sh first`);
  const tarball = parseTarball(o.tarball);
  const configFile = m.path(o.config);
  if (!existsSync(configFile))
    throw new ElevgwError('CONFIG_NOT_FOUND', `no site config at ${configFile}: an upgrade keeps the installed one, so there must be one (scripts/install.sh --site)`);
  const ensured = m.lib('ensure_dir', STATE_DIR, '0750', 'elevgw:elevgw');
  if (ensured.status !== 0) throw new ElevgwError('CONFIG_INVALID', ensured.stderr.trim());
  const run = new UpgradeRun(m, configFile, o, o.signal);
  const id = new EventIdFactory(() => o.clock.wallNow()).next();
  const signal = o.signal;
  /**
   * A cancel seen by now. Staging and validation block the event loop (spawnSync), so a Ctrl-C
   * pressed meanwhile waits in libuv until the loop turns: one turn first lets its handler run.
   */
  const cancelled = async (when: string): Promise<StepResult | undefined> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return signal?.aborted ? { ok: false, reason: interrupted(signal, when) } : undefined;
  };

  return withUpgradeLock(m.path(LOCK_FILE), async () => {
    await finishInterrupted(run, 'next-upgrade');
    const from = currentVersion(m)!;
    let staged: Staged | undefined;
    /** What the state file records beyond the machine's own fields, for a recovery to go by. */
    const record: Partial<UpgradeState> = {};
    const persist = (s: UpgradeState) => run.persist(Object.assign(s, record));

    const steps: Record<UpgradeStep, () => Promise<StepResult>> = {
      stage: async () => {
        if (tarball.version === from) return { ok: false, reason: `${from} is the version installed and running: nothing to upgrade` };
        const before = await cancelled('before anything changed');
        if (before) return before;
        try {
          staged = stage(m, tarball);
          record.unpacked = !staged.reused;
          return { ok: true };
        } catch (e) {
          if (e instanceof NotStaged) return { ok: false, reason: e.message };
          throw e;
        }
      },
      validate: async () => {
        const before = await cancelled('before anything changed');
        if (before) return before;
        const r = m.libScript(
          'd=$(credentials_for_validation "$1"); trap \'rm -rf "$d"\' EXIT; validate_as_service "$2" "$3" "$d"',
          m.path('/etc/elevgw/credentials'),
          staged!.dir,
          configFile,
        );
        if (r.status !== 0) {
          const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !l.startsWith('elevgw: CONFIG_'));
          return {
            ok: false,
            reason: `${o.config} fails \`elevgw config validate --strict\` with ${tarball.version}: ${problems.slice(0, 5).join('; ').replaceAll(configFile, o.config)}`,
          };
        }
        // The last moment a cancel changes nothing: the swap starts right after.
        return (await cancelled('before anything changed')) ?? { ok: true };
      },
      swap: async () => {
        const db = run.outboxPath();
        if (needsBackup(db, outboxSchemaOf(staged!.dir))) {
          // Stopped first: a copy of a database being written is not a backup.
          const stopped = run.service('stop');
          if (!stopped.ok) return { ok: false, reason: `cannot stop the service to back up the outbox: ${stopped.reason}` };
          const backup = join(run.stateDir, `outbox-before-${tarball.version}.db`);
          backUp(db, backup);
          record.outboxBackup = backup;
          m.journal(`outbox ${db} copied to ${backup}: ${tarball.version} may migrate its schema`);
        }
        place(m, staged!);
        pointCurrentAt(m, tarball.version);
        return { ok: true };
      },
      restart: async () => (await cancelled('after the swap')) ?? run.service('restart'),
      health: () => run.gate(tarball.version, true),
      rollback: () => run.putBack({ from, to: tarball.version }),
    };

    let s = startUpgrade(id, from, tarball.version, run.now());
    persist(s);
    s = await drive(s, steps, persist, () => run.now());
    run.tidy(s);
    return s;
  });
}
