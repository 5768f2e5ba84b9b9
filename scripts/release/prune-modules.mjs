// What a release's node_modules holds but `elevgw run` never uses, cut out of the module graph
// Node loads. A bundler would drop it (the package says it has no side effects); Node's ESM
// loader evaluates every module a file names, used or not, and V8 keeps its source and its
// objects for as long as the gateway runs (docs/release.md, "Memory of `elevgw run`").
//
// One cut today: zod's translations of its error messages. Any import of zod loads
// `zod/v4/locales/index.js`, which re-exports every locale zod has (63); zod configures English
// (`config(en())`, from `en.js` directly) and elevgw never sets another: its error texts are its
// own, with zod's English message at most. Keeping `en` alone in the index: −1.2 MiB of RSS after 60 s and −1.5 MiB of
// peak on the x64 release (Node 22). The locale files stay in the release, each importable
// by its own path; only the index that names them all is shortened.
//
// The step knows the index's exact shape and fails the build when it changes (a zod upgrade),
// naming the file and the line, rather than ship a graph nobody checked.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ZOD_LOCALES = 'node_modules/zod/v4/locales/index.js';
const REEXPORT = /^export \{ default as ([A-Za-z]+) \} from "\.\/([A-Za-z-]+)\.js";$/;

/**
 * @param {string} appDir a release's app/
 * @returns {{ file: string, kept: string[], dropped: number }[]}
 */
export function pruneModules(appDir) {
  return [keepLocales(appDir, ZOD_LOCALES, ['en'])];
}

function keepLocales(appDir, rel, keep) {
  const file = join(appDir, rel);
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = [];
  let dropped = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const m = REEXPORT.exec(line);
    if (!m) throw new Error(`${rel}:${i + 1}: expected only lines \`export { default as NAME } from "./FILE.js";\`, found: ${line}`);
    if (keep.includes(m[1])) kept.push(line);
    else dropped++;
  });
  const names = kept.map((l) => REEXPORT.exec(l)[1]);
  const missing = keep.filter((k) => !names.includes(k));
  if (missing.length > 0) throw new Error(`${rel}: no locale ${missing.join(', ')} to keep`);
  writeFileSync(file, `${kept.join('\n')}\n`);
  return { file: rel, kept: names, dropped };
}
