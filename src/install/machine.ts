import { errorMessage } from '../core/errors.js';
import type { UpgradeOutcome, UpgradePhase, UpgradeState, UpgradeStep } from '../contract/upgrade.js';

/**
 * The life of one upgrade as a pure state machine: what to do in each phase, and where its result
 * leads. Effects (unpacking, systemctl, the health gate) are run by src/install/upgrade.ts, which
 * writes every new state to the state file before the next step, so a reader always knows how far
 * an upgrade got.
 *
 *   started ─stage→ staged ─validate→ validated ─swap→ swapped ─restart→ restarted ─health→ healthy
 *      │              │                   │               │                  │
 *      └── refused ◄──┘ (nothing changed) └───────────────┴──────────────────┴──→ rolling-back
 *                                                        rolling-back ─rollback→ rolled-back | rollback-failed
 *
 * Before the swap nothing on the gateway has changed, so a failure there is a refusal; from the
 * swap on, any failure puts the previous release back.
 */

export type StepResult = { ok: true } | { ok: false; reason: string };

interface Transition {
  step: UpgradeStep;
  ok: UpgradePhase;
  failed: UpgradePhase;
}

const TRANSITIONS: Partial<Record<UpgradePhase, Transition>> = {
  started: { step: 'stage', ok: 'staged', failed: 'refused' },
  staged: { step: 'validate', ok: 'validated', failed: 'refused' },
  validated: { step: 'swap', ok: 'swapped', failed: 'rolling-back' },
  swapped: { step: 'restart', ok: 'restarted', failed: 'rolling-back' },
  restarted: { step: 'health', ok: 'healthy', failed: 'rolling-back' },
  'rolling-back': { step: 'rollback', ok: 'rolled-back', failed: 'rollback-failed' },
};

const OUTCOME: Partial<Record<UpgradePhase, UpgradeOutcome>> = {
  healthy: 'upgraded',
  'rolled-back': 'rolled-back',
  refused: 'refused',
  'rollback-failed': 'rollback-failed',
};

export function startUpgrade(id: string, from: string, to: string, at: string): UpgradeState {
  return { v: 1, id, from, to, phase: 'started', startedAt: at, steps: [{ phase: 'started', at }] };
}

/** The step to run next; undefined once the upgrade has ended. */
export function nextStep(s: UpgradeState): UpgradeStep | undefined {
  return TRANSITIONS[s.phase]?.step;
}

/**
 * The state after the current phase's step returned `r` at `at`. The first failure's step and
 * reason are what the upgrade is remembered by; a failed rollback adds its own reason to them.
 */
export function advance(s: UpgradeState, r: StepResult, at: string): UpgradeState {
  const t = TRANSITIONS[s.phase];
  if (!t) throw new Error(`upgrade ${s.id} has already ended (${s.phase})`);
  const phase = r.ok ? t.ok : t.failed;
  const next: UpgradeState = { ...s, phase, steps: [...s.steps, { phase, at }] };
  if (!r.ok) {
    if (t.step === 'rollback') next.reason = `${s.reason ?? 'upgrade failed'}; then the rollback failed: ${r.reason}`;
    else {
      next.reason = r.reason;
      next.failedStep = t.step;
    }
  }
  const outcome = OUTCOME[phase];
  if (outcome) {
    next.outcome = outcome;
    next.finishedAt = at;
  }
  return next;
}

/** Runs the machine: each step's effect (a throw is a failure), then the new state handed to `persist` before the next step. */
export async function drive(s: UpgradeState, steps: Record<UpgradeStep, () => Promise<StepResult>>, persist: (s: UpgradeState) => void, now: () => string): Promise<UpgradeState> {
  for (let step = nextStep(s); step; step = nextStep(s)) {
    let r: StepResult;
    try {
      r = await steps[step]();
    } catch (e) {
      r = { ok: false, reason: errorMessage(e) };
    }
    s = advance(s, r, now());
    persist(s);
  }
  return s;
}
