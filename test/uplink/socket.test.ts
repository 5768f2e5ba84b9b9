import { spawn, spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { TlsMosquitto } from '../helpers/mosquitto-tls.js';
import { makeTestPki, type TestPki } from '../helpers/tls-pki.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The uplink's connection to a real mosquitto, made the way `elevgw run` makes it: the site's
 * uplink config through clientOptions, then mqttConnect. For mqtt:// and mqtts:// URLs the socket
 * is opened by the uplink itself (src/uplink/client.ts), so mqtt.js's WebSocket and SOCKS code is
 * never loaded; TLS must still verify the broker as mqtt.js would, and a ws:// URL must still work.
 * Each case runs in a child process, whose loaded modules are its own.
 */

const PASSWORD = 'pw-socket-test';
const tmp = tempDir('elevgw-uplink-socket-');
let pki: TestPki;
let tlsBroker: TlsMosquitto;
let plain: Mosquitto;

beforeAll(async () => {
  pki = makeTestPki(tmp.dir);
  tlsBroker = await TlsMosquitto.start(pki, { users: { gw01: PASSWORD }, acl: 'user gw01\ntopic readwrite #\n' });
  plain = await Mosquitto.start();
});
afterAll(async () => {
  await tlsBroker?.close();
  await plain?.close();
  tmp.cleanup();
});

interface Outcome {
  /** 'published' when a QoS 1 message was acknowledged, else the error's code or message. */
  result: string;
  /** Packages of mqtt.js's other transports that the process loaded. */
  loaded: string[];
}

/** Connects with the uplink's options for `uplink` (a site config's `uplink:` section), publishes once at QoS 1. */
function connect(uplink: Record<string, unknown>): Outcome {
  const script = `
    import { createRequire } from 'node:module';
    const { clientOptions } = await import(${JSON.stringify(built('src/uplink/options.ts'))});
    const { mqttConnect } = await import(${JSON.stringify(built('src/uplink/client.ts'))});
    const uplink = JSON.parse(process.argv[1]);
    const will = { topic: 'elevgw/test/status', payload: 'offline', qos: 1, retain: false };
    const c = mqttConnect(uplink.url, clientOptions({ credentialsFile: 'none', keepaliveS: 30, ...uplink }, { clientId: 'socket-test', protocol: 4, will }));
    const done = (result) => {
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .map((f) => /node_modules\\/(ws|socks|ip-address|smart-buffer)\\//.exec(f)?.[1])
        .filter((p, i, all) => p && all.indexOf(p) === i);
      console.log(JSON.stringify({ result, loaded }));
      c.end(true, {}, () => process.exit(0));
    };
    c.on('error', (e) => done(e.code ?? e.message));
    c.on('connect', () => c.publish('elevgw/test/socket', 'x', { qos: 1 }, (err) => done(err ? err.message : 'published')));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(uplink)], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Outcome;
}

const clientTls = () => ({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });

describe('uplink socket: the connection mqttConnect opens itself', () => {
  it('mqtt:// publishes to mosquitto without loading mqtt.js’s WebSocket or SOCKS code', () => {
    expect(connect({ url: plain.url })).toEqual({ result: 'published', loaded: [] });
  });

  it('mqtts:// with the site’s CA, client certificate and password publishes, still without them', () => {
    const url = `mqtts://localhost:${tlsBroker.port}`;
    expect(connect({ url, username: 'gw01', password: PASSWORD, tls: clientTls() })).toEqual({ result: 'published', loaded: [] });
  });

  it('a broker with an expired certificate is refused, and nothing is published', () => {
    const url = `mqtts://localhost:${tlsBroker.expiredPort}`;
    expect(connect({ url, username: 'gw01', password: PASSWORD, tls: clientTls() }).result).toBe('CERT_HAS_EXPIRED');
  });

  it('a broker signed by another CA than the site names is refused', () => {
    const url = `mqtts://localhost:${tlsBroker.port}`;
    const r = connect({ url, username: 'gw01', password: PASSWORD, tls: { ...clientTls(), ca: pki.otherCa } });
    expect(r.result).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it('uplink.tls.rejectUnauthorized: false accepts the expired certificate (a test bench only)', () => {
    const url = `mqtts://localhost:${tlsBroker.expiredPort}`;
    expect(connect({ url, username: 'gw01', password: PASSWORD, tls: { ...clientTls(), rejectUnauthorized: false } }).result).toBe('published');
  });

  it('a broker without the client certificate it requires closes the connection: no publish', () => {
    const url = `mqtts://localhost:${tlsBroker.port}`;
    expect(connect({ url, username: 'gw01', password: PASSWORD, tls: { ca: pki.ca } }).result).not.toBe('published');
  });

  it('ws:// goes through mqtt.js’s own WebSocket transport: an MQTT WebSocket upgrade arrives', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upgrade = new Promise<{ url?: string; upgrade?: string; protocol?: string }>((resolve) =>
      server.once('upgrade', (req: IncomingMessage, socket: Duplex) => {
        resolve({ url: req.url, upgrade: req.headers.upgrade, protocol: req.headers['sec-websocket-protocol'] });
        socket.destroy();
      }),
    );
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/mqtt`;
    const script = `
      const { mqttConnect } = await import(${JSON.stringify(built('src/uplink/client.ts'))});
      const c = mqttConnect(process.argv[1], { reconnectPeriod: 0, connectTimeout: 60000 });
      c.on('error', () => {});`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: 'ignore' });
    try {
      expect(await upgrade).toEqual({ url: '/mqtt', upgrade: 'websocket', protocol: 'mqtt' });
    } finally {
      child.kill();
      server.close();
    }
  });
});
