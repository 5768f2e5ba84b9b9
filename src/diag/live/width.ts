/**
 * Terminal columns of text: a Chinese character takes two, so a label padded by string length
 * would push the shaft out of line. Only the wide ranges this tool prints are counted (CJK,
 * Hangul, full-width forms); everything else is one column.
 */
function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6)
  );
}

export function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += wide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

/** Exactly `width` columns: cut with `…` when longer, padded with spaces when shorter. */
export function padTo(s: string, width: number): string {
  if (width <= 0) return '';
  if (columns(s) <= width) return s + ' '.repeat(width - columns(s));
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = wide(ch.codePointAt(0)!) ? 2 : 1;
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…${' '.repeat(Math.max(0, width - used - 1))}`;
}

/** At most `width` columns, never padded (the end of a screen line). */
export function clip(s: string, width: number): string {
  return columns(s) <= width ? s : padTo(s, width).trimEnd();
}

/** Right-aligned in `width` columns. */
export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - columns(s))) + s;
}
