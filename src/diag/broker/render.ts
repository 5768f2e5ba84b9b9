import type { Lang } from '../i18n.js';
import { STEP_LABELS, words } from './messages.js';
import type { Verdict } from './run.js';
import type { BrokerTarget, StepResult, StepStatus } from './types.js';

const MARK: Record<StepStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '–' };

interface Report {
  target: BrokerTarget;
  steps: readonly StepResult[];
  verdict: Verdict;
  exitCode: number;
  lang: Lang;
}

function verdictLine(r: Report): string {
  const code = r.verdict === 'ok' ? (r.steps.some((s) => s.status === 'warn') ? 'verdict_warn' : 'verdict_ok') : r.verdict === 'failed' ? 'verdict_failed' : 'verdict_unreachable';
  return words(r.lang, code).text;
}

/** Columns on a terminal: CJK characters take two. */
function columns(text: string): number {
  return [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
}

function user(target: BrokerTarget): string {
  return target.username ?? '–';
}

/**
 * For a person: one line per step, its mark and what was found, with further notes and the fix
 * (→) indented below. The broker URL is shown with any credentials in it redacted; the password
 * appears nowhere.
 */
export function renderText(r: Report): string {
  const labels = STEP_LABELS[r.lang];
  const width = Math.max(...Object.values(labels).map(columns)) + 2;
  const indent = ' '.repeat(width + 2);
  const lines = [words(r.lang, 'header', { broker: r.target.shownUrl, gatewayId: r.target.gatewayId, user: user(r.target) }).text];
  for (const s of r.steps) {
    s.findings.forEach((f, i) => {
      const w = words(r.lang, f.code, f.params);
      // How long connecting took is worth a glance; the other durations are in the JSON.
      const took = i === 0 && s.ms !== undefined && (s.step === 'tcp' || s.step === 'mqtt') ? ` (${s.ms} ms)` : '';
      lines.push(i === 0 ? `${MARK[s.status]} ${labels[s.step]}${' '.repeat(width - columns(labels[s.step]))}${w.text}${took}` : `${indent}${w.text}`);
      if (w.fix && s.status !== 'ok') lines.push(`${indent}→ ${w.fix}`);
    });
  }
  lines.push(verdictLine(r));
  return lines.join('\n');
}

/**
 * For a script: the same steps, each finding as its stable code and parameters plus the words —
 * in English whatever `--lang` says (JSON output is never translated, src/diag/i18n.ts).
 */
export function renderJson(r: Report): string {
  const rtt = r.steps.find((s) => s.step === 'rtt' && s.status === 'ok')?.ms;
  return JSON.stringify({
    broker: r.target.shownUrl,
    gatewayId: r.target.gatewayId,
    username: r.target.username ?? null,
    verdict: r.verdict,
    exitCode: r.exitCode,
    rttMs: rtt ?? null,
    steps: r.steps.map((s) => ({
      step: s.step,
      status: s.status,
      ms: s.ms ?? null,
      findings: s.findings.map((f) => ({ code: f.code, params: f.params ?? {}, ...words('en', f.code, f.params) })),
    })),
  });
}
