import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { clientKey } from '../../src/config/tls-key.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('elevgw-tls-key-');
afterAll(() => tmp.cleanup());
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const plain = tmp.file('plain.key');
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', plain);
const pkcs8 = tmp.file('pkcs8.key');
openssl('pkey', '-in', plain, '-aes256', '-passout', 'pass:right-one', '-out', pkcs8);
const traditional = tmp.file('traditional.key');
openssl('pkey', '-in', plain, '-traditional', '-aes256', '-passout', 'pass:right-one', '-out', traditional);
const credentials = tmp.file('credentials', 'key-pass=right-one\nold-pass=wrong-one\n');

/** The thrown error’s code, message and context. */
function refusal(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    const { code, message, context } = e as { code: string; message: string; context: unknown };
    return { code, message, context };
  }
  return 'no error';
}

/**
 * The gateway's TLS client key as the uplink and `elevgw diag broker` open it (src/config/tls-key.ts):
 * an encrypted key (PKCS#8, or OpenSSL's traditional PEM) with its passphrase from the credentials
 * file, decrypted in memory only; config errors that name the file and the credential.
 */
describe('the TLS client key', () => {
  it('a plain key is used as it is', () => {
    const key = readFileSync(plain);
    expect(clientKey(key, plain, undefined, credentials)).toBe(key);
  });

  it('an encrypted key, in either PEM form, is opened with its passphrase into an unencrypted PKCS#8 key', () => {
    for (const file of [pkcs8, traditional]) {
      const opened = clientKey(readFileSync(file), file, { credential: 'key-pass' }, credentials).toString();
      expect(opened, file).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
  });

  it('an encrypted key without a passphrase, or with the wrong one, is a config error naming the file and credential, never the passphrase', () => {
    for (const file of [pkcs8, traditional]) {
      expect(
        refusal(() => clientKey(readFileSync(file), file, undefined, credentials)),
        file,
      ).toEqual({
        code: 'CONFIG_INVALID',
        message: `uplink.tls.key: ${file} is encrypted; name its passphrase as uplink.tls.passphrase: { credential: NAME }`,
        context: { file },
      });
      const wrong = refusal(() => clientKey(readFileSync(file), file, { credential: 'old-pass' }, credentials));
      expect(wrong, file).toEqual({
        code: 'CONFIG_INVALID',
        message: `uplink.tls.key: ${file} cannot be opened with the passphrase of credential "old-pass" (a wrong passphrase, or a damaged key file)`,
        // OpenSSL's own reason, kept for a developer: which one depends on the key's random salt.
        context: { file, credential: 'old-pass', openssl: expect.stringMatching(/^(bad decrypt|unsupported)$/) },
      });
      expect(JSON.stringify(wrong)).not.toMatch(/wrong-one|right-one/);
    }
  });
  it('says the same to a technician whichever way OpenSSL refuses a wrong passphrase (it depends on the random salt)', () => {
    // A wrong passphrase decrypts to garbage: usually its padding fails ("bad decrypt"); for about
    // one salt in a hundred the padding passes and the garbage reads as an unknown algorithm.
    const seen = new Map<string, Buffer>();
    for (let i = 0; i < 5000 && seen.size < 2; i++) {
      const { privateKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right-one' },
      });
      try {
        createPrivateKey({ key: privateKey, passphrase: 'wrong-one' });
      } catch (e) {
        const reason = (e as { reason?: string }).reason ?? '';
        if (!seen.has(reason)) seen.set(reason, Buffer.from(privateKey));
      }
    }
    expect([...seen.keys()].sort()).toEqual(['bad decrypt', 'unsupported']);
    for (const [reason, key] of seen) {
      expect(
        refusal(() => clientKey(key, '/etc/elevgw/client.key', { credential: 'old-pass' }, credentials)),
        reason,
      ).toEqual({
        code: 'CONFIG_INVALID',
        message: 'uplink.tls.key: /etc/elevgw/client.key cannot be opened with the passphrase of credential "old-pass" (a wrong passphrase, or a damaged key file)',
        context: { file: '/etc/elevgw/client.key', credential: 'old-pass', openssl: reason },
      });
    }
  });
});
