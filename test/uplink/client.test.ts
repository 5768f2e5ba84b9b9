import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { type MqttClientLike, mqttConnect } from '../../src/uplink/client.js';
import { clientOptions } from '../../src/uplink/options.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { createLogger } from '../../src/core/log.js';
import type { ProtocolVersion } from '../../src/uplink/protocol.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { TlsMosquitto } from '../helpers/mosquitto-tls.js';
import { makeTestPki, type TestPki } from '../helpers/tls-pki.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The uplink's connection in this process, made as `elevgw run` makes it: a site's `uplink:`
 * section through clientOptions, then mqttConnect, against a real mosquitto (plain, with
 * passwords, with TLS and client certificates) or a bare socket where only the first bytes
 * matter. What a site's URL and TLS settings do: which transport, which port, which name the
 * broker is asked for and checked against, which certificate is refused. (socket.test.ts checks,
 * in a child process, that these URLs load none of mqtt.js's other transports.)
 */

const PASSWORD = 'pw-client-test';
const tmp = tempDir('elevgw-uplink-client-');
let pki: TestPki;
let tlsBroker: TlsMosquitto;
let plain: Mosquitto;
let locked: Mosquitto;
/** The client key encrypted with `KEY_PASSPHRASE`, and the credentials file that holds it. */
let encryptedKey: string;
let credentials: string;
const KEY_PASSPHRASE = 'key-pass-Zq8';

beforeAll(async () => {
  pki = makeTestPki(tmp.dir);
  encryptedKey = tmp.file('client-encrypted.key');
  execFileSync('openssl', ['pkey', '-in', pki.clientKey, '-aes256', '-passout', `pass:${KEY_PASSPHRASE}`, '-out', encryptedKey]);
  credentials = tmp.file('credentials', `broker-password=${PASSWORD}\nkey-passphrase=${KEY_PASSPHRASE}\nwrong-passphrase=not-it\n`);
  chmodSync(credentials, 0o600);
  tlsBroker = await TlsMosquitto.start(pki, { users: { gw01: PASSWORD }, acl: 'user gw01\ntopic readwrite #\n' });
  plain = await Mosquitto.start();
  locked = await Mosquitto.start({ users: { gw01: PASSWORD } });
});
afterAll(async () => {
  await tlsBroker?.close();
  await plain?.close();
  await locked?.close();
  tmp.cleanup();
});

const open: MqttClientLike[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  while (open.length) open.pop()!.end(true);
});

const will = { topic: 'elevgw/test/client/status', payload: '{"state":"offline"}', qos: 1 as const, retain: false };

/** mqttConnect with the options the uplink derives from `uplink` (a site config's `uplink:` section). */
function connect(uplink: Record<string, unknown>, protocol: ProtocolVersion = 4): MqttClient {
  const config = uplinkSchema().parse({ credentialsFile: credentials, ...uplink });
  const client = mqttConnect(config.url, clientOptions(config, { clientId: `client-test-${Math.random()}`, protocol, will }));
  open.push(client);
  return client as unknown as MqttClient;
}

/** 'published' once a QoS 1 publish is acknowledged; else the first error's code (or message), or 'closed'. */
function outcome(client: MqttClient): Promise<string> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: string) => {
      if (settled) return;
      settled = true;
      client.end(true);
      resolve(r);
    };
    client.on('error', (e: Error & { code?: string | number }) => done(String(e.code ?? e.message)));
    client.on('close', () => done('closed'));
    client.on('connect', () => client.publish('elevgw/test/client', 'x', { qos: 1 }, (err) => done(err ? err.message : 'published')));
  });
}

/** The log of an Uplink on `uplink` (a site's `uplink:` section) started and stopped at once. */
async function uplinkLog(uplink: Record<string, unknown>): Promise<{ level: number; msg: string; err?: string; url?: string }[]> {
  const lines: string[] = [];
  const up = new Uplink({
    config: uplinkSchema().parse({ credentialsFile: credentials, ...uplink }),
    gatewayId: 'client-test',
    outbox: new MemoryOutbox(),
    logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    status: () => ({ v: 1, gatewayId: 'client-test', state: 'online' }),
  });
  up.start();
  await up.stop(1000);
  return lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: string; url?: string });
}

const clientTls = () => ({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
const onTls = (host = 'localhost', scheme = 'mqtts') => `${scheme}://${host}:${tlsBroker.port}`;

describe('uplink connection: URL schemes and ports', () => {
  it('mqtt:// and tcp:// publish over TCP, with Nagle’s algorithm off on the socket', async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    for (const url of [plain.url, plain.url.replace('mqtt://', 'tcp://')]) {
      const client = connect({ url });
      expect(await outcome(client), url).toBe('published');
      expect(noDelay.mock.contexts, url).toContain(client.stream);
      expect(noDelay.mock.calls[noDelay.mock.contexts.indexOf(client.stream)]).toEqual([true]);
    }
  });

  it('mqtts:// and ssl:// publish over TLS with the site’s CA, client certificate and password, Nagle off', async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    for (const url of [onTls(), onTls('localhost', 'ssl')]) {
      const client = connect({ url, username: 'gw01', password: { credential: 'broker-password' }, tls: clientTls() });
      expect(await outcome(client), url).toBe('published');
      expect(client.stream.constructor.name, url).toBe('TLSSocket');
      expect(noDelay.mock.contexts, url).toContain(client.stream);
    }
  });

  it('the URL alone decides TLS: mqtt:// with TLS files stays plain TCP (mqtt.js would switch), and `run` says so', async () => {
    const toPlain = connect({ url: plain.url, tls: clientTls() });
    expect(await outcome(toPlain)).toBe('published');
    expect(toPlain.stream.constructor.name).toBe('Socket');
    const toTls = connect({ url: onTls('localhost', 'mqtt'), username: 'gw01', password: { credential: 'broker-password' }, tls: clientTls() });
    expect(await outcome(toTls)).not.toBe('published');
    const lines = await uplinkLog({ url: `mqtt://gw01:${PASSWORD}@127.0.0.1:${locked.port}`, tls: clientTls() });
    expect(lines.filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/^uplink.tls is set but the URL is not TLS/), url: `mqtt://[redacted]@127.0.0.1:${locked.port}` }),
    ]);
  });

  it('a URL without a port dials 1883, or 8883 for TLS', () => {
    const dialled = (uplink: Record<string, unknown>) => {
      const c = connect(uplink);
      c.on('error', () => {});
      return [c.options.port, c.options.protocol];
    };
    expect(dialled({ url: 'mqtt://127.0.0.1' })).toEqual([1883, 'mqtt']);
    expect(dialled({ url: 'tcp://127.0.0.1' })).toEqual([1883, 'mqtt']);
    expect(dialled({ url: 'mqtts://127.0.0.1' })).toEqual([8883, 'mqtts']);
    expect(dialled({ url: 'ssl://127.0.0.1' })).toEqual([8883, 'mqtts']);
    expect(dialled({ url: 'mqtt://127.0.0.1', tls: clientTls() })).toEqual([1883, 'mqtt']);
  });

  it('credentials in the URL are mqtt.js’s to use: the broker that refuses anonymous clients lets it in', async () => {
    expect(await outcome(connect({ url: `mqtt://gw01:${PASSWORD}@127.0.0.1:${locked.port}` }))).toBe('published');
    expect(await outcome(connect({ url: locked.url }))).toMatch(/^(5|Connection refused: Not authorized)$/);
  });

  it('uplink.username and the password credential log in; without the password the broker refuses', async () => {
    expect(await outcome(connect({ url: locked.url, username: 'gw01', password: { credential: 'broker-password' } }))).toBe('published');
    expect(await outcome(connect({ url: locked.url, username: 'gw01' }))).not.toBe('published');
  });

  it('ws:// goes through mqtt.js’s own WebSocket transport: an MQTT WebSocket upgrade arrives', async () => {
    const server = createHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upgrade = new Promise<{ url?: string; upgrade?: string; protocol?: string }>((resolve) =>
      server.once('upgrade', (req: IncomingMessage, socket: Duplex) => {
        resolve({ url: req.url, upgrade: req.headers.upgrade, protocol: req.headers['sec-websocket-protocol'] });
        socket.destroy();
      }),
    );
    try {
      const client = connect({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/mqtt` });
      client.on('error', () => {});
      expect(await upgrade).toEqual({ url: '/mqtt', upgrade: 'websocket', protocol: 'mqtt' });
    } finally {
      server.close();
    }
  });

  it('a SOCKS proxy (MQTTJS_SOCKS_PROXY, or mqtt.js’s socksProxy option) is used: its greeting reaches the proxy', async () => {
    const greetings: number[] = [];
    const proxy = createServer((s) => s.once('data', (d: Buffer) => greetings.push(d[0]!) && s.destroy()));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const socks = `socks5://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const greeted = (n: number) => vi.waitFor(() => expect(greetings).toHaveLength(n), { timeout: 20_000, interval: 20 });
    const saved = process.env.MQTTJS_SOCKS_PROXY;
    try {
      process.env.MQTTJS_SOCKS_PROXY = socks;
      connect({ url: plain.url }).on('error', () => {});
      await greeted(1);
      delete process.env.MQTTJS_SOCKS_PROXY;
      const viaOption = mqttConnect(plain.url, { socksProxy: socks, reconnectPeriod: 0 });
      open.push(viaOption);
      viaOption.on('error', () => {});
      await greeted(2);
      expect(greetings).toEqual([5, 5]); // SOCKS version 5
    } finally {
      if (saved === undefined) delete process.env.MQTTJS_SOCKS_PROXY;
      else process.env.MQTTJS_SOCKS_PROXY = saved;
      proxy.close();
    }
  });
});

describe('uplink connection: TLS verification', () => {
  it('a broker with an expired certificate is refused, and nothing is published', async () => {
    const url = `mqtts://localhost:${tlsBroker.expiredPort}`;
    expect(await outcome(connect({ url, username: 'gw01', password: { credential: 'broker-password' }, tls: clientTls() }))).toBe('CERT_HAS_EXPIRED');
  });

  it('a broker signed by another CA than the site names is refused', async () => {
    const r = await outcome(connect({ url: onTls(), username: 'gw01', password: { credential: 'broker-password' }, tls: { ...clientTls(), ca: pki.otherCa } }));
    expect(r).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it('without uplink.tls.ca the broker must be signed by a CA the system trusts: the test CA’s broker is refused', async () => {
    const r = await outcome(connect({ url: onTls(), username: 'gw01', password: { credential: 'broker-password' }, tls: { cert: pki.clientCert, key: pki.clientKey } }));
    expect(r).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it('uplink.tls.rejectUnauthorized: false accepts the expired certificate (a test bench only)', async () => {
    const url = `mqtts://localhost:${tlsBroker.expiredPort}`;
    const tls = { ...clientTls(), rejectUnauthorized: false };
    expect(await outcome(connect({ url, username: 'gw01', password: { credential: 'broker-password' }, tls }))).toBe('published');
  });

  it('a broker that requires a client certificate the gateway lacks is not published to', async () => {
    const creds = { username: 'gw01', password: { credential: 'broker-password' } };
    expect(await outcome(connect({ url: onTls(), ...creds, tls: { ca: pki.ca } }))).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET|EPIPE/);
  });

  it('a refused certificate is reported once per attempt (the uplink logs each error it is told of)', async () => {
    for (const [url, tls] of [
      [`mqtts://localhost:${tlsBroker.expiredPort}`, clientTls()],
      [onTls(), { ca: pki.otherCa }],
    ] as const) {
      const client = connect({ url, tls });
      const errors: string[] = [];
      client.on('error', (e: Error & { code?: string | number }) => errors.push(String(e.code ?? e.message)));
      await new Promise<void>((resolve) => client.once('close', () => resolve()));
      expect(errors, url).toHaveLength(1);
    }
  });

  it('a key encrypted with a passphrase from the credentials file is opened in memory and used', async () => {
    const tls = { ca: pki.ca, cert: pki.clientCert, key: encryptedKey, passphrase: { credential: 'key-passphrase' } };
    expect(await outcome(connect({ url: onTls(), username: 'gw01', password: { credential: 'broker-password' }, tls }))).toBe('published');
  });

  it('a wrong passphrase, or an encrypted key without one, stops each attempt with an error naming the file and the credential', async () => {
    const attempt = async (tls: Record<string, unknown>) => {
      const lines = await uplinkLog({ url: onTls(), tls: { ca: pki.ca, cert: pki.clientCert, ...tls } });
      expect(JSON.stringify(lines)).not.toMatch(new RegExp(`${KEY_PASSPHRASE}|not-it`));
      return lines.filter((l) => l.msg === 'mqtt connect failed').map((l) => l.err);
    };
    expect(await attempt({ key: encryptedKey, passphrase: { credential: 'wrong-passphrase' } })).toEqual([
      `uplink.tls.key: ${encryptedKey} cannot be opened with the passphrase of credential "wrong-passphrase" (a wrong passphrase, or a damaged key file)`,
    ]);
    expect(await attempt({ key: encryptedKey })).toEqual([`uplink.tls.key: ${encryptedKey} is encrypted; name its passphrase as uplink.tls.passphrase: { credential: NAME }`]);
  });

  it('the server name: the URL’s host name is sent (SNI) and checked; an address is not sent; mqtt.js’s servername overrides', async () => {
    const names: (string | false | null)[] = [];
    const server = createTlsServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (s) => {
      names.push(s.servername);
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const handshakes = (n: number) => vi.waitFor(() => expect(names).toHaveLength(n), { timeout: 20_000, interval: 20 });
    try {
      for (const url of [`mqtts://localhost:${port}`, `mqtts://127.0.0.1:${port}`]) {
        connect({ url, tls: { ca: pki.ca } }).on('error', () => {});
        await handshakes(names.length + 1);
      }
      const ca = readFileSync(pki.ca);
      open.push(mqttConnect(`mqtts://127.0.0.1:${port}`, { servername: 'localhost', ca, reconnectPeriod: 0 }).on('error', () => {}));
      await handshakes(3);
      expect(names).toEqual(['localhost', false, 'localhost']);
      const named = mqttConnect(`mqtts://127.0.0.1:${port}`, { servername: 'broker.example', ca, reconnectPeriod: 0 });
      open.push(named);
      const refused = new Promise<string>((resolve) => named.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message)));
      expect(await refused).toBe('ERR_TLS_CERT_ALTNAME_INVALID'); // checked against the name asked for
    } finally {
      server.close();
    }
  });
});

describe('uplink connection: session and will', () => {
  it('uplink.clientId is the id the broker knows: a second client with it takes the session over', async () => {
    const client = connect({ url: plain.url, clientId: 'site-fixed-id' });
    await new Promise((resolve) => client.once('connect', resolve));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const other = await mqtt.connectAsync(plain.url, { clientId: 'site-fixed-id', reconnectPeriod: 0 });
    await closed;
    await other.endAsync();
  });

  it('every connection starts a clean session: the broker has none to resume', async () => {
    const sessions: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      const client = connect({ url: plain.url, clientId: 'site-clean' });
      sessions.push(await new Promise<boolean>((resolve) => client.once('connect', (ack) => resolve(ack.sessionPresent))));
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    }
    expect(sessions).toEqual([false, false]);
  });

  it('on MQTT 5 the last will says application/json, like every other message', async () => {
    const sub = await mqtt.connectAsync(plain.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const got = new Promise<{ payload: string; contentType?: string }>((resolve) =>
        sub.on('message', (_t, payload, packet) => resolve({ payload: payload.toString(), contentType: packet.properties?.contentType })),
      );
      await sub.subscribeAsync(will.topic, { qos: 1 });
      const client = connect({ url: plain.url }, 5);
      await new Promise((resolve) => client.once('connect', resolve));
      client.stream.destroy(); // the connection lost without DISCONNECT: the broker sends the will
      expect(await got).toEqual({ payload: will.payload, contentType: 'application/json' });
    } finally {
      await sub.endAsync();
    }
  });
});

describe('uplink connection: writing', () => {
  it('sendNow writes what publish queued at once, not on the next tick', async () => {
    const client = connect({ url: plain.url });
    await new Promise((resolve) => client.once('connect', resolve));
    const stream = client.stream as Socket;
    client.publish('elevgw/test/client', 'x'.repeat(100), { qos: 1 });
    const queued = stream.writableLength;
    (client as unknown as MqttClientLike).sendNow!();
    expect([queued > 0, stream.writableLength]).toEqual([true, 0]);
  });
});
