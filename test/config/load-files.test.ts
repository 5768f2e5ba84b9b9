import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadConfig, packageRoot } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Loading a site config as an installer meets it at the site: what the file says wrong, where
 * (file, line, column, path), all of it at once; where its relative paths point; which board
 * profiles a site's own directory adds or replaces.
 */

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function refusal(file: string): { code: string; message: string; problems: ConfigProblem[] } {
  try {
    loadConfig(file);
  } catch (e) {
    if (isElevgwError(e)) return { code: e.code, message: e.message, problems: (e.context?.problems as ConfigProblem[] | undefined) ?? [] };
    throw e;
  }
  throw new Error('config was accepted');
}

/** A file in a subdirectory of the test's directory, made with its directories. */
function fileAt(rel: string, text: string): string {
  mkdirSync(dirname(join(tmp.dir, rel)), { recursive: true });
  return tmp.file(rel, text);
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('a config file that is not good YAML', () => {
  it('a syntax error names the file, its line and column', () => {
    const text = demo.replace('ratedSpeedMps: 1.75', 'ratedSpeedMps: [1.75');
    const file = tmp.file('site.yaml', text);
    const r = refusal(file);
    expect(r.code).toBe('CONFIG_INVALID');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]).toMatchObject({ file, path: '', message: expect.stringMatching(/^YAML syntax: /) });
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(lineOf(text, 'ratedSpeedMps'));
    expect(r.message.split('\n')[0]).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:\\d+:\\d+ \\(root\\): YAML syntax: [^\\n]+$`));
  });

  it('a key written twice is refused, not silently the last one', () => {
    const text = demo.replace('    ratedSpeedMps: 1.75', '    ratedSpeedMps: 1.75\n    ratedSpeedMps: 2.5');
    const r = refusal(tmp.file('site.yaml', text));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/YAML syntax: .*unique/i);
    expect(r.problems[0]!.line).toBe(lineOf(text, 'ratedSpeedMps: 2.5'));
  });

  it('a file that cannot be read says so with the reason', () => {
    const file = join(tmp.dir, 'missing', 'site.yaml');
    expect(refusal(file)).toMatchObject({ code: 'CONFIG_NOT_FOUND', message: `${file}: cannot read (ENOENT)` });
  });
});

describe('values of the wrong kind', () => {
  it('names what was found: a list, nothing (null), a boolean, a string', () => {
    for (const [value, got] of [
      ['[1.75]', 'array'],
      ['null', 'null'],
      ['true', 'boolean'],
      ['"fast"', 'string'],
    ] as const) {
      const r = refusal(tmp.file('site.yaml', demo.replace('ratedSpeedMps: 1.75', `ratedSpeedMps: ${value}`)));
      expect(
        r.problems.map((p) => p.message),
        value,
      ).toEqual([`expected number, got ${got}`]);
    }
  });

  it('every unknown key by name, each problem on its own line, at the line of the (first) unknown key', () => {
    const text = `${demo.replace('rescueCode: "JH-10001"', 'rescueCode: "JH-10001"\n    colour: red\n    size: 3')}colour: red\n`;
    const file = tmp.file('site.yaml', text);
    const r = refusal(file);
    const root = text.split('\n').lastIndexOf('colour: red') + 1;
    expect(r.problems.map((p) => [p.path, p.line, p.message])).toEqual([
      ['elevators[0]', lineOf(text, '    colour: red'), 'unknown key(s) "colour", "size"'],
      ['', root, 'unknown key(s) "colour"'],
    ]);
    expect(root).toBeGreaterThan(lineOf(text, '    colour: red'));
    expect(r.message.split('\n')).toEqual([
      `${file}:${lineOf(text, '    colour: red')}:5 elevators[0]: unknown key(s) "colour", "size"`,
      `${file}:${root}:1 (root): unknown key(s) "colour"`,
    ]);
  });

  it('an unknown board is found at its line; with no profiles anywhere, says none were found', () => {
    const text = demo.replace('board: sim-modbus', 'board: acme-9000');
    const file = tmp.file('site.yaml', text);
    const r = refusal(file);
    expect(r.problems[0]).toMatchObject({ path: 'elevators[0].board', line: lineOf(text, 'board: acme-9000') });
    expect(r.problems[0]!.message).toMatch(/^unknown board "acme-9000" \(expected one of: (?:[a-z0-9-]+, )+sim-modbus(?:, [a-z0-9-]+)*\)$/);
    let none = '';
    try {
      loadConfig(file, { boardsDirs: [join(tmp.dir, 'nowhere')] });
    } catch (e) {
      none = (e as Error).message;
    }
    expect(none).toContain('unknown board "acme-9000" (expected one of: none found)');
  });
});

describe("a site's own board profiles (boardsDir)", () => {
  const profile = (id: string) => readFileSync(join(packageRoot(), 'boards', 'sim-modbus.yaml'), 'utf8').replace(/^id: sim-modbus$/m, `id: ${id}`);
  function site(board: string): string {
    const file = fileAt('site/site.yaml', demo.replace('board: sim-modbus', `board: ${board}`).replace('runtime:', 'boardsDir: boards\nruntime:'));
    mkdirSync(join(dirname(file), 'boards'), { recursive: true });
    return file;
  }

  it('adds profiles from .yaml and .yml files, ignores other files, and may replace a shipped one by its id', () => {
    const file = site('acme-9000');
    writeFileSync(join(dirname(file), 'boards', 'acme-9000.yml'), profile('acme-9000').replace(/^description: .*$/m, 'description: ours'));
    writeFileSync(join(dirname(file), 'boards', 'README.md'), '# not a profile\n');
    writeFileSync(join(dirname(file), 'boards', 'notes.yaml.bak'), 'not: [a profile');
    expect(loadConfig(file).elevators[0]!.board).toMatchObject({ id: 'acme-9000', description: 'ours' });
    writeFileSync(join(dirname(file), 'boards', 'sim-modbus.yaml'), profile('sim-modbus').replace(/^description: .*$/m, 'description: the site’s own'));
    writeFileSync(file, readFileSync(file, 'utf8').replace('board: acme-9000', 'board: sim-modbus'));
    expect(loadConfig(file).elevators[0]!.board.description).toBe('the site’s own');
  });

  it("an unknown board lists the shipped ids, then the site's own, sorted and each once; other files are no profiles", () => {
    const file = site('acme-9000');
    for (const name of ['zeta.yaml', 'README.md', 'notes.yaml.bak', 'alpha.yml', 'sim-modbus.yaml', 'backup.yaml~'])
      writeFileSync(join(dirname(file), 'boards', name), '# unread\n');
    const shippedIds = readdirSync(join(packageRoot(), 'boards'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort();
    expect(refusal(file).problems[0]!.message).toBe(`unknown board "acme-9000" (expected one of: ${[...shippedIds, 'alpha', 'zeta'].join(', ')})`);
  });

  it('a profile whose id is not its file name is refused, naming both, at the line of its id', () => {
    const file = site('acme-9000');
    const board = join(dirname(file), 'boards', 'acme-9000.yaml');
    const text = profile('acme-9001');
    writeFileSync(board, text);
    const line = lineOf(text, 'id: acme-9001');
    expect(refusal(file)).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${board}:${line}:5 id: expected "acme-9000" (the file name), got "acme-9001"`,
      problems: [{ file: board, path: 'id', line, column: 5 }],
    });
  });
});

describe('paths in the config', () => {
  it('the uplink TLS files, the credentials file, the outbox and the diagnostics socket resolve against the config file', () => {
    const text = demo
      .replace('  telemetryIntervalS: 10', '  telemetryIntervalS: 10\n  tls: { ca: pki/ca.pem, cert: /etc/elevgw/gw.pem, key: pki/gw.key }\n  credentialsFile: secrets/credentials')
      .replace('  timeScale: 1', '  timeScale: 1\n  diagSocket: run/diag.sock');
    const file = fileAt('etc/site.yaml', text);
    const dir = dirname(file);
    const c = loadConfig(file);
    expect(c.site.uplink.tls).toMatchObject({ ca: join(dir, 'pki/ca.pem'), cert: '/etc/elevgw/gw.pem', key: join(dir, 'pki/gw.key') });
    expect(c.site.uplink.credentialsFile).toBe(join(dir, 'secrets/credentials'));
    expect(c.outboxPath).toBe(join(dir, '../data/demo-outbox.db'));
    expect(c.diagSocketPath).toBe(join(dir, 'run/diag.sock'));
  });

  it('without a TLS block none is made up; the socket defaults to beside the outbox', () => {
    const file = fileAt('etc/site.yaml', demo);
    const c = loadConfig(file);
    expect(c.site.uplink.tls).toBeUndefined();
    expect('tls' in c.site.uplink).toBe(false);
    expect(c.diagSocketPath).toBe(join(dirname(c.outboxPath), 'diag.sock'));
  });
});
