import { spawnSync } from 'node:child_process';
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
 * never loaded. Each case runs in a child process, whose loaded modules are its own. What the
 * connection does with each URL and TLS setting (verification, ports, SNI, ws://, SOCKS) is
 * client.test.ts's, in this process.
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
});
