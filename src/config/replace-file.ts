import { chmodSync, chownSync, copyFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { ElevgwError, isElevgwError } from '../core/errors.js';
import { loadConfig } from './load.js';

/** `20261202T031544Z`: a UTC time for file names (sorts, no colons). */
export function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Replaces a site config with `text` the way a technician's tool must: the new text has to load as
 * a valid config before it replaces anything (else the file is left as it was and the error
 * thrown, its problems named as lines of `file`, the file the technician knows); the original is
 * kept next to it as `<file>.bak-<UTC time>`; the new file keeps the original's mode and owner (the
 * service must still read it) and replaces it by rename, so a reader never sees half a file.
 * `tag` names the temporary file (`<file>.<tag>-<pid>`).
 */
export function replaceConfigFile(file: string, text: string, nowMs: number, tag: string): { backup: string } {
  const original = statSync(file);
  try {
    loadConfig(file, { text });
  } catch (e) {
    if (!isElevgwError(e) || e.code !== 'CONFIG_INVALID') throw e;
    throw new ElevgwError('CONFIG_INVALID', `${file} is left as it was: the text proposed for it does not load (lines as proposed)\n${e.message}`, e.context);
  }
  const tmp = `${file}.${tag}-${process.pid}`;
  writeFileSync(tmp, text, { mode: original.mode & 0o777 });
  try {
    chmodSync(tmp, original.mode & 0o777);
    try {
      chownSync(tmp, original.uid, original.gid);
    } catch {
      // Not root: the file stays ours, as the original was (we could write it).
    }
    const backup = `${file}.bak-${fileStamp(nowMs)}`;
    copyFileSync(file, backup);
    renameSync(tmp, file);
    return { backup };
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}
