import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { upgradeStateSchema, type UpgradeState, type UpgradeStep } from '../../src/contract/upgrade.js';
import { gateVerdict, type Probe } from '../../src/install/gate.js';
import { advance, drive, nextStep, startUpgrade, type StepResult } from '../../src/install/machine.js';
import { backUp, needsBackup, restoreIfMigrated, schemaVersionOf } from '../../src/install/outbox-backup.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { SCHEMA_VERSION } from '../../src/outbox/sqlite-schema.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The upgrade's decisions without a gateway: the state machine (staged → validated → swapped →
 * restarted → healthy | rolled-back), the health gate's verdict, and when the outbox is backed up
 * and put back. The whole upgrade on a real release is test/install/upgrade.test.ts.
 */

const at = (n: number) => new Date(Date.UTC(2026, 11, 2, 3, 0, n)).toISOString();
const ok: StepResult = { ok: true };
const fail = (reason: string): StepResult => ({ ok: false, reason });

/** Runs the machine with each step answering from `answers` (ok when not named). */
async function run(answers: Partial<Record<UpgradeStep, StepResult>>): Promise<{ end: UpgradeState; ran: UpgradeStep[]; persisted: UpgradeState[] }> {
  const ran: UpgradeStep[] = [];
  const persisted: UpgradeState[] = [];
  let t = 0;
  const step = (name: UpgradeStep) => async () => {
    ran.push(name);
    return answers[name] ?? ok;
  };
  const steps = { stage: step('stage'), validate: step('validate'), swap: step('swap'), restart: step('restart'), health: step('health'), rollback: step('rollback') };
  const end = await drive(
    startUpgrade('01KBE2A9Q0V1RS7Z5W3X4Y5Z6A', '0.1.0', '0.2.0', at(0)),
    steps,
    (s) => persisted.push(s),
    () => at(++t),
  );
  return { end, ran, persisted };
}

describe('the upgrade state machine', () => {
  it('goes staged → validated → swapped → restarted → healthy when every step succeeds', async () => {
    const { end, ran, persisted } = await run({});
    expect(ran).toEqual(['stage', 'validate', 'swap', 'restart', 'health']);
    expect(end.steps.map((s) => s.phase)).toEqual(['started', 'staged', 'validated', 'swapped', 'restarted', 'healthy']);
    expect(end).toMatchObject({ outcome: 'upgraded', finishedAt: at(5) });
    expect(end.reason).toBeUndefined();
    // Every state is written before the next step runs, and each one is what the gateway can read.
    expect(persisted.map((s) => s.phase)).toEqual(['staged', 'validated', 'swapped', 'restarted', 'healthy']);
    for (const s of persisted) expect(upgradeStateSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(persisted.filter((s) => s.outcome)).toHaveLength(1);
  });

  it('refuses without touching anything when the release or the config fails its check', async () => {
    for (const step of ['stage', 'validate'] as const) {
      const { end, ran } = await run({ [step]: fail(`${step} said no`) });
      expect(ran.at(-1)).toBe(step);
      expect(ran).not.toContain('swap');
      expect(ran).not.toContain('rollback');
      expect(end).toMatchObject({ phase: 'refused', outcome: 'refused', failedStep: step, reason: `${step} said no` });
    }
  });

  it('rolls back after any failure from the swap on, and remembers the step that failed', async () => {
    for (const step of ['swap', 'restart', 'health'] as const) {
      const { end, ran } = await run({ [step]: fail(`${step} went wrong`) });
      expect(ran.slice(-2)).toEqual([step, 'rollback']);
      expect(end.steps.map((s) => s.phase).slice(-2)).toEqual(['rolling-back', 'rolled-back']);
      expect(end).toMatchObject({ outcome: 'rolled-back', failedStep: step, reason: `${step} went wrong` });
    }
  });

  it('says so when the rollback fails too, keeping the first reason', async () => {
    const { end } = await run({ health: fail('the service is failed'), rollback: fail('0.1.0 is not healthy either') });
    expect(end).toMatchObject({ phase: 'rollback-failed', outcome: 'rollback-failed', failedStep: 'health' });
    expect(end.reason).toBe('the service is failed; then the rollback failed: 0.1.0 is not healthy either');
  });

  it('has no step after an ending, and refuses to advance one', () => {
    const s = startUpgrade('x', '0.1.0', '0.2.0', at(0));
    const refused = advance(s, fail('damaged'), at(1));
    expect(nextStep(refused)).toBeUndefined();
    expect(() => advance(refused, ok, at(2))).toThrow(/already ended/);
  });
});

describe('the health gate', () => {
  const probe = (s: number, active: string, healthy: boolean, detail = healthy ? 'healthy' : 'no gateway answers'): Probe => ({ at: s * 1000, active, healthy, detail });
  const W = 10_000;

  it('waits while the gateway comes up, and passes once it has stayed healthy to the end of the window', () => {
    const probes = [probe(0, 'activating', false), probe(1, 'active', false), probe(2, 'active', true), probe(6, 'active', true)];
    expect(gateVerdict(probes, 0, W)).toEqual({ verdict: 'wait' });
    expect(gateVerdict([...probes, probe(10, 'active', true)], 0, W)).toEqual({ verdict: 'pass', healthyAfterMs: 2000 });
  });

  it('fails at once when the service stops or crashes', () => {
    const v = gateVerdict([probe(0, 'active', false), probe(1, 'failed', false)], 0, W);
    expect(v).toMatchObject({ verdict: 'fail' });
    expect(v.verdict === 'fail' && v.reason).toMatch(/the service is failed 1 s after the restart/);
  });

  it('fails when health drops after it passed (a crash loop is up at moments)', () => {
    const v = gateVerdict([probe(0, 'active', true), probe(1, 'active', false, 'elevator L1: no detection step for 31 s')], 0, W);
    expect(v.verdict === 'fail' && v.reason).toBe('healthy 0 s after the restart, unhealthy again at 1 s: elevator L1: no detection step for 31 s');
    expect(gateVerdict([probe(0, 'active', true), probe(1, 'activating', true)], 0, W).verdict).toBe('fail');
  });

  it('fails when the window ends before the gateway was ever healthy, saying what it last said', () => {
    const v = gateVerdict([probe(0, 'active', false), probe(10, 'active', false, 'outbox not writable')], 0, W);
    expect(v.verdict === 'fail' && v.reason).toBe('not healthy within 10 s of the restart: outbox not writable');
  });
});

describe('the outbox across an upgrade', () => {
  it('reads the schema version from the file header, and backs up only for a release that may migrate it', () => {
    const tmp = tempDir('elevgw-upgrade-outbox-');
    try {
      const db = join(tmp.dir, 'outbox.db');
      expect(schemaVersionOf(db)).toBeUndefined();
      expect(needsBackup(db, SCHEMA_VERSION + 1)).toBe(false); // nothing to lose yet
      SqliteOutbox.open(db, { maxBytes: 1 << 20, retentionMs: 86_400_000 }).close();
      expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
      expect(needsBackup(db, SCHEMA_VERSION)).toBe(false);
      expect(needsBackup(db, SCHEMA_VERSION + 1)).toBe(true);
      expect(needsBackup(db, undefined)).toBe(true); // a release that does not say what it migrates to
    } finally {
      tmp.cleanup();
    }
  });

  it('sees a migration that is still only in the WAL of the running gateway', () => {
    const tmp = tempDir('elevgw-upgrade-outbox-');
    try {
      const db = join(tmp.dir, 'outbox.db');
      SqliteOutbox.open(db, { maxBytes: 1 << 20, retentionMs: 86_400_000 }).close();
      const live = new Database(db);
      live.pragma('journal_mode = WAL');
      live.pragma(`user_version = ${SCHEMA_VERSION + 1}`); // committed to the WAL, not checkpointed
      try {
        expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION + 1);
        expect(needsBackup(db, SCHEMA_VERSION + 1)).toBe(false);
      } finally {
        live.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('puts the backup back after a rollback only when the new version had migrated the database, keeping the migrated file', () => {
    const tmp = tempDir('elevgw-upgrade-outbox-');
    try {
      const db = join(tmp.dir, 'outbox.db');
      const backup = join(tmp.dir, 'outbox-before-0.2.0.db');
      const outbox = SqliteOutbox.open(db, { maxBytes: 1 << 20, retentionMs: 86_400_000 });
      outbox.append([{ id: '01KBE2A9Q0V1RS7Z5W3X4Y5Z6A', kind: 'event', elevatorId: 'L1', priority: 0, createdAt: 1, payload: '{"before":true}' }]);
      outbox.close();
      backUp(db, backup);
      // Not migrated: nothing to undo.
      expect(restoreIfMigrated(db, backup, SCHEMA_VERSION, '0.2.0')).toBeUndefined();
      // The new version migrated it (a schema the previous one would move aside as unusable).
      const w = new Database(db);
      w.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      w.exec("INSERT INTO records (id, kind, elevator_id, priority, created_at, payload) VALUES ('01KBE2B000000000000000000A', 'event', 'L1', 0, 2, '{\"after\":true}')");
      w.close();
      const aside = restoreIfMigrated(db, backup, SCHEMA_VERSION, '0.2.0');
      expect(aside).toBe(`${db}.from-0.2.0`);
      expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
      const restored = SqliteOutbox.open(db, { maxBytes: 1 << 20, retentionMs: 86_400_000 });
      expect(restored.openReport().recovered).toBe(false);
      expect(restored.next(10).map((r) => r.payload)).toEqual(['{"before":true}']);
      restored.close();
      const kept = new Database(aside!, { readonly: true });
      expect(kept.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: 2 }); // what 0.2.0 stored is not lost
      kept.close();
    } finally {
      tmp.cleanup();
    }
  });
});
