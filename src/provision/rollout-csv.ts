import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ElevgwError } from '../core/errors.js';
import { COLUMNS, cellValues, type ColumnName, type Row } from './columns.js';
import { rowSchema, type RowAnswers, type RowContext } from './row.js';
import { say, type Text } from './text.js';

/**
 * The roll-out CSV: one line per gateway, a header line naming the columns (any order; the
 * optional ones may be left out), `;` between the elevators of a gateway inside a cell. It is
 * read with csv-parse (quotes, a UTF-8 BOM from Excel, CRLF) and the chosen line checked with
 * the row schema; a problem names the file, the line and the column.
 */
export type RowPick = { row: number } | { gatewayId: string };

interface Line {
  line: number;
  cells: string[];
}

export function readRolloutRow(file: string, pick: RowPick, ctx: RowContext): RowAnswers {
  const { header, lines } = readCsv(file, ctx.lang);
  const index = new Map(header.map((name, i) => [name, i]));
  const at = (l: Line, name: ColumnName) => l.cells[index.get(name) ?? -1]?.trim();
  const fail = (msg: string): never => {
    throw new ElevgwError('CONFIG_INVALID', msg, { file });
  };

  // A gateway id on two lines is two gateways sharing one identity, a registration code on two
  // lines two gateways reporting one lift (a copy-down in the spreadsheet): refuse the whole sheet.
  const twice = [
    ...sheetDuplicates(lines, 'gateway_id', (l) => [at(l, 'gateway_id') ?? '']),
    ...sheetDuplicates(lines, 'registration_codes', (l) => cellValues(at(l, 'registration_codes'))),
  ].map((d) => `${file}:${d.line}: column ${header.indexOf(d.name) + 1} (${d.name}): ${say(REPEATED[d.name](d.value, d.first), ctx.lang)}`);
  if (twice.length > 0) fail(twice.join('\n'));

  const chosen = 'row' in pick ? lines[pick.row - 1] : lines.find((l) => at(l, 'gateway_id') === pick.gatewayId);
  if (!chosen) {
    const what: Text =
      'row' in pick
        ? { zh: `没有第 ${pick.row} 行数据（共 ${lines.length} 行）`, en: `there is no row ${pick.row} (the file has ${lines.length})` }
        : { zh: `没有网关编号为 "${pick.gatewayId}" 的行`, en: `no row has gateway id "${pick.gatewayId}"` };
    return fail(`${file}: ${say(what, ctx.lang)}`);
  }

  // Empty cells are answers not given: the column's default applies.
  const row: Row = {};
  for (const name of header) {
    const v = at(chosen, name);
    if (v) row[name] = v;
  }
  const r = rowSchema(ctx).safeParse(row);
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const col = header.indexOf(name as ColumnName);
    const where = col >= 0 ? `column ${col + 1} (${name})` : `column ${name} (${say({ zh: '表中没有此列', en: 'not in the header' }, ctx.lang)})`;
    return `${file}:${chosen.line}: ${where}: ${issue.message}`;
  });
  return fail(problems.join('\n'));
}

type SheetUnique = 'gateway_id' | 'registration_codes';

/** What a value found on two lines is, by its column. */
const REPEATED: Record<SheetUnique, (value: string, first: number) => Text> = {
  gateway_id: (v, first) => ({ zh: `网关编号 "${v}" 已在第 ${first} 行出现`, en: `gateway id "${v}" is also on line ${first}` }),
  registration_codes: (v, first) => ({ zh: `使用登记代码 "${v}" 已在第 ${first} 行出现`, en: `registration code "${v}" is also on line ${first}` }),
};

/** Values of a column found on two lines: each repeat with the line it was first on. */
function sheetDuplicates(lines: readonly Line[], name: SheetUnique, valuesOf: (l: Line) => string[]): { name: SheetUnique; value: string; line: number; first: number }[] {
  const seen = new Map<string, number>();
  const out: { name: SheetUnique; value: string; line: number; first: number }[] = [];
  for (const l of lines) {
    for (const value of new Set(valuesOf(l).filter((v) => v !== ''))) {
      const first = seen.get(value);
      if (first !== undefined) out.push({ name, value, line: l.line, first });
      else seen.set(value, l.line);
    }
  }
  return out;
}

function readCsv(file: string, lang: RowContext['lang']): { header: ColumnName[]; lines: Line[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ElevgwError('CONFIG_NOT_FOUND', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true, comment: '#', comment_no_infix: true }) as unknown as typeof records;
  } catch (e) {
    throw new ElevgwError('CONFIG_INVALID', `${file}: ${(e as Error).message}`, { file });
  }
  const [head, ...rest] = records;
  if (!head) throw new ElevgwError('CONFIG_INVALID', `${file}: ${say({ zh: '文件为空，需要表头行', en: 'empty: a header line is expected' }, lang)}`, { file });
  const known = new Set<string>(COLUMNS.map((c) => c.name));
  const header = head.record.map((h) => h.trim());
  const problems: string[] = [];
  // Excel saves a column it once had as an empty header: nothing in it, so nothing to refuse.
  const unused = (i: number) => rest.every((r) => (r.record[i] ?? '').trim() === '');
  header.forEach((h, i) => {
    if (h === '' && unused(i)) return;
    if (!known.has(h)) problems.push(`${file}:${head.info.lines}: column ${i + 1} ("${h}"): ${say({ zh: '未知列名', en: 'unknown column' }, lang)} (${[...known].join(', ')})`);
  });
  for (const c of COLUMNS)
    if (c.required && !header.includes(c.name)) problems.push(`${file}:${head.info.lines}: ${say({ zh: `缺少列 ${c.name}`, en: `the header has no column ${c.name}` }, lang)}`);
  if (problems.length > 0) throw new ElevgwError('CONFIG_INVALID', problems.join('\n'), { file });
  // A spreadsheet writes a cleared row as a line of commas: no gateway, so not counted by --row.
  const gateways = rest.filter((r) => r.record.some((c) => c.trim() !== ''));
  return { header: header as ColumnName[], lines: gateways.map((r) => ({ line: r.info.lines, cells: r.record })) };
}
