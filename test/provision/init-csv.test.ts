import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/load.js';
import { CLI } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeDev, machineIdFile, openssl, testCa, validateArgs } from './fixtures.js';

/**
 * An installer provisioning a gateway from the roll-out sheet: `elevgw init --csv … --gateway-id …`
 * as a child process, its files checked with the CLI's own validator and with openssl.
 */

const tmp = tempDir('elevgw-init-csv-');
afterAll(() => tmp.cleanup());

const ROLLOUT = join(packageRoot(), 'config', 'rollout.example.csv');
const MACHINE = '4f2a9c1e7b3d4a5f8e6c0d1b2a3f4e5d';
const dev = fakeDev(tmp.dir, [{ tty: 'ttyUSB0', byId: 'usb-FTDI_FT232R_USB_UART_A10K3XYZ-if00-port0', serial: 'A10K3XYZ' }]);
const ca = testCa(tmp.dir);
const passwordFile = tmp.file('password', 'p4ss w0rd=with spaces\n');

function elevgw(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ELEVGW_DEV_DIR: dev, ELEVGW_MACHINE_ID_FILE: machineIdFile(tmp.dir, MACHINE), LANG: 'C', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function initFromSheet(outDir: string, ...more: string[]) {
  return elevgw([
    'init',
    '--csv',
    ROLLOUT,
    '--gateway-id',
    'jh-gw-0101',
    '--out-dir',
    outDir,
    '--state-dir',
    join(tmp.dir, 'state'),
    '--password-file',
    passwordFile,
    '--lang',
    'en',
    ...more,
  ]);
}

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('elevgw init from a roll-out CSV row', () => {
  const out = join(tmp.dir, 'etc-0101');
  const first = initFromSheet(out);
  const site = join(out, 'site.yaml');

  it('writes a config that passes config validate, once the CA has signed its CSR', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    ca.sign(join(out, 'tls', 'gateway.csr'), join(out, 'tls', 'gateway.crt'));
    const v = elevgw(validateArgs(site));
    expect(v.stderr).toBe('');
    expect(v.stdout).toMatch(/ok.* — gateway jh-gw-0101, 2 elevator\(s\): L1 on generic-modbus-controller, L2 on generic-modbus-controller/);
  });

  it('takes every answer from the row: elevators sharing one adapter, floors, unit ids, broker', () => {
    const yaml = readFileSync(site, 'utf8');
    expect(yaml).toContain('registrationCode: "31104201002019080102"');
    expect(yaml.match(new RegExp(`path: ${dev}/elevgw-rs485-A10K3XYZ`, 'g'))).toHaveLength(2);
    expect(yaml).toMatch(/unitId: 2 }/);
    expect(yaml).toContain('{ label: "12", levelMm: 36000 }');
    expect(yaml).toContain('url: mqtts://10.20.0.5:8883');
  });

  it('keeps the password out of the YAML, in a 0600 credentials file the config refers to', () => {
    const yaml = readFileSync(site, 'utf8');
    expect(yaml).not.toContain('p4ss');
    expect(yaml).toContain('password: { credential: broker-password }');
    expect(readFileSync(join(out, 'credentials'), 'utf8')).toMatch(/^broker-password=p4ss w0rd=with spaces$/m);
    expect(mode(join(out, 'credentials'))).toBe('600');
    expect(mode(site)).toBe('640');
    expect(mode(join(out, 'tls', 'gateway.key'))).toBe('600');
  });

  it('makes an EC P-256 key and a CSR that openssl verifies; the subject is the gateway id, the SAN the client id', () => {
    const key = openssl('pkey', '-in', join(out, 'tls', 'gateway.key'), '-check', '-noout', '-text');
    expect(key.status).toBe(0);
    expect(key.out).toMatch(/Key is valid/);
    expect(key.out).toMatch(/NIST CURVE: P-256/);
    const csr = openssl('req', '-verify', '-in', join(out, 'tls', 'gateway.csr'), '-noout', '-subject', '-text');
    expect(csr.status).toBe(0);
    expect(csr.out).toMatch(/self-signature (verify )?ok/i);
    expect(csr.out).toMatch(/^subject=CN\s*=\s*jh-gw-0101$/m);
    expect(csr.out).toContain(`URI:urn:elevgw:mqtt-client-id:elevgw-jh-gw-0101-${MACHINE.slice(0, 8)}`);
    expect(readFileSync(site, 'utf8')).toContain(`clientId: elevgw-jh-gw-0101-${MACHINE.slice(0, 8)}`);
  });

  it('takes the password from a file saved on Windows without its BOM or CRLF', () => {
    const dir = join(tmp.dir, 'etc-bom');
    const r = elevgw([
      'init',
      '--csv',
      ROLLOUT,
      '--row',
      '2',
      '--out-dir',
      dir,
      '--state-dir',
      join(tmp.dir, 'state'),
      '--password-file',
      tmp.file('pw-windows', '\uFEFFS3cr3t\r\n'),
    ]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toMatch(/^broker-password=S3cr3t$/m);
  });

  it('derives a different MQTT client id on another machine, so two gateways never share one', () => {
    const other = elevgw(['init', '--csv', ROLLOUT, '--row', '1', '--out-dir', join(tmp.dir, 'etc-other'), '--state-dir', join(tmp.dir, 'state')], {
      ELEVGW_MACHINE_ID_FILE: machineIdFile(tmp.dir, '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b'),
    });
    expect(other.status).toBe(0);
    expect(other.stdout).toContain('MQTT client id: elevgw-jh-gw-0101-9e8d7c6b');
  });

  it('never overwrites an existing config without --force', () => {
    const before = readFileSync(site, 'utf8');
    const again = initFromSheet(out);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/INIT_REFUSED/);
    expect(again.stderr).toMatch(/--force/);
    expect(readFileSync(site, 'utf8')).toBe(before);
  });

  it('with --force keeps a backup of each replaced file and keeps the private key', () => {
    const before = readFileSync(site, 'utf8');
    const key = readFileSync(join(out, 'tls', 'gateway.key'), 'utf8');
    const forced = initFromSheet(out, '--force');
    expect(forced.status).toBe(0);
    const backups = readdirSync(out).filter((f) => f.startsWith('site.yaml.bak-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(out, backups[0]!), 'utf8')).toBe(before);
    expect(readFileSync(join(out, 'tls', 'gateway.key'), 'utf8')).toBe(key);
    // The new CSR is signed by that same key.
    const csrKey = openssl('req', '-in', join(out, 'tls', 'gateway.csr'), '-noout', '-pubkey').out;
    const ownKey = openssl('pkey', '-in', join(out, 'tls', 'gateway.key'), '-pubout').out;
    expect(csrKey.trim()).toBe(ownKey.trim());
  });
});

describe('elevgw init refuses what would make a gateway unidentifiable or broken', () => {
  const flags = [
    '--registration-code',
    '31104201002019080501',
    '--rescue-code',
    '27-0501',
    '--board',
    'sim-modbus',
    '--modbus-host',
    '192.168.1.20',
    '--floors',
    '1:0 2:3000',
    '--rated-speed',
    '1',
    '--broker',
    'mqtts://10.20.0.5:8883',
    '--yes',
    '--lang',
    'en',
  ];

  it('refuses a placeholder gateway id and writes nothing', () => {
    const outDir = join(tmp.dir, 'etc-placeholder');
    const r = elevgw(['init', '--gateway-id', 'gw-01-change-me', ...flags, '--out-dir', outDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--gateway-id: "gw-01-change-me" is a placeholder/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('names the CSV line and column of a bad cell', () => {
    const text = readFileSync(ROLLOUT, 'utf8').replace('31104201002019080102', '3110420100201908010');
    const bad = tmp.file('bad-rollout.csv', text);
    const line = text.split('\n').findIndex((l) => l.startsWith('jh-gw-0101')) + 1;
    const col =
      text
        .split('\n')
        .find((l) => l.startsWith('gateway_id'))!
        .split(',')
        .indexOf('registration_codes') + 1;
    const r = elevgw(['init', '--csv', bad, '--row', '1', '--out-dir', join(tmp.dir, 'etc-bad'), '--lang', 'en']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bad-rollout.csv:${line}: column ${col} (registration_codes): elevator 2: a registration code has 20 characters, this has 19`);
  });

  it('refuses a sheet that gives one gateway id to two gateways', () => {
    const text = readFileSync(ROLLOUT, 'utf8').replace('jh-gw-0102', 'jh-gw-0101');
    const r = elevgw(['init', '--csv', tmp.file('dup.csv', text), '--row', '3', '--out-dir', join(tmp.dir, 'etc-dup'), '--lang', 'en']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/dup\.csv:\d+: column 1 \(gateway_id\): gateway id "jh-gw-0101" is also on line \d+/);
  });

  it('from flags, asks for --yes before taking a default', () => {
    const noYes = flags.filter((f) => f !== '--yes');
    const r = elevgw(['init', '--gateway-id', 'jh-gw-0501', ...noYes, '--out-dir', join(tmp.dir, 'etc-noyes')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--site: required, or --yes for the default ""');
    expect(r.stderr).toContain('--elevator: required, or --yes for the default "L1"');
  });

  it('writes nothing over plain mqtt:// to a broker off this machine', () => {
    const r = elevgw([
      'init',
      '--gateway-id',
      'jh-gw-0502',
      ...flags.map((f) => (f.startsWith('mqtts://') ? 'mqtt://10.20.0.5:1883' : f)),
      '--out-dir',
      join(tmp.dir, 'etc-plain'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--broker: a broker off this machine needs TLS/);
    expect(existsSync(join(tmp.dir, 'etc-plain'))).toBe(false);
  });
});
