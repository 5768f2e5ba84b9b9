import type { FloorRow } from './frame.js';
import { padStart, padTo } from './width.js';

/** Columns the shaft drawing takes: label, level in mm, the landing mark and the car. */
export const SHAFT_COLUMNS = 18;

/**
 * The shaft as `rows` lines of text, top landing first, scaled to the floor levels (unequal
 * floors show as unequal gaps), with the car where its position puts it: `[▲]` going up, `[▼]`
 * down, `[■]` standing. No position (a bad reading) draws no car: the picture never shows where
 * the car was. When there are more landings than rows, the bottom and top landings and the one
 * nearest the car keep their labels; others whose row is taken are left out.
 */
export function drawShaft(floors: readonly FloorRow[], positionMm: number | undefined, direction: string | undefined, rows: number): string[] {
  const n = Math.max(2, rows);
  const bottom = floors[0]?.levelMm ?? 0;
  const top = floors.at(-1)?.levelMm ?? bottom + 1;
  const span = top - bottom || 1;
  const rowOf = (mm: number) => Math.min(n - 1, Math.max(0, Math.round(((top - mm) / span) * (n - 1))));

  const labels = new Map<number, FloorRow>();
  const byPriority = [...floors.keys()];
  const nearest = positionMm === undefined ? -1 : nearestIndex(floors, positionMm);
  byPriority.sort((a, b) => priority(b, floors.length, nearest) - priority(a, floors.length, nearest) || b - a);
  for (const i of byPriority) {
    const row = rowOf(floors[i]!.levelMm);
    if (!labels.has(row)) labels.set(row, floors[i]!);
  }

  const carRow = positionMm === undefined ? -1 : rowOf(positionMm);
  const car = direction === 'up' ? '[▲]' : direction === 'down' ? '[▼]' : '[■]';
  const out: string[] = [];
  for (let r = 0; r < n; r++) {
    const f = labels.get(r);
    const head = f ? `${padTo(f.label, 4)}${padStart(String(Math.round(f.levelMm)), 7)} ─┤` : `${' '.repeat(13)}│`;
    out.push(`${head}${r === carRow ? car : '   '}│`);
  }
  return out;
}

function priority(i: number, count: number, nearest: number): number {
  if (i === 0 || i === count - 1) return 2;
  return i === nearest ? 1 : 0;
}

export function nearestIndex(floors: readonly FloorRow[], mm: number): number {
  let best = 0;
  for (let i = 1; i < floors.length; i++) if (Math.abs(floors[i]!.levelMm - mm) < Math.abs(floors[best]!.levelMm - mm)) best = i;
  return best;
}
