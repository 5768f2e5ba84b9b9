// The release's JavaScript without its comments. V8 keeps the source text of every module a
// process loads for as long as it runs (functions are compiled lazily, from that text), so in
// `elevgw run`, which runs for years in a 70 MB budget, every comment of the app and of its
// node_modules is resident memory: 1.8 MiB of RSS after a minute, 2.2 MiB of peak on Node 20
// (docs/release.md, "Memory of `elevgw run`"). Each .js/.mjs/.cjs file under app/dist and
// app/node_modules is printed again by
// oxc's code generator (rolldown's `minifySync`, the one vite already brings): no comments, but
// not mangled, not compressed and not on one line — a stack trace from the field names the same
// functions, on lines of a file anyone can read. Comments that carry a licence (`@license`,
// `@preserve`, `/*!`) stay. A file the parser refuses is shipped as it is, and counted.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { minifySync } from 'rolldown/utils';

const SOURCE = /\.(c|m)?js$/;

/**
 * @param {string} appDir a release's app/ (dist/ and node_modules/ in it)
 * @returns {{ files: number, kept: string[], bytesBefore: number, bytesAfter: number }}
 */
export function stripSources(appDir) {
  const out = { files: 0, kept: [], bytesBefore: 0, bytesAfter: 0 };
  const types = new Map();
  for (const top of ['dist', 'node_modules']) walk(join(appDir, top), appDir, types, out);
  return out;
}

function walk(dir, appDir, types, out) {
  // Sorted: the build's output names the files it kept in the same order on every machine.
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, appDir, types, out);
    else if (e.isFile() && SOURCE.test(e.name)) strip(path, appDir, types, out);
    // Symbolic links (npm's .bin, the app's boards/config/docs) point at files walked elsewhere, or at none.
  }
}

function strip(path, appDir, types, out) {
  const source = readFileSync(path, 'utf8');
  const module = path.endsWith('.mjs') || (!path.endsWith('.cjs') && packageType(dirname(path), appDir, types) === 'module');
  const result = minifySync(path, source, { module, compress: false, mangle: false, codegen: { removeWhitespace: false, legalComments: 'inline' } });
  if (result.errors.length > 0) {
    out.kept.push(`${path.slice(appDir.length + 1)}: ${result.errors[0].message}`);
    return;
  }
  writeFileSync(path, result.code);
  out.files++;
  out.bytesBefore += Buffer.byteLength(source);
  out.bytesAfter += Buffer.byteLength(result.code);
}

/** The `type` of the package.json nearest above `dir` (within appDir), as Node reads it: "commonjs" when none says. */
function packageType(dir, appDir, types) {
  const known = types.get(dir);
  if (known !== undefined) return known;
  let type = 'commonjs';
  try {
    type = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type ?? 'commonjs';
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(`${join(dir, 'package.json')}: ${e.message}`);
    if (dir.length > appDir.length) type = packageType(dirname(dir), appDir, types);
  }
  types.set(dir, type);
  return type;
}
