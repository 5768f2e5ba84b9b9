import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, packageRoot, type ConfigProblem } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { selfSignedPair } from '../helpers/tls-pki.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `config validate --strict`: a well-formed config that must still not run a real gateway is
 * refused, each problem with file:line:col, its path and the fix; a config fit for a site passes.
 * Without `strict` nothing changes (the shipped example still validates).
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A config a real site could run: TLS with a CA file, the password by reference, the outbox beside it. */
function siteText(uplink: string = GOOD_UPLINK, extra = ''): string {
  return `version: 1
gateway: { id: jh-gw-0417, site: Jianghan Building 12 }
elevators:
  - id: L1
    registrationCode: "31104201002023050417"
    rescueCode: "27-0417"
    board: generic-modbus-controller
    connection: { host: 10.20.0.15, port: 502, unitId: 1 }
    ratedSpeedMps: 1.0
    floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }]
uplink:
${uplink}
outbox: { path: outbox.db }
${extra}`;
}
const GOOD_UPLINK = `  url: mqtts://mqtt.platform.jianghan.gov.cn:8883
  username: jh-gw-0417
  password: { credential: broker-password }
  tls: { ca: ca.pem }`;

function writeSite(text: string, credentials = 'broker-password=Zq8-real-secret\n', mode = 0o600): string {
  tmp.file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
  chmodSync(tmp.file('credentials', credentials), mode);
  return tmp.file('site.yaml', text);
}

function strictProblems(file: string): { message: string; problems: ConfigProblem[] } {
  try {
    loadConfig(file, { strict: true });
  } catch (e) {
    if (isElevgwError(e, 'CONFIG_INVALID')) return { message: e.message, problems: e.context.problems as ConfigProblem[] };
    throw e;
  }
  return { message: '', problems: [] };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('config validate --strict', () => {
  it('passes a config fit for a site', () => {
    const file = writeSite(siteText());
    expect(loadConfig(file, { strict: true }).elevators.map((e) => e.config.id)).toEqual(['L1']);
  });

  it('refuses the shipped example: every placeholder, with file:line:col and the fix (and only with --strict)', () => {
    const example = join(packageRoot(), 'config', 'site.example.yaml');
    const text = readFileSync(example, 'utf8');
    expect(() => loadConfig(example)).not.toThrow();
    const { message, problems } = strictProblems(example);
    const byPath = (p: string) => problems.filter((x) => x.path === p).map((x) => x.message);
    expect(byPath('gateway.id')).toEqual([expect.stringMatching(/"jh-gw-0001" is the id of a shipped example/)]);
    expect(byPath('elevators[0].registrationCode')).toEqual([expect.stringMatching(/registration code of a shipped example/)]);
    expect(byPath('elevators[0].connection.host')).toEqual([expect.stringMatching(/192\.0\.2\.10 is a documentation\/example address/)]);
    expect(byPath('uplink.url')).toEqual([expect.stringMatching(/platform\.example\.invalid is a documentation\/example host/)]);
    expect(byPath('uplink.password')).toEqual(
      expect.arrayContaining([expect.stringMatching(/"change-me" is a placeholder/), expect.stringMatching(/password is written in the YAML/)]),
    );
    expect(problems.find((p) => p.path === 'gateway.id')!.line).toBe(lineOf(text, 'id: jh-gw-0001'));
    for (const line of message.split('\n')) expect(line).toMatch(/^\S+site\.example\.yaml:\d+:\d+ \S+: .+ — fix: .+/);
    const lines = problems.map((p) => p.line!);
    expect(lines, "in the file's order, top to bottom").toEqual([...lines].sort((a, b) => a - b));
  });

  it('refuses a password sent over plain mqtt:// to another host, not to loopback', () => {
    const plain = (host: string) => GOOD_UPLINK.replace('mqtts://mqtt.platform.jianghan.gov.cn:8883', `mqtt://${host}:1883`).replace('  tls: { ca: ca.pem }', '');
    const remote = strictProblems(writeSite(siteText(plain('10.1.2.3'))));
    expect(remote.problems.map((p) => [p.path, p.message])).toEqual([['uplink.url', expect.stringMatching(/sent in clear text \(mqtt:\/\/\) to 10\.1\.2\.3/)]]);
    expect(remote.message).toMatch(/fix: use mqtts:\/\/HOST:8883/);
    expect(strictProblems(writeSite(siteText(plain('127.0.0.1')))).problems).toEqual([]);
    expect(strictProblems(writeSite(siteText(GOOD_UPLINK.replace('mqtts://mqtt', 'mqtts://jh-gw-0417:pw@mqtt')))).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/URL carries a password/),
    ]);
  });

  it('refuses a broker certificate that is not verified', () => {
    const text = siteText(GOOD_UPLINK.replace('tls: { ca: ca.pem }', 'tls: { ca: ca.pem, rejectUnauthorized: false }'));
    const { problems } = strictProblems(writeSite(text));
    expect(problems.map((p) => [p.path, p.line])).toEqual([['uplink.tls.rejectUnauthorized', lineOf(text, 'rejectUnauthorized')]]);
    expect(problems[0]!.fix).toMatch(/uplink\.tls\.ca/);
  });

  it('refuses TLS files the service cannot read, and a private key open to every user', () => {
    const missing = strictProblems(writeSite(siteText(GOOD_UPLINK.replace('ca: ca.pem', 'ca: missing-ca.pem'))));
    expect(missing.problems.map((p) => [p.path, p.message])).toEqual([['uplink.tls.ca', `${join(tmp.dir, 'missing-ca.pem')} cannot be read (ENOENT)`]]);

    const withKey = siteText(GOOD_UPLINK.replace('ca: ca.pem', 'ca: ca.pem, cert: gw.crt, key: gw.key'));
    const file = writeSite(withKey);
    chmodSync(selfSignedPair(tmp.dir).key, 0o640);
    expect(strictProblems(file).problems).toEqual([]);
    chmodSync(join(tmp.dir, 'gw.key'), 0o644);
    expect(strictProblems(file).problems.map((p) => [p.path, p.fix])).toEqual([
      ['uplink.tls.key', `chmod 0640 ${join(tmp.dir, 'gw.key')} && chgrp elevgw ${join(tmp.dir, 'gw.key')}`],
    ]);
  });

  it('refuses a credentials file open to others, a missing credential and a placeholder secret', () => {
    const open = strictProblems(writeSite(siteText(), 'broker-password=Zq8-real-secret\n', 0o644));
    expect(open.problems.map((p) => [p.path, p.message])).toEqual([['uplink.credentialsFile', expect.stringMatching(/open to other users \(mode 0644\)/)]]);
    expect(open.problems[0]!.fix).toBe(`chmod 0600 ${join(tmp.dir, 'credentials')}`);

    const missing = strictProblems(writeSite(siteText(), '# nothing yet\nother=1\n'));
    expect(missing.problems.map((p) => [p.path, p.fix])).toEqual([['uplink.password', `add a line broker-password=… to ${join(tmp.dir, 'credentials')}`]]);

    const placeholder = strictProblems(writeSite(siteText(), 'broker-password=change-me\n'));
    expect(placeholder.problems.map((p) => p.message)).toEqual([expect.stringMatching(/credential "broker-password" .* is empty or a placeholder/)]);
  });

  it('refuses a site board directory that replaces a shipped profile with another writable list', () => {
    const boards = join(tmp.dir, 'boards');
    mkdirSync(boards);
    const shipped = readFileSync(join(packageRoot(), 'boards', 'generic-modbus-controller.yaml'), 'utf8');
    writeFileSync(join(boards, 'generic-modbus-controller.yaml'), shipped);
    const text = siteText(GOOD_UPLINK, 'boardsDir: boards\n');
    const file = writeSite(text);
    expect(strictProblems(file).problems).toEqual([]); // the same profile, the same writable list

    writeFileSync(join(boards, 'generic-modbus-controller.yaml'), `${shipped.replace(/^writable:.*\n/m, '')}writable: [{ table: holding, address: 40 }]\n`);
    const { problems } = strictProblems(file);
    expect(problems.map((p) => [p.path, p.line])).toEqual([['boardsDir', lineOf(text, 'boardsDir')]]);
    expect(problems[0]!.message).toMatch(/generic-modbus-controller\.yaml replaces the shipped profile "generic-modbus-controller" with another writable list/);
    expect(problems[0]!.fix).toMatch(/its own id/);
  });
});
