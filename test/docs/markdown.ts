import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';

/**
 * Just enough Markdown to hold documents to the code: headings, pipe tables and code spans,
 * with line numbers so a failure says where to look. Fenced code blocks are kept apart: a `|`
 * or `#` inside one is code, not a table or a heading.
 */

export interface Doc {
  /** Path relative to the repository root, for messages. */
  path: string;
  lines: string[];
}

export interface Table {
  doc: string;
  /** 1-based line of the header row. */
  line: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

export function readDoc(path: string): Doc {
  return { path, lines: readFileSync(join(packageRoot(), path), 'utf8').split('\n') };
}

/** For each line: true when it is inside (or fences) a ``` block. */
function fenced(lines: readonly string[]): boolean[] {
  let inside = false;
  return lines.map((l) => {
    if (/^\s*```/.test(l)) {
      inside = !inside;
      return true;
    }
    return inside;
  });
}

/** The lines under a heading (`## Topics`), up to the next heading of the same or a higher level. */
function section(doc: Doc, heading: string): Doc & { offset: number } {
  const code = fenced(doc.lines);
  const level = /^#+/.exec(heading)![0].length;
  const start = doc.lines.findIndex((l, i) => !code[i] && l.trim() === heading);
  if (start < 0) throw new Error(`${doc.path}: no heading "${heading}"`);
  let end = doc.lines.length;
  for (let i = start + 1; i < doc.lines.length; i++) {
    const m = /^(#+)\s/.exec(doc.lines[i]!);
    if (!code[i] && m && m[1]!.length <= level) {
      end = i;
      break;
    }
  }
  return { path: doc.path, lines: doc.lines.slice(start, end), offset: start };
}

/** Splits a table row on unescaped pipes; `\|` (needed inside code spans in tables) becomes `|`. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * Every pipe table, plus the line numbers of table rows that belong to no table: rows after a
 * blank line (which ends a Markdown table) render as plain text with pipes in them.
 */
export function tables(doc: Doc & { offset?: number }): { tables: Table[]; orphanRows: number[] } {
  const code = fenced(doc.lines);
  const base = (doc.offset ?? 0) + 1;
  const out: Table[] = [];
  const orphanRows: number[] = [];
  let i = 0;
  while (i < doc.lines.length) {
    const isRow = (k: number) => k < doc.lines.length && !code[k] && doc.lines[k]!.trim().startsWith('|');
    if (!isRow(i)) {
      i++;
      continue;
    }
    const separator = isRow(i + 1) && /^\|?\s*:?-{3,}/.test(doc.lines[i + 1]!.trim());
    if (!separator) {
      orphanRows.push(base + i);
      i++;
      continue;
    }
    const table: Table = { doc: doc.path, line: base + i, header: cells(doc.lines[i]!).map((h) => h.toLowerCase()), rows: [] };
    i += 2;
    while (isRow(i)) {
      table.rows.push({ line: base + i, cells: cells(doc.lines[i]!) });
      i++;
    }
    out.push(table);
  }
  return { tables: out, orphanRows };
}

/** Inline code spans of a piece of text. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Every inline code span outside fenced blocks, and every line inside them, with its line. */
export function codeFragments(doc: Doc): { line: number; text: string }[] {
  const code = fenced(doc.lines);
  const out: { line: number; text: string }[] = [];
  doc.lines.forEach((l, i) => {
    if (code[i]) {
      if (!/^\s*```/.test(l)) out.push({ line: i + 1, text: l.trim() });
    } else {
      for (const span of codeSpans(l)) out.push({ line: i + 1, text: span });
    }
  });
  return out;
}

/** The first code span of a cell, or undefined. */
export function firstSpan(cell: string | undefined): string | undefined {
  return cell === undefined ? undefined : codeSpans(cell)[0];
}

/** The column index of a header, failing with the table's place when it is missing. */
export function column(t: Table, name: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new Error(`${t.doc}:${t.line}: table has no "${name}" column (columns: ${t.header.join(', ')})`);
  return i;
}

/** Every document a user of the repository reads. */
export const USER_DOCS = [
  'README.md',
  ...readdirSync(join(packageRoot(), 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'src/sim/README.md',
  'test/scenarios/README.md',
];

/** The tables of a document (or of one section), failing on rows a blank line cut off from their table. */
export function tablesIn(doc: Doc, heading?: string): Table[] {
  const t = tables(heading ? section(doc, heading) : doc);
  if (t.orphanRows.length > 0) throw new Error(`${doc.path}: table rows outside any table at line(s) ${t.orphanRows.join(', ')} (a blank line inside a table ends it)`);
  return t.tables;
}
