import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/provision/provision.js';
import { tempDir } from '../helpers/tmp.js';
import { gatewayAnswers } from './answers-fixture.js';

/**
 * The documented order (docs/install.md, docs/provisioning.md): install.sh first, which leaves an
 * empty /etc/elevgw/credentials for LoadCredential=, then `elevgw init`. That empty file is no
 * earlier provisioning; a stored broker password still is, and is never replaced without --force.
 */
const tmp = tempDir('elevgw-init-after-install-');
afterAll(() => tmp.cleanup());

/** An /etc/elevgw as install.sh leaves it, with `credentials` holding `text`. */
function installedEtc(name: string, text: string): string {
  const out = join(tmp.dir, name, 'etc', 'elevgw');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'credentials'), text);
  chmodSync(join(out, 'credentials'), 0o600);
  return out;
}

const init = (outDir: string, password?: string) =>
  provision({
    answers: gatewayAnswers('jh-gw-0731', password),
    outDir,
    stateDir: join(outDir, '..', 'state'),
    force: false,
    machineId: '4f2a9c1e7b3d4a5f8e6c0d1b2a3f4e5d',
    wallNow: Date.UTC(2026, 11, 8, 2, 0, 0),
    version: 't',
  });

describe('elevgw init after install.sh', () => {
  it('stores the broker password in the empty credentials file the installer wrote, without --force', () => {
    const out = installedEtc('empty', '');
    const result = init(out, 'S3cr3t');
    expect(readFileSync(join(out, 'credentials'), 'utf8')).toBe('broker-password=S3cr3t\n');
    expect(result.backups).toEqual([]);
    expect(existsSync(join(out, 'site.yaml'))).toBe(true);
  });

  it('keeps the other secrets of a credentials file that holds no broker password', () => {
    const out = installedEtc('other', 'tls-key-passphrase=k3y\n');
    init(out, 'S3cr3t');
    const text = readFileSync(join(out, 'credentials'), 'utf8');
    expect(text).toContain('tls-key-passphrase=k3y\n');
    expect(text).toContain('broker-password=S3cr3t\n');
  });

  it('still refuses, changing nothing, when a broker password is already stored', () => {
    const out = installedEtc('stored', 'broker-password=0ld\n');
    expect(() => init(out, 'S3cr3t')).toThrow(/already provisioned: .*credentials exist\(s\)/);
    expect(readFileSync(join(out, 'credentials'), 'utf8')).toBe('broker-password=0ld\n');
    expect(readdirSync(out)).toEqual(['credentials']);
  });
});
