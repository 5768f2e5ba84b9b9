import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/contract/enums.js';
import { CATALOGUE, SERVICE_MODES, serviceModeEventCode } from '../../src/detect/catalogue.js';
import { codeSpans, column, firstSpan, readDoc, tablesIn } from '../docs/markdown.js';

/** The fault and event code table of docs/contract.md is src/detect/catalogue.ts, type by type. */
describe('docs/contract.md "Fault and event codes"', () => {
  const rows = () =>
    tablesIn(readDoc('docs/contract.md'), '## Fault and event codes')
      .filter((t) => t.header[0] === 'type')
      .flatMap((t) => t.rows.map((r) => ({ t, r, type: firstSpan(r.cells[0]) })));

  it('has a row for every event type, and no other', () => {
    const documented = rows().map((x) => x.type);
    expect([...documented].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('gives each type the code, name and default severity of the catalogue', () => {
    const problems = rows().flatMap(({ t, r, type }) => {
      const e = CATALOGUE[type as keyof typeof CATALOGUE];
      if (!e) return [];
      const expectedCodes = type === 'service-mode' ? SERVICE_MODES.flatMap((m) => serviceModeEventCode(m) ?? []) : e.code === undefined ? [] : [e.code];
      const codes = codeSpans(r.cells[column(t, 'code')] ?? '');
      const out: string[] = [];
      if ([...codes].sort().join() !== [...expectedCodes].sort().join()) out.push(`${type}: code(s) ${expectedCodes.join(' ') || '—'}, the row says ${codes.join(' ') || '—'}`);
      if ((r.cells[column(t, 'name')] ?? '').trim() !== e.zh) out.push(`${type}: name ${e.zh}, the row says ${r.cells[column(t, 'name')]}`);
      const severity = (r.cells[column(t, 'severity')] ?? '').split(/[\s(;,]/)[0];
      if (severity !== e.severity) out.push(`${type}: severity ${e.severity}, the row says ${severity}`);
      return out;
    });
    expect(problems).toEqual([]);
  });
});
