import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsSource, parseCredentials, readCredentialsFile, secretValue } from '../../src/config/credentials.js';
import { ElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The credentials file as an installer writes it (src/config/credentials.ts): `name=value` lines,
 * whatever editor wrote them; every mistake refused with the file and line, never the line itself
 * (it may be a secret), and with a code the CLI maps to its exit status.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** What `fn` throws, as an ElevgwError. */
function thrown(fn: () => unknown): ElevgwError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ElevgwError) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}

describe('parsing name=value lines', () => {
  it('reads a file written on Windows (CRLF) like one written on Linux', () => {
    const text = 'broker-password=Zq8 real\r\ntls-key-passphrase=p=q\r\n';
    expect([...parseCredentials(text, 'creds')]).toEqual([...parseCredentials(text.replaceAll('\r\n', '\n'), 'creds')]);
    expect([...parseCredentials(text, 'creds')]).toEqual([
      ['broker-password', 'Zq8 real'],
      ['tls-key-passphrase', 'p=q'],
    ]);
  });

  it('skips blank lines, lines of spaces or tabs, and comments, indented ones too', () => {
    const c = parseCredentials('\n   \n\t\n# broker\n   # indented comment\n\t#x=1\nbroker-password=Zq8\n  \r\n', 'creds');
    expect([...c]).toEqual([['broker-password', 'Zq8']]);
  });

  it('keeps a value exactly as written, spaces at either end included; a later line wins', () => {
    const c = parseCredentials('a= two words \nb=\nc=#not-a-comment\na=again\n', 'creds');
    expect([...c]).toEqual([
      ['a', 'again'],
      ['b', ''],
      ['c', '#not-a-comment'],
    ]);
  });

  it.each([
    ['a line without "="', 'hunter2'],
    ['"=" first, no name', '=hunter2'],
    ['a name with a space', 'broker password=hunter2'],
    ['an indented name', '  broker-password=hunter2'],
  ])('refuses %s as CONFIG_INVALID, naming file and line, without echoing it', (_what, line) => {
    const e = thrown(() => parseCredentials(`ok=1\n\n${line}\n`, '/etc/elevgw/credentials'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe('/etc/elevgw/credentials:3: expected name=value (a name of letters, digits, _ . -)');
  });
});

describe('reading the file', () => {
  it('a missing file: CONFIG_NOT_FOUND with the file and the reason', () => {
    const f = join(tmp.dir, 'credentials');
    const e = thrown(() => readCredentialsFile(f));
    expect([e.code, e.message, e.context]).toEqual(['CONFIG_NOT_FOUND', `credentials file ${f} cannot be read (ENOENT)`, { file: f }]);
  });

  it('a directory where the file should be: the same, with its own reason', () => {
    const d = join(tmp.dir, 'credentials');
    mkdirSync(d);
    expect(thrown(() => readCredentialsFile(d)).message).toBe(`credentials file ${d} cannot be read (EISDIR)`);
  });

  it('a malformed file names itself and the line', () => {
    const f = tmp.file('credentials', 'broker-password=Zq8\nZq8\n');
    const e = thrown(() => readCredentialsFile(f));
    expect([e.code, e.message]).toEqual(['CONFIG_INVALID', `${f}:2: expected name=value (a name of letters, digits, _ . -)`]);
  });
});

describe('a secret by reference', () => {
  it('a credential the file lacks: CONFIG_INVALID naming the credential and the file', () => {
    const f = tmp.file('credentials', 'other=1\n');
    const e = thrown(() => secretValue({ credential: 'broker-password' }, f, {}));
    expect([e.code, e.message, e.context]).toEqual(['CONFIG_INVALID', `credential "broker-password" is not in ${f}`, { file: f, credential: 'broker-password' }]);
  });

  it('an empty value is a value (the strict check refuses it, not the reader)', () => {
    const f = tmp.file('credentials', 'broker-password=\n');
    expect(secretValue({ credential: 'broker-password' }, f, {})).toBe('');
  });

  it("a CREDENTIALS_DIRECTORY without the unit's copy in it falls back to the configured file", () => {
    const own = tmp.file('credentials', 'broker-password=from-file\n');
    mkdirSync(join(tmp.dir, 'empty.d'));
    const env = { CREDENTIALS_DIRECTORY: join(tmp.dir, 'empty.d') };
    expect(credentialsSource(own, env)).toBe(own);
    expect(secretValue({ credential: 'broker-password' }, own, env)).toBe('from-file');
    expect(credentialsSource(own, { CREDENTIALS_DIRECTORY: '' })).toBe(own);
  });
});
