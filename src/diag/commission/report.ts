import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommissioningData } from '../../contract/commissioning.js';
import { errorMessage } from '../../core/errors.js';
import type { CheckResult } from './checks.js';
import { fileStamp } from '../../config/replace-file.js';
import { reportHtml } from './html.js';
import type { CommissioningReport, StepOutcome } from './model.js';

/** Pass: every step passed or was skipped with a reason, and no check failed (warnings allowed). */
export function overall(steps: readonly StepOutcome[], checks: readonly CheckResult[]): 'pass' | 'fail' {
  return steps.every((s) => s.result === 'pass' || s.result === 'skipped') && checks.every((c) => c.result !== 'fail') ? 'pass' : 'fail';
}

/** The report's base name: `E1-20261202T031544Z`. */
export function reportName(elevator: string, startedMs: number): string {
  return `${elevator.replace(/[^\w.-]/g, '_')}-${fileStamp(startedMs)}`;
}

/** What travels upstream: the summary, bounded to the contract's limits. */
export function eventData(r: Omit<CommissioningReport, 'event'>, name: string, durationS: number): CommissioningData {
  return {
    result: r.result,
    summary: r.summary.slice(0, 300),
    technician: r.technician.slice(0, 64),
    softwareVersion: r.softwareVersion.slice(0, 32),
    board: r.board.slice(0, 64),
    startedAt: r.startedAt,
    durationS: Math.round(durationS * 10) / 10,
    steps: r.steps.map((s) => ({ step: s.step, result: s.result, ...(s.reason ? { reason: s.reason.slice(0, 200) } : {}), durationS: s.durationS })),
    checks: r.checks.map((c) => ({ check: c.check, result: c.result, detail: c.detail.slice(0, 300) })),
    report: name,
  };
}

/**
 * Writes the JSON and the HTML page under `<state dir>/commissioning/`. A technician not allowed
 * to write there still gets the report: it goes to the current directory, and the caller says so.
 */
export function writeReport(stateDir: string, name: string, r: CommissioningReport): { json: string; html: string; fallback?: string } {
  const write = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    const json = join(dir, `${name}.json`);
    const html = join(dir, `${name}.html`);
    writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
    writeFileSync(html, reportHtml(r));
    return { json, html };
  };
  try {
    return write(join(stateDir, 'commissioning'));
  } catch (e) {
    return { ...write(resolve('.')), fallback: errorMessage(e) };
  }
}
