import { ElevgwError } from '../core/errors.js';
import { COLUMNS, type Row } from './columns.js';
import { rowSchema, type RowAnswers, type RowContext } from './row.js';

/** `--registration-code` → `registrationCode`, the key commander gives the option. */
function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The answer flags that were given, as a row: a repeated per-elevator flag is one value per elevator. */
export function rowFromFlags(opts: Record<string, unknown>): Row {
  const row: Row = {};
  for (const c of COLUMNS) {
    const v = opts[optionKey(c.flag)];
    if (typeof v === 'string') row[c.name] = v;
    else if (Array.isArray(v) && v.length > 0) row[c.name] = v.join(';');
  }
  return row;
}

/** Flags checked as a CSV row is; a problem names the flag. */
export function answersFromFlags(row: Row, ctx: RowContext): RowAnswers {
  const r = rowSchema(ctx).safeParse(row);
  if (r.success) return r.data;
  const flagOf = (name: string) => COLUMNS.find((c) => c.name === name)?.flag ?? name;
  throw new ElevgwError('CONFIG_INVALID', r.error.issues.map((i) => `${flagOf(String(i.path[0]))}: ${i.message}`).join('\n'));
}
