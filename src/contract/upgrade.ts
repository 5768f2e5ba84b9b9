import { z } from 'zod';

/**
 * `elevgw upgrade` and the gateway talk through one file per upgrade,
 * `/var/lib/elevgw/upgrade/<id>.json` (the unit's StateDirectory). The upgrade writes it at every
 * step; the gateway, at its start and then every few seconds, reports each finished one upstream
 * as an `upgrade` event and renames it `<id>.reported.json`. Two programs of possibly different
 * versions read it (the one rolled back to may be older), so it is versioned (`v`) and open:
 * unknown keys pass.
 */

/** How an upgrade ended (the `upgrade` event's `outcome`). */
const UPGRADE_OUTCOMES = ['upgraded', 'rolled-back', 'refused', 'rollback-failed'] as const;
const upgradeOutcomeSchema = z.enum(UPGRADE_OUTCOMES);
export type UpgradeOutcome = z.infer<typeof upgradeOutcomeSchema>;

/** Where an upgrade is (src/install/machine.ts steps through them). */
const UPGRADE_PHASES = ['started', 'staged', 'validated', 'swapped', 'restarted', 'rolling-back', 'healthy', 'rolled-back', 'refused', 'rollback-failed'] as const;
const upgradePhaseSchema = z.enum(UPGRADE_PHASES);
export type UpgradePhase = z.infer<typeof upgradePhaseSchema>;

/** The steps that can fail, as `failedStep` names them. */
const upgradeStepSchema = z.enum(['stage', 'validate', 'swap', 'restart', 'health', 'rollback']);
export type UpgradeStep = z.infer<typeof upgradeStepSchema>;

const UPGRADE_STATE_VERSION = 1;

const iso = z.iso.datetime();

export const upgradeStateSchema = z.looseObject({
  v: z.literal(UPGRADE_STATE_VERSION),
  /** ULID: sorts by start time; the event carries it, so a platform can tell a resend. */
  id: z.string().min(1).max(64),
  from: z.string().describe('the version running before'),
  to: z.string().describe('the version of the release being installed'),
  phase: upgradePhaseSchema,
  outcome: upgradeOutcomeSchema.optional(),
  reason: z.string().optional(),
  failedStep: upgradeStepSchema.optional(),
  /** A copy of the outbox made before a version that migrates its schema first ran. */
  outboxBackup: z.string().optional(),
  /** The upgrade unpacked `to` (it was not installed before): a release to remove when it does not stay. */
  unpacked: z.boolean().optional(),
  startedAt: iso,
  finishedAt: iso.optional(),
  steps: z.array(z.object({ phase: upgradePhaseSchema, at: iso })),
});
export type UpgradeState = z.infer<typeof upgradeStateSchema>;

/** `data` of the `upgrade` event: one per upgrade, stored by whichever version runs after it. */
export const upgradeDataSchema = z.object({
  upgradeId: z.string().describe('the upgrade, the same on a resend'),
  from: z.string().describe('the version that ran before'),
  to: z.string().describe('the version the upgrade installed, or tried to'),
  outcome: upgradeOutcomeSchema,
  reason: z.string().optional().describe('why it did not end as `upgraded`'),
  failedStep: upgradeStepSchema.optional().describe('the step that failed'),
  startedAt: iso,
  finishedAt: iso,
});
