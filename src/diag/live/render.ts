import { formatDuration, type Lang } from '../i18n.js';
import { type LiveFrame, num, type Reading } from './frame.js';
import { drawShaft, nearestIndex, SHAFT_COLUMNS } from './shaft.js';
import { doorWords, liveTexts } from './texts.js';
import { clip, padTo } from './width.js';

export interface ScreenContext {
  lang: Lang;
  width: number;
  height: number;
  /** Wall time now (epoch ms): fault ages and the clock in the title. */
  nowMs: number;
  /** One line at the bottom: how the frame was read, or why it is unknown. */
  note?: string;
}

type Texts = ReturnType<typeof liveTexts>;

/** Within this of a landing level the car is "at" it (shown with its offset), else between two. */
const AT_LANDING_MM = 50;

/** A signal in words: `—` when the board lacks it, `?` when its reading is bad or stale. */
function shown(f: LiveFrame, name: string, words: (v: Exclude<Reading, null>) => string): string {
  if (!(name in f.signals)) return '—';
  const v = f.signals[name];
  return v === null || v === undefined ? '?' : words(v);
}

function position(f: LiveFrame, t: Texts): string {
  const pos = num(f, 'positionMm');
  if (pos === undefined) return shown(f, 'positionMm', String);
  const floors = f.elevator.floors;
  const near = floors[nearestIndex(floors, pos)];
  let where = '';
  if (near && Math.abs(pos - near.levelMm) <= AT_LANDING_MM) {
    const off = Math.round(pos - near.levelMm);
    where = t.atLanding({ floor: near.label, offset: off > 0 ? `+${off}` : String(off) });
  } else {
    const above = floors.findIndex((x) => x.levelMm > pos);
    const below = above === -1 ? floors.length - 1 : above - 1;
    if (below >= 0 && above > 0) where = t.between({ below: floors[below]!.label, above: floors[above]!.label, over: Math.round(pos - floors[below]!.levelMm) });
  }
  return `${Math.round(pos)} mm${where ? ` · ${where}` : ''}`;
}

function arrow(direction: Reading | undefined): string {
  return direction === 'up' ? '▲ ' : direction === 'down' ? '▼ ' : '';
}

/** The panel beside the shaft, as label/value pairs (the plain line joins the same pairs). */
function panel(f: LiveFrame, lang: Lang, nowMs: number): [string, string][] {
  const t = liveTexts(lang);
  const yesNo = (v: Exclude<Reading, null>) => (v ? t.yes() : t.no());
  const onOff = (v: Exclude<Reading, null>) => (v ? t.on() : t.off());
  const circuit = (v: Exclude<Reading, null>) => (v ? t.closed() : t.open());
  // The arrow says the direction; with it, the speed is shown without its sign.
  const speed = shown(f, 'speedMps', (v) => {
    const a = arrow(f.signals.direction);
    return `${a}${(a ? Math.abs(Number(v)) : Number(v)).toFixed(2)} m/s`;
  });
  const faults =
    f.faults === null ? '?' : f.faults.length === 0 ? t.none() : f.faults.map((x) => `${x.type} ${x.atLeast ? '≥ ' : ''}${formatDuration(nowMs - x.sinceMs, lang)}`).join(', ');
  const d = f.driver;
  const errors = d ? Object.entries(d.errorsByCode).map(([code, n]) => `${code} ${n}`) : [];
  const driver = d
    ? [
        `${d.state}${d.state !== 'ok' && d.lastErrorCode ? ` (${d.lastErrorCode})` : ''}`,
        d.transactionsPerS === null ? '' : t.txPerS({ n: d.transactionsPerS.toFixed(1) }),
        d.missedPolls ? t.missedPolls({ n: d.missedPolls }) : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : '?';
  const o = f.outbox;
  const outbox =
    o === null ? '?' : o === 'missing' ? t.outboxNone() : t.pending({ n: o.pending, oldest: o.oldestPendingAgeS === null ? '' : formatDuration(o.oldestPendingAgeS * 1000, lang) });
  return [
    [t.position(), position(f, t)],
    [t.speed(), `${speed} · ${t.rated({ rated: f.elevator.ratedSpeedMps.toFixed(2) })}`],
    [t.door(), shown(f, 'door', (v) => doorWords[lang][v as keyof (typeof doorWords)['en']] ?? String(v))],
    [t.zone(), shown(f, 'doorZone', yesNo)],
    [t.lock(), shown(f, 'doorLockCircuit', circuit)],
    [t.safety(), shown(f, 'safetyCircuit', circuit)],
    [t.occupied(), shown(f, 'occupied', yesNo)],
    [t.alarm(), shown(f, 'alarmButton', (v) => (v ? t.pressed() : t.no()))],
    [t.inspection(), shown(f, 'inspection', onOff)],
    [t.mains(), shown(f, 'mainsPower', onOff)],
    [t.faults(), faults],
    [t.driver(), driver],
    [t.errors(), d ? errors.join(', ') || t.none() : '?'],
    [t.outbox(), outbox],
  ];
}

function clockOf(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** The whole screen, exactly `height` lines of at most `width` columns, so a redraw never scrolls. */
export function renderScreen(f: LiveFrame, c: ScreenContext): string[] {
  const t = liveTexts(c.lang);
  const source = f.source === 'service' && f.gateway ? t.viaService({ gateway: f.gateway.id, version: f.gateway.version }) : t.viaBus();
  const rows = Math.max(4, c.height - 3);
  const shaft = drawShaft(f.elevator.floors, num(f, 'positionMm'), typeof f.signals.direction === 'string' ? f.signals.direction : undefined, rows);
  const labelWidth = c.lang === 'zh' ? 10 : 13;
  const right = Math.max(10, c.width - SHAFT_COLUMNS - 2);
  const items = panel(f, c.lang, c.nowMs).map(([label, value]) => clip(`${padTo(label, labelWidth)}${value}`, right));
  const lines = [clip(t.title({ elevator: f.elevator.id, board: f.elevator.board, source, time: clockOf(c.nowMs) }), c.width), '─'.repeat(c.width)];
  for (let r = 0; r < rows; r++) lines.push(clip(`${shaft[r]!}  ${items[r] ?? ''}`.trimEnd(), c.width));
  lines.push(clip(`${t.quit()}${c.note ? `  ${c.note}` : ''}`, c.width));
  return lines.slice(0, c.height);
}

/** One line per frame when the output is not a terminal (a log, a pipe). */
export function plainLine(f: LiveFrame, lang: Lang, nowMs: number): string {
  const pairs = panel(f, lang, nowMs).map(([label, value]) => `${label} ${value}`);
  return `${new Date(f.at).toISOString()} ${f.elevator.id} ${f.staleSince === undefined ? '' : '(stale) '}${pairs.join(' · ')}`;
}

/** Whether every signal the board has reads good in this frame. */
export function allGood(f: LiveFrame): boolean {
  return f.staleSince === undefined && Object.values(f.signals).every((v) => v !== null);
}
