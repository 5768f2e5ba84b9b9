import { formatDuration, type Lang } from './i18n.js';
import type { ScanEvent } from './scan.js';
import { describeTarget } from './scan-line.js';
import { lateLines, lineDoneLine, scanTexts } from './scan-text.js';

/**
 * How a running scan shows itself on stderr: on a terminal, one bar redrawn in place under the
 * lines that matter (each line setting, each answer); anywhere else (a log, a pipe, CI), just
 * those lines, so a log holds no control characters. Twenty lines of our own rather than a
 * progress-bar package: one bar, no layout, no dependency for the installer to carry.
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;

export function scanProgress(out: ProgressOutput, lang: Lang, budgetMs: number, now: () => number): (e: ScanEvent) => void {
  const t = scanTexts(lang);
  const started = now();
  const tty = out.isTTY === true;
  let bar = '';
  let where = '';
  const say = (line: string) => {
    if (tty && bar) out.write('\r\x1b[2K');
    out.write(`${line}\n`);
    if (tty && bar) out.write(bar);
  };
  return (e) => {
    switch (e.kind) {
      case 'line':
        where = describeTarget(e.target, e.setting);
        say(t.line({ line: where, timeoutMs: e.timeoutMs }));
        return;
      case 'matching':
        say(t.matching({ units: e.units.join(', ') }));
        return;
      case 'line-done':
        if (e.line.heard !== 'answers')
          say(lineDoneLine(e.line, lang)); // answers were said as they came
        else for (const late of lateLines(e.line, lang)) say(late);
        return;
      case 'found':
        say(t.answered({ units: String(e.unitId) }));
        return;
      case 'probe': {
        if (!tty) return;
        const filled = Math.round((BAR_WIDTH * e.done) / Math.max(1, e.total));
        const pct = Math.floor((100 * e.done) / Math.max(1, e.total));
        const elapsed = formatDuration(Math.floor((now() - started) / 1000) * 1000, lang);
        const text = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(pct).padStart(3)}% ${where} · ${t.barUnit({ unit: e.unit })} · ${e.found} ✓ · ${elapsed} / ≤ ${formatDuration(budgetMs, lang)}`;
        bar = out.columns ? text.slice(0, out.columns - 1) : text;
        out.write(`\r\x1b[2K${bar}`);
        return;
      }
    }
  };
}

/** Clears the bar before the results are printed. */
export function endProgress(out: ProgressOutput): void {
  if (out.isTTY) out.write('\r\x1b[2K');
}
