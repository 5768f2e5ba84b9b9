#!/usr/bin/env node
/**
 * Prints the mutation score per folder from Stryker's JSON report (mutation-testing-report-schema),
 * the figure the project tracks: `npm run mutate` runs it after Stryker. The score is the
 * mutation-testing-elements one: killed + timed-out over all valid mutants, uncovered ones
 * included (a mutant no test reaches counts as surviving). Usage:
 *   node scripts/mutation-summary.mjs [reports/mutation/mutation.json]
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const FOLDERS = [
  'src/detect',
  'src/outbox',
  'src/uplink',
  'src/signals',
  'src/config',
  'drivers/kernel',
  'drivers/modbus',
  'drivers/serial',
  'drivers/gpio',
  'drivers/firmata',
  'drivers/retrofit',
];

const reportPath = process.argv[2] ?? 'reports/mutation/mutation.json';
let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (e) {
  console.error(`mutation-summary: cannot read ${reportPath} (${e.message}); run \`npm run mutate\` first`);
  process.exit(2);
}

/** The tracked folder a file belongs to; a file outside them is grouped by its own directory. */
const folderOf = (file) => FOLDERS.find((f) => file === f || file.startsWith(`${f}/`)) ?? dirname(file);

const rows = new Map();
const row = (name) => {
  if (!rows.has(name)) rows.set(name, { killed: 0, timeout: 0, survived: 0, noCoverage: 0, unscored: 0 });
  return rows.get(name);
};
for (const [file, { mutants }] of Object.entries(report.files)) {
  const r = row(folderOf(file.replaceAll('\\', '/')));
  for (const m of mutants) {
    if (m.status === 'Killed') r.killed++;
    else if (m.status === 'Timeout') r.timeout++;
    else if (m.status === 'Survived') r.survived++;
    else if (m.status === 'NoCoverage') r.noCoverage++;
    else r.unscored++; // Ignored (static), CompileError, RuntimeError: not part of the score
  }
}

const score = (r) => {
  const valid = r.killed + r.timeout + r.survived + r.noCoverage;
  return valid === 0 ? '–' : `${(((r.killed + r.timeout) / valid) * 100).toFixed(1)} %`;
};
const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, unscored: 0 };
const lines = [['folder', 'score', 'killed', 'timeout', 'survived', 'no cov', 'not scored']];
for (const [name, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  for (const k of Object.keys(total)) total[k] += r[k];
  lines.push([name, score(r), r.killed, r.timeout, r.survived, r.noCoverage, r.unscored]);
}
lines.push(['total', score(total), total.killed, total.timeout, total.survived, total.noCoverage, total.unscored]);

const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
const fmt = (l) => l.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(`\nMutation score per folder (${reportPath}):`);
for (const l of lines) console.log(fmt(l));
