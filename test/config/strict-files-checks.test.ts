import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_BOARDS_DIR, loadBoardFile, loadBoards } from '../../src/config/load.js';
import { siteConfigSchema } from '../../src/config/site.js';
import type { BoardProfile } from '../../src/config/board.js';
import type { StrictFinding } from '../../src/config/strict.js';
import { fileFindings } from '../../src/config/strict-files.js';
import { mountTmpfs } from '../helpers/full-fs.js';
import { elevatorObject } from '../helpers/site-object.js';
import { selfSignedPair } from '../helpers/tls-pki.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `config validate --strict`, the files a config names (src/config/strict-files.ts), as the
 * service user would meet them: TLS files and the credentials file it must read, the directory
 * the outbox is created in, and a site's board profiles that replace a shipped one. Each finding
 * with its exact path, message and fix.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

type Boards = Map<string, { profile: BoardProfile; file: string }>;

/** The file checks of a config whose uplink is `u` (paths absolute, as the loader resolves them). */
function findings(u: Record<string, unknown>, opts: { outboxPath?: string; site?: Boards; env?: NodeJS.ProcessEnv; stateDir?: string } = {}): StrictFinding[] {
  const raw = {
    version: 1,
    gateway: { id: 'jh-gw-0417' },
    elevators: [elevatorObject({ board: 'generic-modbus-controller', connection: { host: '10.20.0.15' } })],
    uplink: { url: 'mqtts://mqtt.platform.jianghan.gov.cn:8883', credentialsFile: join(tmp.dir, 'credentials'), ...u },
  };
  const site = siteConfigSchema().parse(raw);
  return fileFindings({
    site,
    raw,
    outboxPath: opts.outboxPath ?? join(tmp.dir, 'outbox.db'),
    packageDir: tmp.dir,
    boards: { shipped: opts.site ? loadBoards([BUILTIN_BOARDS_DIR]) : new Map(), site: opts.site ?? new Map() },
    env: opts.env ?? {},
    stateDir: opts.stateDir ?? join(tmp.dir, 'var-lib-elevgw'),
  });
}

const PASSWORD = { password: { credential: 'broker-password' } };

/** The credentials file, with its mode. */
function credentials(text: string, mode = 0o600): string {
  const f = tmp.file('credentials', text);
  chmodSync(f, mode);
  return f;
}

describe('strict: TLS files', () => {
  it('each file that cannot be read is named at its key, with the reason', () => {
    const ca = tmp.file('ca.pem', 'ca');
    const [cert, key] = [join(tmp.dir, 'gw.crt'), join(tmp.dir, 'gw.key')];
    const fix = 'put the file there, readable by the elevgw group, or correct the path (relative paths are relative to this config file)';
    expect(findings({ tls: { ca, cert, key } })).toEqual([
      { path: ['uplink', 'tls', 'cert'], message: `${cert} cannot be read (ENOENT)`, fix },
      { path: ['uplink', 'tls', 'key'], message: `${key} cannot be read (ENOENT)`, fix },
    ]);
    expect(findings({ tls: { ca: join(tmp.dir, 'nope.pem') } }).map((f) => [f.path, f.message])).toEqual([
      [['uplink', 'tls', 'ca'], `${join(tmp.dir, 'nope.pem')} cannot be read (ENOENT)`],
    ]);
  });

  it('a private key: 0640 and 0600 pass; any permission for others is refused, with the mode as 0644', () => {
    const { cert, key } = selfSignedPair(tmp.dir);
    for (const ok of [0o600, 0o640, 0o660]) {
      chmodSync(key, ok);
      expect(findings({ tls: { cert, key } })).toEqual([]);
    }
    chmodSync(key, 0o644);
    expect(findings({ tls: { cert, key } })).toEqual([
      { path: ['uplink', 'tls', 'key'], message: `the private key ${key} is accessible to every user (mode 0644)`, fix: `chmod 0640 ${key} && chgrp elevgw ${key}` },
    ]);
    chmodSync(key, 0o604);
    expect(findings({ tls: { cert, key } }).map((f) => f.message)).toEqual([`the private key ${key} is accessible to every user (mode 0604)`]);
    // A certificate is public: its mode is nobody's business.
    chmodSync(key, 0o640);
    chmodSync(cert, 0o644);
    expect(findings({ tls: { cert, key } })).toEqual([]);
  });

  it('a certificate file that holds no certificate is refused, saying what it holds instead', () => {
    const { key } = selfSignedPair(tmp.dir);
    chmodSync(key, 0o640);
    const fix = 'send the CSR init made with this key (gateway.csr next to it) to the CA and put the certificate it returns there';
    const csr = join(tmp.dir, 'gw.csr');
    execFileSync('openssl', ['req', '-new', '-key', key, '-out', csr, '-subj', '/CN=gw01'], { stdio: 'ignore' });
    const empty = tmp.file('empty.crt', '');
    expect([csr, key, empty].map((cert) => findings({ tls: { cert, key } }))).toEqual([
      [{ path: ['uplink', 'tls', 'cert'], message: `${csr} is a certificate request (the CSR), not the certificate the CA issues for it`, fix }],
      [{ path: ['uplink', 'tls', 'cert'], message: `${key} holds a private key, not a certificate`, fix }],
      [{ path: ['uplink', 'tls', 'cert'], message: `${empty} holds no certificate (expected PEM "-----BEGIN CERTIFICATE-----" or DER)`, fix }],
    ]);
  });
});

describe('strict: the credentials file', () => {
  it('no secret referenced and no file: nothing to check', () => {
    expect(findings({})).toEqual([]);
    expect(findings({ username: 'gw' })).toEqual([]);
  });

  it('an inline password is no reference into the file (the value checks refuse it)', () => {
    credentials('other=1\n');
    expect(findings({ password: 'Zq8-real-secret' })).toEqual([]);
  });

  it('a file that exists is checked for its mode even when no secret is referenced', () => {
    const f = credentials('broker-password=Zq8-real-secret\n', 0o644);
    expect(findings({})).toEqual([{ path: ['uplink', 'credentialsFile'], message: `the credentials file ${f} is open to other users (mode 0644)`, fix: `chmod 0600 ${f}` }]);
  });

  it('modes: 0600 and 0640 pass; group write or any permission for others is refused', () => {
    const f = credentials('broker-password=Zq8-real-secret\n');
    const at = (mode: number) => {
      chmodSync(f, mode);
      return findings(PASSWORD).map((x) => [x.path, x.message]);
    };
    expect(at(0o600)).toEqual([]);
    expect(at(0o640)).toEqual([]);
    expect(at(0o400)).toEqual([]);
    for (const [mode, shown] of [
      [0o620, '0620'],
      [0o660, '0660'],
      [0o604, '0604'],
      [0o601, '0601'],
      [0o602, '0602'],
    ] as const) {
      expect(at(mode)).toEqual([[['uplink', 'credentialsFile'], `the credentials file ${f} is open to other users (mode ${shown})`]]);
    }
  });

  it('a referenced file that is missing is named at the first reference, with how to install it', () => {
    const f = join(tmp.dir, 'credentials');
    expect(findings({ ...PASSWORD, tls: { passphrase: { credential: 'tls-key-passphrase' } } })).toEqual([
      {
        path: ['uplink', 'password'],
        message: `credentials file ${f} cannot be read (ENOENT)`,
        fix: `install it with scripts/install.sh --credentials FILE (or write ${f} as name=value lines, mode 0600)`,
      },
    ]);
    expect(findings({ tls: { passphrase: { credential: 'tls-key-passphrase' } } }).map((x) => x.path)).toEqual([['uplink', 'tls', 'passphrase']]);
  });

  it('a credentials file that exists but cannot be read, with no reference, is named at uplink.credentialsFile', () => {
    const dir = join(tmp.dir, 'credentials');
    mkdirSync(dir);
    expect(findings({}).map((x) => [x.path, x.message])).toEqual([[['uplink', 'credentialsFile'], `credentials file ${dir} cannot be read (EISDIR)`]]);
  });

  it('a malformed line is reported by its line number, never echoed', () => {
    const f = credentials('broker-password=Zq8\nhunter2\n');
    expect(findings(PASSWORD).map((x) => [x.path, x.message])).toEqual([[['uplink', 'password'], `${f}:2: expected name=value (a name of letters, digits, _ . -)`]]);
  });

  it('a missing credential, for the password and for the key passphrase', () => {
    const f = credentials('# nothing yet\nother=1\n');
    expect(findings({ ...PASSWORD, tls: { passphrase: { credential: 'tls-key-passphrase' } } })).toEqual([
      { path: ['uplink', 'password'], message: `credential "broker-password" is not in ${f}`, fix: `add a line broker-password=… to ${f}` },
      { path: ['uplink', 'tls', 'passphrase'], message: `credential "tls-key-passphrase" is not in ${f}`, fix: `add a line tls-key-passphrase=… to ${f}` },
    ]);
  });

  it.each(['', 'change-me', 'CHANGEME', 'change_me', 'please change me'])('the value %j is empty or a placeholder', (value) => {
    const f = credentials(`broker-password=${value}\n`);
    expect(findings(PASSWORD)).toEqual([
      { path: ['uplink', 'password'], message: `credential "broker-password" in ${f} is empty or a placeholder`, fix: 'write the real secret after broker-password=' },
    ]);
  });

  it("under systemd the unit's copy is the file checked", () => {
    credentials('broker-password=change-me\n', 0o644); // the configured file: not what the service reads
    mkdirSync(join(tmp.dir, 'creds.d'));
    chmodSync(tmp.file('creds.d/credentials', 'broker-password=Zq8-real-secret\n'), 0o400);
    expect(findings(PASSWORD, { env: { CREDENTIALS_DIRECTORY: join(tmp.dir, 'creds.d') } })).toEqual([]);
  });
});

describe('strict: the outbox directory', () => {
  it('a directory not made yet is created in its nearest existing ancestor: writable here, so fine', () => {
    expect(findings({}, { outboxPath: join(tmp.dir, 'state', 'elevgw', 'outbox.db') })).toEqual([]);
  });

  describe('on a read-only file system', () => {
    let mnt = '';
    let unmount: (() => void) | undefined;
    // Root writes any directory whatever its mode; only a read-only mount refuses it.
    beforeAll(() => {
      ({ dir: mnt, unmount } = mountTmpfs('ro,size=64k'));
    });
    afterAll(() => unmount?.());

    it('the nearest existing directory is named, with the reason and where to put the outbox', () => {
      for (const outboxPath of [join(mnt, 'outbox.db'), join(mnt, 'state', 'elevgw', 'outbox.db')]) {
        expect(findings({}, { outboxPath })).toEqual([
          {
            path: ['outbox', 'path'],
            message: `${mnt} is not writable by this user (EROFS), so the outbox ${outboxPath} cannot be written`,
            fix: 'put the outbox in the state directory: outbox.path: /var/lib/elevgw/outbox.db',
          },
        ]);
      }
    });

    it('in the state directory, not made yet (a laptop before the visit): fine, the installer makes it the service user’s', () => {
      const stateDir = join(mnt, 'var', 'lib', 'elevgw');
      expect(findings({}, { outboxPath: join(stateDir, 'outbox.db'), stateDir })).toEqual([]);
    });

    it('in the state directory, there and not writable: run the check as its owner, not "put it where it is"', () => {
      const outboxPath = join(mnt, 'outbox.db');
      expect(findings({}, { outboxPath, stateDir: mnt })).toEqual([
        {
          path: ['outbox', 'path'],
          message: `${mnt} is not writable by this user (EROFS), so the outbox ${outboxPath} cannot be written`,
          fix: `run the check as the service's user, who owns ${mnt}: sudo -u elevgw elevgw config validate FILE --strict`,
        },
      ]);
    });
  });
});

describe("strict: a site's board profiles", () => {
  const SHIPPED = join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml');
  const siteBoard = (text: string): Boards => {
    const file = tmp.file('generic-modbus-controller.yaml', text);
    return new Map([['generic-modbus-controller', { profile: loadBoardFile(file), file }]]);
  };

  it('the same writable list passes; another one is refused, both lists shown', () => {
    const shipped = readFileSync(SHIPPED, 'utf8');
    expect(findings({}, { site: siteBoard(shipped) })).toEqual([]);
    const site = siteBoard(`${shipped.replace(/^writable:.*\n/m, '')}writable: [{ table: holding, address: 40 }]\n`);
    const file = join(tmp.dir, 'generic-modbus-controller.yaml');
    expect(findings({}, { site })).toEqual([
      {
        path: ['boardsDir'],
        message: `${file} replaces the shipped profile "generic-modbus-controller" with another writable list ([{"table":"holding","address":40}] instead of []): a controller write allowed by a copy, not by review`,
        fix: "give the site's profile its own id (and file name), or keep the shipped writable list",
      },
    ]);
  });

  it('a profile with an id of its own replaces nothing', () => {
    const text = readFileSync(SHIPPED, 'utf8')
      .replace(/^id: .*$/m, 'id: jh-controller')
      .replace(/^writable:.*\n/m, 'writable: [{ table: coil, address: 3 }]\n');
    const file = tmp.file('jh-controller.yaml', text);
    expect(findings({}, { site: new Map([['jh-controller', { profile: loadBoardFile(file), file }]]) })).toEqual([]);
  });

  it('a framed-serial profile in its place writes nothing, as the shipped one: no new write', () => {
    const text = readFileSync(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'), 'utf8').replace(/^id: .*$/m, 'id: generic-modbus-controller');
    expect(findings({}, { site: siteBoard(text) })).toEqual([]);
  });
});
