import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';

/**
 * Secrets (the broker password, a TLS key's passphrase) never sit in the site YAML: the YAML names
 * them, `password: { credential: broker-password }`, and their values live in the gateway's
 * credentials file, one `name=value` per line, mode 0600, root's (`/etc/elevgw/credentials`).
 * The service cannot read that file itself: systemd hands it over with
 * `LoadCredential=credentials:/etc/elevgw/credentials`, a private copy readable by the service
 * only, at `$CREDENTIALS_DIRECTORY/credentials`. Outside systemd (a container, a technician's
 * `config validate` as root) the file `uplink.credentialsFile` names is read instead.
 */

/** The id the systemd unit loads the credentials file under (`LoadCredential=credentials:…`). */
const SYSTEMD_CREDENTIAL_ID = 'credentials';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A reference to a secret in the credentials file, written in the YAML instead of the secret. */
export const credentialRefSchema = z
  .object({
    /** The name of a `name=value` line of the credentials file. */
    credential: z.string().regex(NAME, 'a credential name: letters, digits, _ . - (at most 64)'),
  })
  .strict();
export type CredentialRef = z.infer<typeof credentialRefSchema>;

/** A secret as the YAML may give it: inline (refused by `--strict`) or by reference. */
type Secret = string | CredentialRef;

/** The file credentials are read from: systemd's private copy when the unit provides one, else `configured`. */
export function credentialsSource(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (dir) {
    const copy = join(dir, SYSTEMD_CREDENTIAL_ID);
    if (existsSync(copy)) return copy;
  }
  return resolve(configured);
}

/**
 * `name=value` lines; blank lines and lines starting with `#` are skipped. The value is everything
 * after the first `=`, kept as written (a password may contain spaces or `=`), without the line end.
 */
export function parseCredentials(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? '' : line.slice(0, eq);
    if (!NAME.test(name)) {
      // Never echo the line: it may be a secret with its name mistyped.
      throw new ElevgwError('CONFIG_INVALID', `${file}:${i + 1}: expected name=value (a name of letters, digits, _ . -)`);
    }
    out.set(name, line.slice(eq + 1));
  });
  return out;
}

/** Reads and parses a credentials file; CONFIG_NOT_FOUND when it cannot be read. */
export function readCredentialsFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ElevgwError('CONFIG_NOT_FOUND', `credentials file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
  }
  return parseCredentials(text, file);
}

/** The value of a secret: an inline string as it is, a reference looked up in the credentials (`credentialsSource`). */
export function secretValue(secret: Secret, credentialsFile: string, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof secret === 'string') return secret;
  const file = credentialsSource(credentialsFile, env);
  const value = readCredentialsFile(file).get(secret.credential);
  if (value === undefined) throw new ElevgwError('CONFIG_INVALID', `credential "${secret.credential}" is not in ${file}`, { file, credential: secret.credential });
  return value;
}
