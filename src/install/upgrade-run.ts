import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { UpgradeState } from '../contract/upgrade.js';
import { gateVerdict, type Probe } from './gate.js';
import type { StepResult } from './machine.js';
import { restoreIfMigrated } from './outbox-backup.js';
import { currentVersion, outboxSchemaOf, pointCurrentAt, pruneReleases, releaseDir } from './releases.js';
import type { GatewayMachine } from './system.js';

/** The state files, one per upgrade (src/contract/upgrade.ts); the unit's StateDirectory. */
export const STATE_DIR = '/var/lib/elevgw/upgrade';
/** One upgrade at a time (src/install/lock.ts). */
export const LOCK_FILE = '/opt/elevgw/.upgrade.lock';
/** A gateway that accepts the health question but never answers is not healthy (and must not hang the gate). */
const PROBE_TIMEOUT_MS = 5000;

export interface HealthCheck {
  /** The running gateway's own health check (`elevgw health`) against this config file. */
  health: (configFile: string) => Promise<{ healthy: boolean; detail: string; version?: string }>;
  /** How long a restarted gateway has to become healthy and stay so. */
  windowMs: number;
  clock: Clock;
  /** Between two probes of the health gate. */
  probeEveryMs?: number;
}

/**
 * What an upgrade and the recovery of an interrupted one both do to the gateway: write the state
 * file, start and stop the service, the health gate, and putting the previous release back.
 * `signal` ends a running health gate early (Ctrl-C: src/cli/upgrade.ts); a rollback never looks at it.
 */
export class UpgradeRun {
  readonly stateDir: string;

  constructor(
    readonly m: GatewayMachine,
    /** The site config, as a path in the tree (`m.path()` applied). */
    readonly configFile: string,
    private readonly h: HealthCheck,
    private readonly signal?: AbortSignal,
  ) {
    this.stateDir = m.path(STATE_DIR);
  }

  now(): string {
    return new Date(this.h.clock.wallNow()).toISOString();
  }

  /** Writes the state (by one rename: a reader never sees half of it) and says the step in the journal. */
  persist(s: UpgradeState): void {
    const file = join(this.stateDir, `${s.id}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o644 });
    renameSync(`${file}.tmp`, file);
    const line = `${s.from} → ${s.to}: ${s.phase}${s.reason && s.outcome ? ` (${s.reason})` : ''}`;
    this.m.journal(line, s.outcome === 'rollback-failed' ? 'err' : s.outcome && s.outcome !== 'upgraded' ? 'warning' : 'info');
  }

  outboxPath(): string {
    return loadConfig(this.configFile).outboxPath;
  }

  service(verb: 'restart' | 'start' | 'stop'): StepResult {
    const r = this.m.sys('systemctl', [verb, 'elevgw.service']);
    return r.status === 0 ? { ok: true } : { ok: false, reason: `systemctl ${verb} elevgw.service failed: ${lastLine(r.stderr) || `exit ${r.status}`}` };
  }

  /** The health gate (src/install/gate.ts); the gateway answering must be `version`, or it is still the one before. */
  async gate(version: string, interruptible: boolean): Promise<StepResult> {
    const { clock } = this.h;
    const startedAt = clock.now();
    const probes: Probe[] = [];
    for (;;) {
      if (interruptible && this.signal?.aborted) return { ok: false, reason: interrupted(this.signal, 'during the health gate') };
      const active = this.m.serviceState();
      const h = await answerWithin(clock, PROBE_TIMEOUT_MS, this.h.health(this.configFile)).catch((e: unknown) => ({
        healthy: false,
        detail: errorMessage(e),
        version: undefined,
      }));
      const other = h.version !== undefined && h.version !== version;
      probes.push({ at: clock.now(), active, healthy: h.healthy && !other, detail: other ? `version ${h.version} answers, not ${version}` : h.detail });
      const v = gateVerdict(probes, startedAt, this.h.windowMs);
      if (v.verdict === 'pass') return { ok: true };
      if (v.verdict === 'fail') return { ok: false, reason: v.reason };
      await this.pause(interruptible);
    }
  }

  /**
   * The previous release back: `current` to `from`, the outbox backup restored if `to` had
   * migrated the database, then started and gated. With `serviceStarting` (the recovery run by the
   * unit's ExecStartPre) the service is neither stopped nor started: it is in its own start, which
   * goes on with `from`.
   */
  async putBack(s: Pick<UpgradeState, 'from' | 'to'>, serviceStarting = false): Promise<StepResult> {
    if (!serviceStarting) this.service('stop');
    pointCurrentAt(this.m, s.from);
    const backup = join(this.stateDir, `outbox-before-${s.to}.db`);
    if (existsSync(backup)) {
      const db = this.outboxPath();
      const aside = restoreIfMigrated(db, backup, outboxSchemaOf(releaseDir(this.m, s.from)) ?? 1, s.to);
      if (aside) {
        for (const f of [db, `${db}-wal`]) if (existsSync(f)) this.m.sys('chown', ['elevgw:elevgw', f]);
        this.m.journal(`${s.to} had migrated the outbox: restored ${backup}; what it stored is in ${aside}`, 'warning');
      }
    }
    if (serviceStarting) return { ok: true };
    const started = this.service('start');
    if (!started.ok) return started;
    const healthy = await this.gate(s.from, false);
    return healthy.ok ? healthy : { ok: false, reason: `${s.from} is not healthy either: ${healthy.reason}` };
  }

  /**
   * After an upgrade ended: keeps the new release and the previous one after a good one; after
   * any other end removes the release it unpacked (never one that was installed before it), and
   * staging directories; keeps a short history of state files and the outbox copies still useful.
   */
  tidy(s: UpgradeState): void {
    const { m } = this;
    if (s.outcome === 'upgraded') pruneReleases(m, [s.to, s.from]);
    else {
      if (s.unpacked === true && currentVersion(m) !== s.to) rmSync(releaseDir(m, s.to), { recursive: true, force: true });
      const releases = m.path('/opt/elevgw/releases');
      if (existsSync(releases)) for (const n of readdirSync(releases)) if (n.startsWith('.staging.')) rmSync(join(releases, n), { recursive: true, force: true });
    }
    const files = readdirSync(this.stateDir);
    const reported = files.filter((n) => n.endsWith('.reported.json')).sort();
    for (const n of reported.slice(0, -10)) rmSync(join(this.stateDir, n), { force: true });
    // An outbox copy is worth keeping only while the release it was made for is installed.
    const installed = new Set(readdirSync(m.path('/opt/elevgw/releases')));
    for (const n of files) {
      const v = /^outbox-before-(.+)\.db(-wal)?$/.exec(n)?.[1];
      if (v !== undefined && !installed.has(v)) rmSync(join(this.stateDir, n), { force: true });
    }
  }

  /** One probe interval; ended early by an interruption when the gate may be interrupted. */
  private pause(interruptible: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const signal = interruptible ? this.signal : undefined;
      const done = () => {
        t.cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = this.h.clock.after(this.h.probeEveryMs ?? 1000, done);
      signal?.addEventListener('abort', done);
    });
  }
}

/** The reason an interrupted upgrade gives: which signal, and when. */
export function interrupted(signal: AbortSignal, when: string): string {
  return `interrupted by ${String(signal.reason ?? 'a signal')} ${when}`;
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
