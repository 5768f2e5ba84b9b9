import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { COLUMNS } from '../../src/provision/columns.js';
import { column, firstSpan, readDoc, tablesIn } from '../docs/markdown.js';

/** docs/provisioning.md is what an installer reads to fill in the roll-out sheet: it must list the columns and flags init reads. */
describe('docs/provisioning.md documents the roll-out CSV as init reads it', () => {
  const rows = tablesIn(readDoc('docs/provisioning.md'), '## The roll-out CSV')
    .filter((t) => t.header[0] === 'column')
    .flatMap((t) => t.rows.map((r) => ({ t, r, name: firstSpan(r.cells[0]) })));

  it('has a row for every column, with its flag and whether it is per elevator, and no other', () => {
    const problems = [
      ...COLUMNS.filter((c) => !rows.some((x) => x.name === c.name)).map((c) => `column ${c.name} is missing`),
      ...rows.flatMap(({ t, r, name }) => {
        const c = COLUMNS.find((x) => x.name === name);
        if (!c) return [`line ${r.line}: ${name} is not a column init reads`];
        const out: string[] = [];
        if (firstSpan(r.cells[column(t, 'flag')]) !== c.flag) out.push(`line ${r.line}: ${name}'s flag is ${c.flag}`);
        if ((r.cells[column(t, 'per elevator')] === 'yes') !== c.perElevator) out.push(`line ${r.line}: ${name} is ${c.perElevator ? '' : 'not '}per elevator`);
        if ((r.cells[column(t, 'required')] === 'yes') !== c.required) out.push(`line ${r.line}: ${name} is ${c.required ? '' : 'not '}always required`);
        return out;
      }),
    ];
    expect(problems).toEqual([]);
  });

  it('every option of elevgw init is in the options table or the column table', () => {
    const init = buildProgram().commands.find((c) => c.name() === 'init')!;
    const options = tablesIn(readDoc('docs/provisioning.md'), '## All options').flatMap((t) => t.rows.map((r) => firstSpan(r.cells[0])?.split(' ')[0]));
    const flags = new Set([...options, ...COLUMNS.map((c) => c.flag)]);
    expect(init.options.map((o) => o.long).filter((f) => !flags.has(f))).toEqual([]);
  });
});
