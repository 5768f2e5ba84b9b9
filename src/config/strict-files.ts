import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isElevgwError } from '../core/errors.js';
import type { BoardProfile } from './board.js';
import { credentialsSource, readCredentialsFile, type CredentialRef } from './credentials.js';
import { certificateFindings } from './strict-cert.js';
import type { StrictFinding, StrictInput } from './strict.js';

/**
 * The strict checks that look at files: TLS material and the credentials file the service will
 * read, the outbox directory it will write, and board profiles a site directory replaces. Run as
 * the service user (the unit's ExecStartPre), "cannot read" means the service could not either.
 */
export function fileFindings(input: StrictInput): StrictFinding[] {
  return [...tlsFindings(input), ...certificateFindings(input), ...credentialFindings(input), ...outboxFindings(input), ...boardFindings(input)];
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Permission bits as `0640`. */
function mode(m: number): string {
  return `0${(m & 0o777).toString(8)}`;
}

function tlsFindings({ site }: StrictInput): StrictFinding[] {
  const tls = site.uplink.tls;
  if (!tls) return [];
  const out: StrictFinding[] = [];
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = tls[key];
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      out.push({
        path: ['uplink', 'tls', key],
        message: `${file} cannot be read (${errnoOf(e)})`,
        fix: 'put the file there, readable by the elevgw group, or correct the path (relative paths are relative to this config file)',
      });
      continue;
    }
    if (key === 'key' && (statSync(file).mode & 0o007) !== 0) {
      out.push({
        path: ['uplink', 'tls', 'key'],
        message: `the private key ${file} is accessible to every user (mode ${mode(statSync(file).mode)})`,
        fix: `chmod 0640 ${file} && chgrp elevgw ${file}`,
      });
    }
  }
  return out;
}

function credentialFindings({ site, env }: StrictInput): StrictFinding[] {
  const u = site.uplink;
  const refs: { path: PropertyKey[]; ref: CredentialRef }[] = [];
  if (u.password !== undefined && typeof u.password !== 'string') refs.push({ path: ['uplink', 'password'], ref: u.password });
  if (u.tls?.passphrase) refs.push({ path: ['uplink', 'tls', 'passphrase'], ref: u.tls.passphrase });
  const file = credentialsSource(u.credentialsFile, env);
  if (refs.length === 0 && !existsSync(file)) return [];

  const out: StrictFinding[] = [];
  let values: Map<string, string>;
  try {
    values = readCredentialsFile(file);
  } catch (e) {
    const message = isElevgwError(e) ? e.message : String(e);
    const at = refs[0]?.path ?? ['uplink', 'credentialsFile'];
    return [{ path: at, message, fix: `install it with scripts/install.sh --credentials FILE (or write ${file} as name=value lines, mode 0600)` }];
  }
  const st = statSync(file);
  if ((st.mode & 0o007) !== 0 || (st.mode & 0o020) !== 0) {
    out.push({ path: ['uplink', 'credentialsFile'], message: `the credentials file ${file} is open to other users (mode ${mode(st.mode)})`, fix: `chmod 0600 ${file}` });
  }
  for (const { path, ref } of refs) {
    const value = values.get(ref.credential);
    if (value === undefined) out.push({ path, message: `credential "${ref.credential}" is not in ${file}`, fix: `add a line ${ref.credential}=… to ${file}` });
    else if (value === '' || /change[-_ ]?me/i.test(value))
      out.push({ path, message: `credential "${ref.credential}" in ${file} is empty or a placeholder`, fix: `write the real secret after ${ref.credential}=` });
  }
  return out;
}

/** The nearest directory that exists at or above `dir`: the one the outbox would be created in. */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** Where the installer keeps the service's state (scripts/install-lib.sh), owned by the elevgw user. */
const STATE_DIR = '/var/lib/elevgw';
const IN_STATE_DIR = 'put the outbox in the state directory: outbox.path: /var/lib/elevgw/outbox.db';

function outboxFindings({ outboxPath, stateDir = STATE_DIR }: StrictInput): StrictFinding[] {
  const inStateDir = outboxPath.startsWith(`${stateDir}/`);
  // Not there yet (a laptop, a gateway before its install): the installer makes it, the service user's own.
  if (inStateDir && !existsSync(stateDir)) return [];
  const dir = existingAncestor(dirname(outboxPath));
  if (!statSync(dir).isDirectory()) {
    return [
      {
        path: ['outbox', 'path'],
        message: `${dir} is a file, not a directory, so the outbox ${outboxPath} cannot be created under it`,
        fix: IN_STATE_DIR,
      },
    ];
  }
  try {
    accessSync(dir, constants.W_OK);
    return [];
  } catch (e) {
    return [
      {
        path: ['outbox', 'path'],
        message: `${dir} is not writable by this user (${errnoOf(e)}), so the outbox ${outboxPath} cannot be written`,
        // Already there: the state directory is the service user's, and so is this check on a gateway.
        fix: inStateDir ? `run the check as the service's user, who owns ${stateDir}: sudo -u elevgw elevgw config validate FILE --strict` : IN_STATE_DIR,
      },
    ];
  }
}

/** A profile's write allow-list (serial-framed boards have none: they are never written). */
function writableOf(p: BoardProfile): unknown[] {
  return 'writable' in p ? p.writable : [];
}

function boardFindings({ boards }: StrictInput): StrictFinding[] {
  const out: StrictFinding[] = [];
  for (const [id, own] of boards.site) {
    const base = boards.shipped.get(id);
    if (base && !isDeepStrictEqual(writableOf(own.profile), writableOf(base.profile))) {
      out.push({
        path: ['boardsDir'],
        message: `${own.file} replaces the shipped profile "${id}" with another writable list (${JSON.stringify(writableOf(own.profile))} instead of ${JSON.stringify(writableOf(base.profile))}): a controller write allowed by a copy, not by review`,
        fix: `give the site's profile its own id (and file name), or keep the shipped writable list`,
      });
    }
  }
  return out;
}
