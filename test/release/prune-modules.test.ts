import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * scripts/release/prune-modules.mjs on a copy of the zod this checkout installs: the release's
 * zod validates and words its errors as before, with English as its only locale, and the step
 * refuses an index it does not recognise (a zod upgrade) instead of shipping it unchecked.
 */

interface Pruned {
  file: string;
  kept: string[];
  dropped: number;
}
const { pruneModules } = (await import(pathToFileURL(join(REPO, 'scripts/release/prune-modules.mjs')).href)) as { pruneModules: (app: string) => Pruned[] };

const INDEX = 'node_modules/zod/v4/locales/index.js';
let tmp: ReturnType<typeof tempDir>;
let app: string;

beforeEach(() => {
  tmp = tempDir('elevgw-prune-');
  app = join(tmp.dir, 'app');
  cpSync(join(REPO, 'node_modules/zod'), join(app, 'node_modules/zod'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module' }));
});
afterEach(() => tmp.cleanup());

/** What zod in `app` says: its locales, and the error of a number given for a string. */
function zodSays(): { locales: string[]; message: string } {
  const script = `import { z } from 'zod';
const r = z.object({ url: z.string() }).safeParse({ url: 1 });
console.log(JSON.stringify({ locales: Object.keys(z.locales), message: r.error.issues[0].message }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { locales: string[]; message: string };
}

describe('release: modules `run` never uses are cut from the graph', () => {
  it("keeps zod's English locale alone; zod validates and words its errors as before", () => {
    const before = zodSays();
    expect(before.locales.length).toBeGreaterThan(40);
    expect(pruneModules(app)).toEqual([{ file: INDEX, kept: ['en'], dropped: before.locales.length - 1 }]);
    expect(zodSays()).toEqual({ locales: ['en'], message: before.message });
    expect(before.message).toMatch(/expected string, received number/);
  });

  it('refuses an index of another shape, naming the file and line, and leaves it as it was', () => {
    const text = `${readFileSync(join(app, INDEX), 'utf8')}export * from "./extra.js";\n`;
    writeFileSync(join(app, INDEX), text);
    expect(() => pruneModules(app)).toThrow(/node_modules\/zod\/v4\/locales\/index\.js:\d+: expected only lines .* found: export \* from "\.\/extra\.js";/);
    expect(readFileSync(join(app, INDEX), 'utf8')).toBe(text);
  });

  it('refuses an index without English', () => {
    writeFileSync(join(app, INDEX), 'export { default as de } from "./de.js";\n');
    expect(() => pruneModules(app)).toThrow(/no locale en to keep/);
  });
});
