// What the release's machine code demands, checked before anything is packed: every native
// module is for the target's CPU (a host-built module slipping in would only fail on the Pi), the
// required ones are there, and the newest glibc / libstdc++ symbol versions any binary needs are
// recorded, which is the oldest OS the release can run on.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { elfMachine } from './node-runtime.mjs';
import { capture } from './run.mjs';

/**
 * @param {string} top the release's top directory
 * @param {import('./targets.mjs').Target} target
 * @param {string[]} required package names whose native module must be there
 * @returns {{ modules: string[], glibc: string, glibcxx: string | null }}
 */
export function checkBinaries(top, target, required) {
  const modules = nodeFiles(join(top, 'app', 'node_modules'));
  for (const m of modules) {
    const machine = elfMachine(m);
    if (machine !== target.elfMachine) throw new Error(`${relative(top, m)} is built for ${machine}, not ${target.elfMachine}`);
  }
  for (const name of required) {
    const dir = join(top, 'app', 'node_modules', name, 'build', 'Release');
    if (!modules.some((m) => m.startsWith(`${dir}/`))) throw new Error(`${name} has no native module in ${relative(top, dir)}`);
  }
  const needs = [join(top, 'node', 'bin', 'node'), ...modules].flatMap(symbolVersions);
  return {
    modules: modules.map((m) => relative(top, m)).sort(),
    glibc: newest(needs, 'GLIBC_') ?? 'none',
    glibcxx: newest(needs, 'GLIBCXX_'),
  };
}

function nodeFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.node') && isElf(join(e.parentPath, e.name)))
    .map((e) => join(e.parentPath, e.name));
}

function isElf(file) {
  return readFileSync(file)
    .subarray(0, 4)
    .equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/** Versioned symbols a binary needs, e.g. GLIBC_2.34, GLIBCXX_3.4.30 (readelf reads every ELF machine). */
function symbolVersions(file) {
  return [...capture('readelf', ['-V', '-W', file]).matchAll(/Name: (GLIBC(?:XX)?_[\d.]+)/g)].map((m) => m[1]);
}

function newest(names, prefix) {
  const versions = names.filter((n) => n.startsWith(prefix) && /^[\d.]+$/.test(n.slice(prefix.length))).map((n) => n.slice(prefix.length));
  if (versions.length === 0) return null;
  return versions.sort((a, b) => compare(b, a))[0];
}

function compare(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
