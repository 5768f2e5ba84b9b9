import { accessSync, chmodSync, chownSync, constants, copyFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ElevgwError, isElevgwError } from '../core/errors.js';
import { loadConfig } from './load.js';

/** `20261202T031544Z`: a UTC time for file names (sorts, no colons). */
export function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The advice for a config this user may not replace: its directory's owner, or root, may. */
const unwritable = (file: string, why: string) =>
  new ElevgwError(
    'CONFIG_UNWRITABLE',
    `${file} cannot be replaced: ${why}; the new file and the backup are written beside it, in ${dirname(file)}. Run the command as that directory's owner or with sudo`,
    { file },
  );

/** A file-system error in words: what the technician can do about it, not an errno on a temporary file. */
function inWords(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'this user may not write there (permission denied)';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether `file` can be replaced by `replaceConfigFile`, asked before a long run whose result is
 * to go into it (a learning run, a commissioning walk): its directory must take a new file (the
 * temporary one, the backup) and the file must be readable. Throws CONFIG_UNWRITABLE, naming it.
 */
export function assertConfigReplaceable(file: string): void {
  try {
    accessSync(dirname(file), constants.W_OK | constants.X_OK);
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw unwritable(file, inWords(e));
  }
}

/**
 * Replaces a site config with `text` the way a technician's tool must: the new text has to load as
 * a valid config before it replaces anything (else the file is left as it was and the error
 * thrown, its problems named as lines of `file`, the file the technician knows); the original is
 * kept next to it as `<file>.bak-<UTC time>`; the new file keeps the original's mode and owner (the
 * service must still read it) and replaces it by rename, so a reader never sees half a file.
 * `tag` names the temporary file (`<file>.<tag>-<pid>`). A write that fails (permission, a full
 * disk) throws CONFIG_UNWRITABLE naming `file`, never the temporary file, which is removed.
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
  try {
    writeFileSync(tmp, text, { mode: original.mode & 0o777 });
  } catch (e) {
    throw unwritable(file, inWords(e));
  }
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
    throw unwritable(file, inWords(e));
  }
}
