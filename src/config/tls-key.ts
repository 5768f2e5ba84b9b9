import { createPrivateKey } from 'node:crypto';
import { ElevgwError } from '../core/errors.js';
import { type CredentialRef, secretValue } from './credentials.js';

/** PEM headers of an encrypted private key: PKCS#8, or the traditional OpenSSL form. */
const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

/**
 * The client key as the TLS stack gets it (`uplink.tls.key`, already read from `file`): as is, or,
 * when `uplink.tls.passphrase` names its passphrase, opened in memory (PKCS#8 PEM), never written
 * decrypted. Errors name the file and the credential, never the passphrase, and say what to do:
 * OpenSSL's own ("bad decrypt", "unsupported", "interrupted or cancelled") reach a technician as riddles.
 */
export function clientKey(key: Buffer, file: string, passphrase: CredentialRef | undefined, credentialsFile: string): Buffer {
  if (passphrase === undefined) {
    if (ENCRYPTED.test(key.toString('latin1'))) {
      throw new ElevgwError('CONFIG_INVALID', `uplink.tls.key: ${file} is encrypted; name its passphrase as uplink.tls.passphrase: { credential: NAME }`, { file });
    }
    return key;
  }
  const secret = secretValue(passphrase, credentialsFile);
  try {
    return Buffer.from(createPrivateKey({ key, passphrase: secret }).export({ type: 'pkcs8', format: 'pem' }));
  } catch (e) {
    // OpenSSL's reason is not stable: a wrong passphrase decrypts to garbage that fails its padding
    // check ("bad decrypt") or, about once in a hundred salts, passes it and then reads as an
    // unknown algorithm ("unsupported"). The message says what either means; the context keeps it.
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new ElevgwError(
      'CONFIG_INVALID',
      `uplink.tls.key: ${file} cannot be opened with the passphrase of credential "${passphrase.credential}" (a wrong passphrase, or a damaged key file)`,
      { file, credential: passphrase.credential, openssl: reason },
    );
  }
}
