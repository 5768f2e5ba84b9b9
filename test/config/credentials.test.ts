import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { credentialsSource, parseCredentials, secretValue } from '../../src/config/credentials.js';
import { loadConfig } from '../../src/config/load.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { silentLogger } from '../../src/core/log.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The broker password lives in the credentials file (or systemd's copy of it), never in the YAML:
 * the YAML says `password: { credential: broker-password }` and the uplink reads the value when it
 * connects. Checked against a real mosquitto that refuses anonymous clients.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the credentials file', () => {
  it('is name=value lines; a value keeps spaces and "=", comments and blank lines are skipped', () => {
    const c = parseCredentials('# broker\nbroker-password=a b=c \r\n\ntls-key-passphrase=x\n', 'creds');
    expect([...c]).toEqual([
      ['broker-password', 'a b=c '],
      ['tls-key-passphrase', 'x'],
    ]);
  });

  it('refuses a malformed line by its number without echoing it (it may be a secret)', () => {
    expect(() => parseCredentials('ok=1\nhunter2\n', '/etc/elevgw/credentials')).toThrow(/^\/etc\/elevgw\/credentials:2: expected name=value[^h]*$/);
  });

  it("under systemd, the unit's LoadCredential copy is read; elsewhere the configured file", () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const own = tmp.file('credentials', 'broker-password=from-file\n');
    mkdirSync(join(tmp.dir, 'creds.d'));
    tmp.file('creds.d/credentials', 'broker-password=from-systemd\n');
    const ref = { credential: 'broker-password' };
    expect(secretValue(ref, own, {})).toBe('from-file');
    expect(credentialsSource(own, { CREDENTIALS_DIRECTORY: join(tmp.dir, 'creds.d') })).toBe(join(tmp.dir, 'creds.d', 'credentials'));
    expect(secretValue(ref, own, { CREDENTIALS_DIRECTORY: join(tmp.dir, 'creds.d') })).toBe('from-systemd');
    expect(() => secretValue({ credential: 'nope' }, own, {})).toThrow(/credential "nope" is not in/);
  });
});

/** mosquitto on loopback that accepts only gw/`password`. */
async function passwordBroker(password: string): Promise<string> {
  const broker = await Mosquitto.start({ users: { gw: password } });
  cleanups.push(() => broker.close());
  return broker.url;
}

/** The uplink of a config file whose password is a credential; resolves to the retained status the broker then holds. */
async function statusSeen(url: string, secret: string): Promise<string | undefined> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  chmodSync(tmp.file('credentials', `broker-password=${secret}\n`), 0o600);
  const site = tmp.file(
    'site.yaml',
    `version: 1\ngateway: { id: gw1 }\nelevators:\n  - { id: E1, registrationCode: "31104201002023050417", rescueCode: "1", board: sim-modbus, connection: { host: 127.0.0.1 }, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }] }\nuplink: { url: "${url}", username: gw, password: { credential: broker-password }, reconnectMinMs: 100, reconnectMaxMs: 1000 }\n`,
  );
  const up = new Uplink({
    config: loadConfig(site).site.uplink,
    gatewayId: 'gw1',
    outbox: new MemoryOutbox(),
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
  });
  up.start();
  cleanups.push(() => up.stop(200));
  const sub = await mqtt.connectAsync(url, { username: 'gw', password: 'Zq8-real-secret', clientId: `sub-${Math.random()}` });
  cleanups.push(() => sub.endAsync());
  return new Promise((res) => {
    const timer = setTimeout(() => res(undefined), 20_000); // only a bound: the test fails rather than hangs
    sub.on('message', (_t, p) => {
      clearTimeout(timer);
      res(p.toString());
    });
    void sub.subscribeAsync('elevgw/v1/gw1/status', { qos: 1 });
  });
}

describe('the uplink reads its password from the credentials file', () => {
  it('connects to a broker that refuses anonymous clients, and publishes its online status', async () => {
    const url = await passwordBroker('Zq8-real-secret');
    expect(JSON.parse((await statusSeen(url, 'Zq8-real-secret')) ?? 'null')).toMatchObject({ gatewayId: 'gw1', state: 'online' });
  });
});
