import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { ElevgwError, errorMessage } from '../core/errors.js';
import { EventIdFactory } from '../core/ids.js';
import type { UpgradeState, UpgradeStep } from '../contract/upgrade.js';
import { gateVerdict, type Probe } from './gate.js';
import { drive, startUpgrade, type StepResult } from './machine.js';
import { backUp, needsBackup, restoreIfMigrated } from './outbox-backup.js';
import { currentVersion, NotStaged, outboxSchemaOf, parseTarball, place, pointCurrentAt, pruneReleases, releaseDir, stage, type Staged } from './releases.js';
import { GatewayMachine } from './system.js';
import { withUpgradeLock } from './lock.js';

export interface UpgradeOptions {
  tarball: string;
  /** Act on the tree under this directory (scripts/install.sh's --root). */
  root?: string;
  /** The site config, as a path on the gateway. */
  config: string;
  /** How long the restarted gateway has to become healthy and stay so. */
  windowMs: number;
  /** The running gateway's own health check (`elevgw health`) against this config file. */
  health: (configFile: string) => Promise<{ healthy: boolean; detail: string; version?: string }>;
  clock: Clock;
  /** Between two probes of the health gate. */
  probeEveryMs?: number;
}

const STATE_DIR = '/var/lib/elevgw/upgrade';
/** A gateway that accepts the health question but never answers is not healthy (and must not hang the gate). */
const PROBE_TIMEOUT_MS = 5000;

/**
 * `elevgw upgrade`: stage the release (checked as install.sh checks it) → validate the live config
 * with the new version → swap `current` → restart → health gate → on any failure after the swap,
 * the previous release back, restarted and checked. The state file in /var/lib/elevgw/upgrade is
 * rewritten at every step (the gateway reports the finished one upstream, src/runtime/upgrade-report.ts),
 * every step goes to the journal. Keeps the new release and the one before it.
 */
export async function upgrade(o: UpgradeOptions): Promise<UpgradeState> {
  const m = new GatewayMachine(o.root);
  const from = currentVersion(m);
  if (!from) throw new ElevgwError('CONFIG_NOT_FOUND', `no release is installed (${m.path('/opt/elevgw/current')}): install one with scripts/install.sh first`);
  const tarball = parseTarball(o.tarball);
  const configFile = m.path(o.config);
  if (!existsSync(configFile))
    throw new ElevgwError('CONFIG_NOT_FOUND', `no site config at ${configFile}: an upgrade keeps the installed one, so there must be one (scripts/install.sh --site)`);
  const ensured = m.lib('ensure_dir', STATE_DIR, '0750', 'elevgw:elevgw');
  if (ensured.status !== 0) throw new ElevgwError('CONFIG_INVALID', ensured.stderr.trim());
  const stateDir = m.path(STATE_DIR);
  const now = () => new Date(o.clock.wallNow()).toISOString();
  const id = new EventIdFactory(() => o.clock.wallNow()).next();

  return withUpgradeLock(m.path('/opt/elevgw/.upgrade.lock'), async () => {
    const persist = (s: UpgradeState) => {
      const file = join(stateDir, `${s.id}.json`);
      writeFileSync(`${file}.tmp`, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o644 });
      renameSync(`${file}.tmp`, file);
      const line = `${s.from} → ${s.to}: ${s.phase}${s.reason && s.outcome ? ` (${s.reason})` : ''}`;
      m.journal(line, s.outcome === 'rollback-failed' ? 'err' : s.outcome && s.outcome !== 'upgraded' ? 'warning' : 'info');
    };
    const outboxPath = () => loadConfig(configFile).outboxPath;
    let staged: Staged | undefined;
    let backup: string | undefined;

    const restart = (verb: 'restart' | 'start'): StepResult => {
      const r = m.sys('systemctl', [verb, 'elevgw.service']);
      return r.status === 0 ? { ok: true } : { ok: false, reason: `systemctl ${verb} elevgw.service failed: ${lastLine(r.stderr) || `exit ${r.status}`}` };
    };
    /** The health gate; the gateway answering must be `version`, or it is still the one before. */
    const gate = async (version: string): Promise<StepResult> => {
      const startedAt = o.clock.now();
      const probes: Probe[] = [];
      for (;;) {
        const active = m.serviceState();
        const h = await answerWithin(o.clock, PROBE_TIMEOUT_MS, o.health(configFile)).catch((e: unknown) => ({ healthy: false, detail: errorMessage(e), version: undefined }));
        const other = h.version !== undefined && h.version !== version;
        probes.push({ at: o.clock.now(), active, healthy: h.healthy && !other, detail: other ? `version ${h.version} answers, not ${version}` : h.detail });
        const v = gateVerdict(probes, startedAt, o.windowMs);
        if (v.verdict === 'pass') return { ok: true };
        if (v.verdict === 'fail') return { ok: false, reason: v.reason };
        await new Promise<void>((resolve) => o.clock.after(o.probeEveryMs ?? 1000, resolve));
      }
    };

    const steps: Record<UpgradeStep, () => Promise<StepResult>> = {
      stage: async () => {
        if (tarball.version === from) return { ok: false, reason: `${from} is the version installed and running: nothing to upgrade` };
        try {
          staged = stage(m, tarball);
          return { ok: true };
        } catch (e) {
          if (e instanceof NotStaged) return { ok: false, reason: e.message };
          throw e;
        }
      },
      validate: async () => {
        const r = m.libScript(
          'd=$(credentials_for_validation "$1"); trap \'rm -rf "$d"\' EXIT; validate_as_service "$2" "$3" "$d"',
          m.path('/etc/elevgw/credentials'),
          staged!.dir,
          configFile,
        );
        if (r.status === 0) return { ok: true };
        const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !l.startsWith('elevgw: CONFIG_'));
        return {
          ok: false,
          reason: `${o.config} fails \`elevgw config validate --strict\` with ${tarball.version}: ${problems.slice(0, 5).join('; ').replaceAll(configFile, o.config)}`,
        };
      },
      swap: async () => {
        const db = outboxPath();
        if (needsBackup(db, outboxSchemaOf(staged!.dir))) {
          // Stopped first: a copy of a database being written is not a backup.
          const stopped = m.sys('systemctl', ['stop', 'elevgw.service']);
          if (stopped.status !== 0) return { ok: false, reason: `cannot stop the service to back up the outbox: ${lastLine(stopped.stderr)}` };
          backup = join(stateDir, `outbox-before-${tarball.version}.db`);
          backUp(db, backup);
          m.journal(`outbox ${db} copied to ${backup}: ${tarball.version} may migrate its schema`);
        }
        place(m, staged!);
        pointCurrentAt(m, tarball.version);
        return { ok: true };
      },
      restart: async () => restart('restart'),
      health: () => gate(tarball.version),
      rollback: async () => {
        m.sys('systemctl', ['stop', 'elevgw.service']);
        pointCurrentAt(m, from);
        if (backup) {
          const db = outboxPath();
          const aside = restoreIfMigrated(db, backup, outboxSchemaOf(releaseDir(m, from)) ?? 1, tarball.version);
          if (aside) {
            for (const f of [db, `${db}-wal`]) if (existsSync(f)) m.sys('chown', ['elevgw:elevgw', f]);
            m.journal(`${tarball.version} had migrated the outbox: restored ${backup}; what it stored is in ${aside}`, 'warning');
          }
        }
        const started = restart('start');
        if (!started.ok) return started;
        const healthy = await gate(from);
        return healthy.ok ? healthy : { ok: false, reason: `${from} is not healthy either: ${healthy.reason}` };
      },
    };

    let s = startUpgrade(id, from, tarball.version, now());
    persist(s);
    s = await drive(s, steps, persist, now);
    finish(m, s, staged, stateDir);
    return s;
  });
}

/** Keeps the new release and the previous one (after a rollback: the previous and the one before it), and a short history. */
function finish(m: GatewayMachine, s: UpgradeState, staged: Staged | undefined, stateDir: string): void {
  if (s.outcome === 'upgraded') pruneReleases(m, [s.to, s.from]);
  else if (staged && !staged.reused && currentVersion(m) !== s.to) rmSync(releaseDir(m, s.to), { recursive: true, force: true });
  if (staged && !staged.reused) rmSync(join(staged.dir, '..'), { recursive: true, force: true }); // a staging dir never moved
  const files = readdirSync(stateDir);
  const reported = files.filter((n) => n.endsWith('.reported.json')).sort();
  for (const n of reported.slice(0, -10)) rmSync(join(stateDir, n), { force: true });
  // An outbox copy is worth keeping only while the release it was made for is installed.
  const installed = new Set(readdirSync(m.path('/opt/elevgw/releases')));
  for (const n of files) {
    const v = /^outbox-before-(.+)\.db(-wal)?$/.exec(n)?.[1];
    if (v !== undefined && !installed.has(v)) rmSync(join(stateDir, n), { force: true });
  }
}

function answerWithin<T>(clock: Clock, ms: number, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = clock.after(ms, () => reject(new Error(`the gateway did not answer within ${ms / 1000} s`)));
    p.then(
      (v) => {
        t.cancel();
        resolve(v);
      },
      (e: unknown) => {
        t.cancel();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
