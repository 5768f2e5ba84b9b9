import { ok, refuse, type Check } from './fields.js';

export interface Floor {
  label: string;
  /** Landing level above the bottom landing, mm. */
  levelMm: number;
}

/**
 * Floors as typed: `LABEL:LEVEL_MM` separated by spaces or commas, bottom landing first
 * (`B1:0 1:3300 2:6300`). `FROM..TO@STEP` stands for evenly spaced numbered landings, the first
 * STEP above the floor before it (or at 0): `1..18@3000` is eighteen floors three metres apart,
 * `B1:0 1..18@3300` puts floor 1 at 3300. The result must ascend strictly, as the site schema
 * requires: a typo that puts floor 7 below floor 6 would make every floor after it wrong.
 */
export const checkFloors: Check<Floor[]> = (s) => {
  const floors: Floor[] = [];
  for (const token of s.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(-?\d+)\.\.(-?\d+)@(\d+)$/.exec(token);
    if (range) {
      const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (to < from || step <= 0 || to - from > 199) return refuse(`"${token}" 应为 起..止@层高，例如 1..18@3000`, `"${token}": expected FROM..TO@STEP, e.g. 1..18@3000`);
      let level = floors.length === 0 ? 0 : floors[floors.length - 1]!.levelMm + step;
      for (let n = from; n <= to; n++, level += step) floors.push({ label: String(n), levelMm: level });
      continue;
    }
    const one = /^([^:\s]{1,8}):(-?\d+)$/.exec(token);
    if (!one) return refuse(`"${token}" 应为 楼层名:高度毫米，例如 B1:0 1:3300`, `"${token}": expected LABEL:LEVEL_MM, e.g. B1:0 1:3300`);
    floors.push({ label: one[1]!, levelMm: Number(one[2]) });
  }
  if (floors.length < 2) return refuse('至少需要两个层站，例如 1:0 2:3000', 'at least two landings, e.g. 1:0 2:3000');
  for (let i = 1; i < floors.length; i++) {
    const [prev, cur] = [floors[i - 1]!, floors[i]!];
    if (cur.levelMm <= prev.levelMm) {
      return refuse(
        `楼层高度须严格递增："${cur.label}" 的 ${cur.levelMm} mm 不高于 "${prev.label}" 的 ${prev.levelMm} mm`,
        `levels must ascend: "${cur.label}" at ${cur.levelMm} mm is not above "${prev.label}" at ${prev.levelMm} mm`,
      );
    }
  }
  const seen = new Set<string>();
  for (const f of floors) {
    if (seen.has(f.label)) return refuse(`楼层名 "${f.label}" 重复`, `floor "${f.label}" appears twice`);
    seen.add(f.label);
  }
  return ok(floors);
};

/** Floors as they are typed back (the default shown for the next elevator). */
export function formatFloors(floors: readonly Floor[]): string {
  return floors.map((f) => `${f.label}:${f.levelMm}`).join(' ');
}
