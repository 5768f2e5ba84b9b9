import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { packageRoot } from '../../src/config/load.js';
import { siteConfigSchema } from '../../src/config/site.js';
import { CATALOGUE, SERVICE_MODES, serviceModeEventCode } from '../../src/detect/catalogue.js';
import { EVENT_TYPES } from '../../src/contract/enums.js';
import { completenessProblems, leafCommands, mentionProblems, parseUsage } from './cli-usage.js';
import { codeFragments, codeSpans, column, firstSpan, readDoc, tables, tablesIn, USER_DOCS } from './markdown.js';
import { formatDefault, schemaKeys, typeProblem } from './schema-keys.js';

/**
 * The documents a user reads must say what the code does. Each check reads a document's tables
 * or code spans and compares them, item by item, with the code's own lists (commander tree, zod
 * schema, event catalogue); a failure names the item and where it is missing. The MQTT contract
 * is checked the same way in contract-docs.test.ts.
 */

const readme = readDoc('README.md');

describe('elevgw commands and flags are documented as the CLI defines them', () => {
  const program = buildProgram();

  it('the README command table has a row for every command, naming all its options and arguments', () => {
    const rows = tablesIn(readme, '## Commands').flatMap((t) => t.rows);
    const usages = rows.flatMap((r) =>
      codeSpans(r.cells[0]!)
        .filter((s) => s.startsWith('elevgw '))
        .map((s) => ({ u: parseUsage(program, s), where: `README.md:${r.line}` })),
    );
    const problems = usages.flatMap(({ u, where }) => [
      ...mentionProblems(u, where),
      ...(u.command.commands.length > 0 ? [`${where}: elevgw ${u.path} is a group: give each of its sub-commands a row`] : completenessProblems(u, where)),
    ]);
    for (const leaf of leafCommands(program)) {
      if (!usages.some(({ u }) => u.path === leaf.path)) problems.push(`elevgw ${leaf.path} has no row in the table under "## Commands" in README.md`);
    }
    expect(problems).toEqual([]);
  });

  it('every command line quoted in a document names existing commands and flags', () => {
    const problems = USER_DOCS.flatMap((path) => {
      const doc = readDoc(path);
      const commandTable = new Set(tables(doc).tables.flatMap((t) => (t.header[0] === 'command' ? t.rows.map((r) => r.line) : []))); // checked above
      return codeFragments(doc).flatMap(({ line, text }) => {
        const cmd = text.startsWith('npm start -- ') ? `elevgw demo ${text.slice('npm start -- '.length)}` : text;
        return cmd.startsWith('elevgw ') && !commandTable.has(line) ? mentionProblems(parseUsage(program, cmd), `${path}:${line}`) : [];
      });
    });
    expect(problems).toEqual([]);
  });
});

describe('npm scripts named in documents exist', () => {
  it('every `npm run NAME` quoted in a document is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const problems = USER_DOCS.flatMap((path) =>
      codeFragments(readDoc(path)).flatMap(({ line, text }) =>
        [...text.matchAll(/npm run ([\w:-]+)/g)].flatMap((m) =>
          scripts.includes(m[1]!) ? [] : [`${path}:${line}: npm run ${m[1]} is not a script of package.json (${scripts.join(', ')})`],
        ),
      ),
    );
    expect(problems).toEqual([]);
  });
});

describe('configuration keys are documented as the zod schema defines them', () => {
  const keys = schemaKeys(siteConfigSchema());
  const referenceRows = () => tablesIn(readDoc('docs/configuration.md')).flatMap((t) => (t.header[0] === 'key' ? t.rows.map((r) => ({ t, r, key: firstSpan(r.cells[0]) })) : []));

  it('docs/configuration.md has a row for every key of the site config (src/config/site.ts, src/config/thresholds.ts), and no other', () => {
    const rows = referenceRows();
    const problems = [
      ...[...keys.values()].filter((k) => k.leaf && !rows.some((x) => x.key === k.path)).map((k) => `config key ${k.path} is not documented in docs/configuration.md`),
      ...rows.filter((x) => !x.key || !keys.has(x.key)).map((x) => `docs/configuration.md:${x.r.line}: ${x.key ?? x.r.cells[0]} is not a key of the site config`),
    ];
    expect(problems).toEqual([]);
  });

  it('docs/configuration.md gives each key its type and its default', () => {
    const problems = referenceRows().flatMap(({ t, r, key }) => {
      const k = key === undefined ? undefined : keys.get(key);
      if (!k?.leaf) return [];
      const where = `docs/configuration.md:${r.line}: ${key}`;
      const type = r.cells[column(t, 'type')] ?? '';
      const def = r.cells[column(t, 'default')] ?? '';
      const out: string[] = [];
      const typeWrong = typeProblem(k, type, codeSpans(type));
      if (typeWrong) out.push(`${where}: ${typeWrong}`);
      const defaults = [...new Set(k.variants.filter((v) => v.default !== undefined).map((v) => formatDefault(v.default)))];
      const spans = codeSpans(def);
      if (k.variants.length > 1) {
        for (const d of defaults) if (!spans.includes(d)) out.push(`${where}: default \`${d}\` (one of the connection kinds) is not given`);
      } else if (defaults.length === 1) {
        if (spans[0] !== defaults[0]) out.push(`${where}: default is \`${defaults[0]}\`, the row says "${def}"`);
      } else {
        const expected = k.variants[0]!.required ? 'required' : '—';
        if (def !== expected) out.push(`${where}: has no default and is ${expected === 'required' ? 'required' : 'optional'}; the row should say "${expected}", not "${def}"`);
      }
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('the README configuration table names every top-level section, and only real ones', () => {
    const top = [...keys.keys()].filter((p) => !/[.[]/.test(p));
    const named = tablesIn(readme, '## Configuration').flatMap((t) => (t.header[0] === 'key' ? t.rows.map((r) => ({ key: firstSpan(r.cells[0]), line: r.line })) : []));
    const problems = [
      ...top.filter((k) => !named.some((n) => n.key === k)).map((k) => `top-level config key ${k} is missing from the table under "## Configuration" in README.md`),
      ...named.filter((n) => !n.key || !keys.has(n.key)).map((n) => `README.md:${n.line}: ${n.key} is not a key of the site config`),
    ];
    expect(problems).toEqual([]);
  });

  it('every config key quoted in a document exists', () => {
    const top = [...keys.keys()].filter((p) => !/[.[]/.test(p)).join('|');
    const keyLike = new RegExp(`^(${top})(\\[\\])?(\\.[A-Za-z]+(\\[\\])?)+$`);
    const problems = USER_DOCS.flatMap((path) => {
      const doc = readDoc(path);
      // Payload field tables name payload fields (`outbox.pending` of status.v1), not config keys;
      // key tables are checked row by row above.
      const fieldRows = new Set(tables(doc).tables.flatMap((t) => (t.header[0] === 'field' || t.header[0] === 'key' ? t.rows.map((r) => r.line) : [])));
      return codeFragments(doc).flatMap(({ line, text }) =>
        keyLike.test(text) && !keys.has(text) && !fieldRows.has(line) ? [`${path}:${line}: \`${text}\` is not a key of the site config`] : [],
      );
    });
    expect(problems).toEqual([]);
  });
});

describe('docs/domain.md catalogue is the event catalogue of src/detect', () => {
  const catalogueRows = () =>
    tablesIn(readDoc('docs/domain.md'), '## Fault and event catalogue')
      .filter((t) => t.header[0] === 'type')
      .flatMap((t) => t.rows.map((r) => ({ t, r, type: firstSpan(r.cells[0]) })));

  it('has a row for every event type, and no other', () => {
    const rows = catalogueRows();
    const problems = [
      ...EVENT_TYPES.filter((e) => !rows.some((x) => x.type === e)).map((e) => `event type ${e} is missing from the catalogue in docs/domain.md`),
      ...rows
        .filter((x) => !(EVENT_TYPES as readonly (string | undefined)[]).includes(x.type))
        .map((x) => `docs/domain.md:${x.r.line}: ${x.type ?? x.r.cells[0]} is not an event type (src/contract/enums.ts)`),
    ];
    expect(problems).toEqual([]);
  });

  it('gives each type the name, platform code and severity of src/detect/catalogue.ts', () => {
    const problems = catalogueRows().flatMap(({ t, r, type }) => {
      const e = type === undefined ? undefined : CATALOGUE[type as keyof typeof CATALOGUE];
      if (!e) return [];
      const where = `docs/domain.md:${r.line}: ${type}`;
      const out: string[] = [];
      const name = r.cells[column(t, 'name (zh)')] ?? '';
      if (!name.split(/\s*\/\s*/).includes(e.zh)) out.push(`${where}: name is ${e.zh}, the row says "${name}"`);
      const severity = (r.cells[column(t, 'severity')] ?? '').split(/[\s(;,]/)[0];
      if (severity !== e.severity) out.push(`${where}: default severity is ${e.severity}, the row says ${severity}`);
      const codes = codeSpans(r.cells[column(t, 'code')] ?? '');
      const expected = type === 'service-mode' ? SERVICE_MODES.flatMap((m) => serviceModeEventCode(m) ?? []) : e.code === undefined ? [] : [e.code];
      if ([...codes].sort().join(',') !== [...expected].sort().join(','))
        out.push(`${where}: platform code(s) ${expected.join(', ') || 'none'}, the row says ${codes.join(', ') || 'none'}`);
      return out;
    });
    expect(problems).toEqual([]);
  });
});

describe('documents stand on their own', () => {
  const walk = (dir: string): string[] =>
    readdirSync(join(packageRoot(), dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? walk(join(dir, d.name)) : /\.(ts|md|yaml|mjs|sh)$/.test(d.name) ? [join(dir, d.name)] : [],
    );
  const files = ['README.md', ...['docs', 'src', 'drivers', 'test', 'boards', 'config', 'scripts', 'bench'].flatMap(walk)];

  it('no file cites documents outside the repository (the shared brief folder next to it)', () => {
    const outside = new RegExp(['shared/', 'docs', '|', 'DOMAIN', '\\.md|', 'ARCHITECTURE', '\\.md|', 'STYLE', '\\.md'].join(''));
    const problems = files.flatMap((f) => readDoc(f).lines.flatMap((l, i) => (outside.test(l) ? [`${f}:${i + 1}: ${l.trim()}`] : [])));
    expect(problems).toEqual([]);
  });

  it('every repository path a document names exists', () => {
    const pathLike = /^(src|docs|test|drivers|boards|config|scripts|bench)\/[\w./*-]+$/;
    const exists = (p: string) => {
      if (!p.includes('*')) return existsSync(join(packageRoot(), p));
      const re = new RegExp(`^${p.split('/').pop()!.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
      const dir = join(packageRoot(), dirname(p));
      return existsSync(dir) && readdirSync(dir).some((f) => re.test(f));
    };
    const problems = USER_DOCS.flatMap((path) =>
      codeFragments(readDoc(path)).flatMap(({ line, text }) => (pathLike.test(text) && !exists(text.replace(/\/$/, '')) ? [`${path}:${line}: ${text} does not exist`] : [])),
    );
    expect(problems).toEqual([]);
  });
});
