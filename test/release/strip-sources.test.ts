import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * scripts/release/strip-sources.mjs on a small app/ tree: what ships must run as it did, say the
 * same thing in its stack traces and keep its licences; only the comments go.
 */

interface Stripped {
  files: number;
  kept: string[];
  bytesBefore: number;
  bytesAfter: number;
}
const { stripSources } = (await import(pathToFileURL(join(REPO, 'scripts/release/strip-sources.mjs')).href)) as { stripSources: (app: string) => Stripped };

let tmp: ReturnType<typeof tempDir>;
let app: string;

function put(path: string, text: string): void {
  mkdirSync(join(app, path, '..'), { recursive: true });
  writeFileSync(join(app, path), text);
}

function node(file: string): string {
  const r = spawnSync(process.execPath, [join(app, file)], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

beforeEach(() => {
  tmp = tempDir('elevgw-strip-');
  app = join(tmp.dir, 'app');
  put('package.json', JSON.stringify({ type: 'module' }));
  // The app's own ESM, importing a CommonJS package.
  put(
    'dist/src/main.js',
    [
      '// A line comment the gateway would otherwise keep in memory for years.',
      "import { twice } from '../../node_modules/dep/index.js';",
      '/** A doc comment. */',
      'export function named() {',
      '  return new Error("from named").stack.split("\\n")[1].trim();',
      '}',
      'console.log(twice(21), named());',
      '',
    ].join('\n'),
  );
  put('node_modules/dep/package.json', JSON.stringify({ name: 'dep' }));
  put('node_modules/dep/index.js', ['/*! dep v1 | MIT License */', "'use strict';", 'module.exports.twice = (x) => x * 2; // inline', ''].join('\n'));
  put('node_modules/dep/broken.mjs', 'export {');
  // Legal in CommonJS, which oxc parses as a script, where it is not: shipped as it is.
  put('node_modules/dep/early.js', '// once\nif (globalThis.loaded) return;\nglobalThis.loaded = true;\n');
});
afterEach(() => tmp.cleanup());

describe('strip-sources: a release without comments', () => {
  it('removes comments from the app and its node_modules; the app prints the same, names the same function', () => {
    const before = node('dist/src/main.js');
    const r = stripSources(app);
    const at = (out: string) => out.replace(/main\.js:\d+:\d+/, 'main.js'); // lines move: the comments are gone
    expect(at(node('dist/src/main.js'))).toBe(at(before)); // same output…
    expect(before).toMatch(/^42 at named /);
    const main = readFileSync(join(app, 'dist/src/main.js'), 'utf8');
    expect(main).not.toContain('comment');
    expect(main).toContain('export function named()');
    // …on lines of their own: a stack trace points at readable code, not column 4000 of line 1.
    expect(main.trim().split('\n').length).toBeGreaterThan(3);
    const dep = readFileSync(join(app, 'node_modules/dep/index.js'), 'utf8');
    expect(dep).toContain('dep v1 | MIT License');
    expect(dep).not.toContain('inline');
    expect(dep).toMatch(/^["']use strict["'];$/m);
    expect(r.files).toBe(2);
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
  });

  it('ships a file it cannot parse unchanged and names it', () => {
    const r = stripSources(app);
    expect(readFileSync(join(app, 'node_modules/dep/broken.mjs'), 'utf8')).toBe('export {');
    expect(readFileSync(join(app, 'node_modules/dep/early.js'), 'utf8')).toContain('// once');
    expect(r.kept).toEqual([expect.stringMatching(/^node_modules\/dep\/broken\.mjs: /), expect.stringMatching(/^node_modules\/dep\/early\.js: .*return/)]);
  });

  it('follows no symbolic link out of the app', () => {
    const outside = join(tmp.dir, 'outside.js');
    writeFileSync(outside, '// not the release\nexport {};\n');
    symlinkSync(outside, join(app, 'dist', 'link.js'));
    stripSources(app);
    expect(readFileSync(outside, 'utf8')).toContain('// not the release');
  });
});
