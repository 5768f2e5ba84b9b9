// The release's own description: release.json (what it is, what it was built from, what it
// needs), and MANIFEST.sha256, the sha256 of every regular file in the tree in `sha256sum -c`
// format (run from the top directory). Symbolic links cannot be hashed; release.json lists them
// (the only ones are app/boards, app/config, app/docs), so an installer can check those too.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** @param {string} top @param {object} info written as release.json (plus the links found) */
export function writeReleaseJson(top, info) {
  const { links } = walk(top);
  writeFileSync(join(top, 'release.json'), `${JSON.stringify({ ...info, symlinks: links }, null, 2)}\n`);
}

/** Writes MANIFEST.sha256 last, over everything else (release.json included). */
export function writeManifest(top) {
  const { files } = walk(top);
  const lines = files.filter((f) => f !== 'MANIFEST.sha256').map((f) => `${sha256(readFileSync(join(top, f)))}  ${f}`);
  writeFileSync(join(top, 'MANIFEST.sha256'), `${lines.join('\n')}\n`);
  return lines.length;
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Regular files and symlinks under top (relative, sorted); anything else, or a name sha256sum would escape, stops the build. */
function walk(top) {
  const files = [];
  /** @type {Record<string, string>} */
  const links = {};
  for (const e of readdirSync(top, { withFileTypes: true, recursive: true })) {
    const full = join(e.parentPath, e.name);
    const rel = relative(top, full);
    if (/[\\\n\r]/.test(rel)) throw new Error(`${rel}: a file name MANIFEST.sha256 cannot list`);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) links[rel] = readlinkSync(full);
    else if (st.isFile()) files.push(rel);
    else if (!st.isDirectory()) throw new Error(`${rel}: not a file, directory or link`);
  }
  files.sort();
  return { files, links: Object.fromEntries(Object.entries(links).sort(([a], [b]) => a.localeCompare(b))) };
}
