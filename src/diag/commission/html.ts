import type { CommissioningReport } from './model.js';
import { CHECK_WORDS, STEP_WORDS } from './texts.js';

/**
 * The commissioning report as one self-contained HTML page: no scripts, fonts, styles or images
 * from elsewhere (the gateway is often offline, and the page is mailed around), the car's
 * position over the session drawn as inline SVG with the landings and the steps marked.
 */

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS = {
  en: {
    title: 'Commissioning report',
    result: 'Result',
    steps: 'Steps',
    checks: 'Checks',
    floors: 'Floor table',
    plot: 'Car position over the session',
    step: 'step',
    outcome: 'result',
    saw: 'seen',
    took: 'took',
    label: 'landing',
    configured: 'configured mm',
    measured: 'measured mm',
    stops: 'stops (mm)',
    event: 'Event for the platform',
    technician: 'Technician',
    board: 'Board',
    gateway: 'Gateway',
    version: 'elevgw',
    started: 'Started',
    scale: 'Time scale',
    written: 'Measured levels written to the config; backup',
    time: 'time, s',
    position: 'position, mm',
  },
  zh: {
    title: '调试验收报告',
    result: '结果',
    steps: '步骤',
    checks: '检查',
    floors: '楼层表',
    plot: '调试期间轿厢位置',
    step: '步骤',
    outcome: '结果',
    saw: '看到',
    took: '用时',
    label: '层站',
    configured: '配置 mm',
    measured: '实测 mm',
    stops: '各次停靠 (mm)',
    event: '上报平台的事件',
    technician: '技术员',
    board: '板卡',
    gateway: '网关',
    version: 'elevgw',
    started: '开始',
    scale: '时间倍率',
    written: '实测平层位置已写入配置；备份',
    time: '时间，秒',
    position: '位置，mm',
  },
} as const;

const MARK = { pass: '✓', warn: '!', fail: '✗', timeout: '✗', skipped: '–' } as const;
const COLOUR = { pass: '#1a7f37', warn: '#9a6700', fail: '#cf222e', timeout: '#cf222e', skipped: '#57606a' } as const;

/** The position trace as an SVG plot: x = site seconds, y = mm; landings as labelled lines, steps as bands. */
function positionPlot(r: CommissioningReport, w: (typeof WORDS)[keyof typeof WORDS]): string {
  const W = 900;
  const H = 420;
  const m = { l: 70, r: 20, t: 30, b: 40 };
  const levels = r.floors.map((f) => f.configuredMm);
  const ys = [...levels, ...r.trace.map((p) => p[1])];
  const yMin = Math.min(...ys) - 500;
  const yMax = Math.max(...ys) + 500;
  const tMax = Math.max(1, ...r.trace.map((p) => p[0]), ...r.steps.map((s) => s.startS + s.durationS));
  const x = (t: number) => (m.l + (t / tMax) * (W - m.l - m.r)).toFixed(1);
  const y = (mm: number) => (m.t + ((yMax - mm) / (yMax - yMin)) * (H - m.t - m.b)).toFixed(1);
  const step = Math.max(1, Math.ceil(r.trace.length / 3000));
  const points = r.trace.filter((_, i) => i % step === 0 || i === r.trace.length - 1).map(([t, mm]) => `${x(t)},${y(mm)}`);
  const bands = r.steps.map((s, i) => {
    const x0 = Number(x(s.startS));
    const x1 = Number(x(s.startS + s.durationS));
    return `<rect x="${x0}" y="${m.t}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${H - m.t - m.b}" fill="${i % 2 ? '#f6f8fa' : '#eef3fb'}"/><text x="${x0 + 2}" y="${m.t - 8}" font-size="11" fill="${COLOUR[s.result]}">${esc(MARK[s.result])} ${esc(STEP_WORDS[r.lang][s.step].name)}</text>`;
  });
  const landings = r.floors.map(
    (f) =>
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y(f.configuredMm)}" y2="${y(f.configuredMm)}" stroke="#d0d7de" stroke-dasharray="4 3"/><text x="${m.l - 6}" y="${Number(y(f.configuredMm)) + 4}" font-size="11" text-anchor="end">${esc(f.label)}</text>`,
  );
  const ticks = Array.from({ length: 6 }, (_, i) => (tMax * i) / 5).map((t) => `<text x="${x(t)}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${Math.round(t)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(w.plot)}" font-family="sans-serif">
${bands.join('\n')}
${landings.join('\n')}
<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#8c959f"/>
${ticks.join('\n')}
<text x="${(W + m.l) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(w.time)}</text>
<text x="14" y="${(H - m.b + m.t) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(H - m.b + m.t) / 2})">${esc(w.position)}</text>
<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="${points.join(' ')}"/>
</svg>`;
}

export function reportHtml(r: CommissioningReport): string {
  const w = WORDS[r.lang];
  const row = (cells: (string | number)[]) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const head = (cells: string[]) => `<tr>${cells.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const mark = (k: keyof typeof MARK) => `<span style="color:${COLOUR[k]};font-weight:bold">${MARK[k]} ${esc(k)}</span>`;
  const steps = r.steps.map(
    (s) =>
      `<tr><td>${esc(STEP_WORDS[r.lang][s.step].name)}</td><td>${mark(s.result)}</td><td>${esc(s.reason ? `${s.reason} — ${s.saw}` : s.saw)}</td><td>${esc(s.durationS)} s</td></tr>`,
  );
  const checks = r.checks.map((c) => `<tr><td>${esc(CHECK_WORDS[r.lang][c.check])}</td><td>${mark(c.result)}</td><td>${esc(c.detail)}</td></tr>`);
  const floors = r.floors.map((f) => row([f.label, f.configuredMm, f.measuredMm ?? '—', f.stopsMm.join(', ') || '—']));
  const event = 'id' in r.event ? r.event.id : r.event.error;
  return `<!doctype html>
<html lang="${r.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w.title)} ${esc(r.elevator)} ${esc(r.startedAt)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 960px; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.verdict { font-size: 1.4em; font-weight: bold; color: ${r.result === 'pass' ? COLOUR.pass : COLOUR.fail}; }
</style>
</head>
<body>
<h1>${esc(w.title)} — ${esc(r.elevator)}</h1>
<p class="verdict">${esc(w.result)}: ${r.result === 'pass' ? '✓ PASS' : '✗ FAIL'} — ${esc(r.summary)}</p>
<table>
${row([w.technician, r.technician])}
${row([w.board, r.board])}
${row([w.gateway, r.gatewayId])}
${row([w.version, r.softwareVersion])}
${row([w.started, `${r.startedAt} → ${r.endedAt}`])}
${r.timeScale === 1 ? '' : row([w.scale, r.timeScale])}
${row([w.event, event])}
</table>
<h2>${esc(w.steps)}</h2>
<table>
${head([w.step, w.outcome, w.saw, w.took])}
${steps.join('\n')}
</table>
<h2>${esc(w.checks)}</h2>
<table>
${checks.join('\n')}
</table>
<h2>${esc(w.floors)}</h2>
${r.floorTableWritten ? `<p>${esc(w.written)} <code>${esc(r.floorTableWritten.backup)}</code></p>` : ''}
<table>
${head([w.label, w.configured, w.measured, w.stops])}
${floors.join('\n')}
</table>
<h2>${esc(w.plot)}</h2>
${positionPlot(r, w)}
</body>
</html>
`;
}
