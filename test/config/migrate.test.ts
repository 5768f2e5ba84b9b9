import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, packageRoot, type ConfigProblem } from '../../src/config/load.js';
import { migrateConfig } from '../../src/config/migrate.js';
import { ElevgwError, isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The config's `version` (src/config/migrate.ts) as an installer meets it after an upgrade or a
 * downgrade: a file this elevgw cannot read is refused as CONFIG_INVALID naming the file and the
 * version, never with a crash; a file that is not a mapping at all is left to the schema, which
 * says so at its line.
 */

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function refusal(text: string): { file: string; error: ElevgwError } {
  const file = tmp.file('site.yaml', text);
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ElevgwError) return { file, error: e };
    throw e;
  }
  throw new Error('config was accepted');
}

const problemsOf = (e: ElevgwError) => (e.context.problems as ConfigProblem[]).map((p) => [p.path, p.line, p.message]);

describe('config version', () => {
  it('a newer version than this elevgw reads: CONFIG_INVALID, naming the file and both versions', () => {
    const { file, error } = refusal(demo.replace('version: 1', 'version: 2'));
    expect(isElevgwError(error, 'CONFIG_INVALID')).toBe(true);
    expect(error.message).toBe(`${file} version: this elevgw reads config version ≤ 1, got 2`);
  });

  it('an older version with no migration to this one is refused, not read as if current', () => {
    const { file, error } = refusal(demo.replace('version: 1', 'version: 0'));
    expect(isElevgwError(error, 'CONFIG_INVALID')).toBe(true);
    expect(error.message).toBe(`${file} version: no migration from version 0`);
  });

  it('a missing version, or one written as text, is a schema problem at its line', () => {
    const missing = refusal(demo.replace(/^version: 1\n/m, ''));
    const firstKey = demo.split('\n').findIndex((l) => /^[a-z]/.test(l)) + 1;
    expect(problemsOf(missing.error)).toEqual([['version', firstKey, 'required: expected 1']]);
    const text = demo.replace('version: 1', 'version: "2"');
    const quoted = refusal(text);
    expect(isElevgwError(quoted.error, 'CONFIG_INVALID')).toBe(true);
    expect(problemsOf(quoted.error).map(([path, line]) => [path, line])).toEqual([['version', text.split('\n').findIndex((l) => l.startsWith('version:')) + 1]]);
  });

  it('an empty file or a list is refused by the schema at the root, not by a crash', () => {
    expect(problemsOf(refusal('# nothing yet\n').error)).toEqual([['', undefined, 'expected object, got null']]);
    expect(problemsOf(refusal('- version: 1\n').error).map(([path, , message]) => [path, message])).toEqual([['', 'expected object, got array']]);
  });

  it('a document that is not a mapping is handed on as it is', () => {
    for (const data of [null, 'version: 1', 1, [{ version: 2 }]]) expect(migrateConfig(data, 'site.yaml')).toBe(data);
  });
});
