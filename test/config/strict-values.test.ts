import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { siteConfigSchema } from '../../src/config/site.js';
import { valueFindings, type StrictFinding } from '../../src/config/strict.js';
import { elevatorObject } from '../helpers/site-object.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `config validate --strict`, the values alone (src/config/strict.ts): each finding with the exact
 * path inside the config the installer is pointed to, its message and its fix. A config fit for a
 * site has none; the files the values name are strict-files-checks.test.ts's.
 */

type Raw = {
  gateway: Record<string, unknown>;
  elevators: Record<string, unknown>[];
  uplink: Record<string, unknown>;
} & Record<string, unknown>;

/** A config a real site could run: TLS with a CA, the password by reference. */
function good(): Raw {
  return {
    version: 1,
    gateway: { id: 'jh-gw-0417', site: 'Jianghan Building 12' },
    elevators: [elevatorObject({ board: 'generic-modbus-controller', connection: { host: '10.20.0.15', port: 502, unitId: 1 } })],
    uplink: { url: 'mqtts://mqtt.platform.jianghan.gov.cn:8883', username: 'jh-gw-0417', password: { credential: 'broker-password' }, tls: { ca: 'ca.pem' } },
  };
}

function findings(raw: Raw, packageDir = packageRoot()): StrictFinding[] {
  const site = siteConfigSchema().parse(raw);
  return valueFindings({ site, raw, outboxPath: '/var/lib/elevgw/outbox.db', packageDir, boards: { shipped: new Map(), site: new Map() } });
}

/** The good config with the uplink changed. */
function uplink(u: Record<string, unknown>): Raw {
  const raw = good();
  raw.uplink = u;
  return raw;
}

const paths = (f: StrictFinding[]) => f.map((x) => x.path);

describe('strict: the values of a config fit for a site', () => {
  it('has no finding', () => {
    expect(findings(good())).toEqual([]);
  });
});

describe('strict: placeholders', () => {
  it('finds change-me in any spelling wherever it sits, nested in lists and mappings, with its exact path', () => {
    const raw = good();
    raw.gateway.site = 'Change Me building';
    const second = structuredClone(raw.elevators[0]!);
    second.id = 'L2';
    second.maintenanceCompany = { name: 'Otis', phone: 'CHANGE_ME' };
    second.floors = [
      { label: '1', levelMm: 0 },
      { label: 'changeme', levelMm: 3000 },
    ];
    raw.elevators.push(second);
    const f = findings(raw);
    expect(paths(f)).toEqual([
      ['gateway', 'site'],
      ['elevators', 1, 'floors', 1, 'label'],
      ['elevators', 1, 'maintenanceCompany', 'phone'],
    ]);
    expect(f.map((x) => x.message)).toEqual(['"Change Me building" is a placeholder', '"changeme" is a placeholder', '"CHANGE_ME" is a placeholder']);
    expect(f[0]!.fix).toBe('write the real value for this gateway (a secret goes into the credentials file, never here)');
  });

  it('checks the ids of whichever examples this install ships, however little they hold', () => {
    const pkg = tempDir();
    try {
      mkdirSync(join(pkg.dir, 'config'));
      const raw = good();
      pkg.file('config/site.example.yaml', 'gateway: { id: jh-gw-0417 }\n');
      // No demo.yaml: the one example there is still checked.
      expect(findings(raw, pkg.dir)).toEqual([
        {
          path: ['gateway', 'id'],
          message: '"jh-gw-0417" is the id of a shipped example config',
          fix: 'give this gateway the id the platform assigned to it (it is part of every MQTT topic)',
        },
      ]);
      pkg.file('config/demo.yaml', '# emptied\n');
      expect(paths(findings(raw, pkg.dir))).toEqual([['gateway', 'id']]);
      pkg.file('config/demo.yaml', 'elevators:\n  - { registrationCode: "31104201002023050417" }\n');
      const f = findings(raw, pkg.dir);
      expect(paths(f)).toEqual([
        ['gateway', 'id'],
        ['elevators', 0, 'registrationCode'],
      ]);
      expect(f[1]!.message).toBe('"31104201002023050417" is the registration code of a shipped example');
    } finally {
      pkg.cleanup();
    }
  });
});

describe('strict: documentation and example addresses (RFC 2606, 5737, 3849)', () => {
  const withHost = (host: string) => {
    const raw = good();
    raw.elevators[0]!.connection = { host };
    return findings(raw);
  };

  it.each([
    'plc.example',
    'PLC.Example.COM',
    'plc.example.net.',
    'example.org',
    'controller.invalid',
    '192.0.2.10',
    '198.51.100.7',
    '203.0.113.254',
    '2001:db8::15',
    '2001:0DB8:0:0::15',
    '[2001:db8::15]',
  ])('an elevator at %s is refused', (host) => {
    expect(withHost(host)).toEqual([
      { path: ['elevators', 0, 'connection', 'host'], message: `${host} is a documentation/example address`, fix: "write the address of this elevator's controller interface" },
    ]);
  });

  it.each(['plc.example.com.cn', 'myexample.com', 'invalid-plc.lan', '192.0.20.1', '10.203.0.113', '2001:db9::15', '2400:2001:db8::1', '[2400:cb00::1]'])(
    'an elevator at %s is not',
    (host) => {
      expect(withHost(host)).toEqual([]);
    },
  );

  it('a broker at a documentation address, bracketed IPv6 included', () => {
    for (const [url, host] of [
      ['mqtts://[2001:db8::1]:8883', '[2001:db8::1]'],
      ['mqtts://broker.example.net:8883', 'broker.example.net'],
      ['mqtts://203.0.113.5:8883', '203.0.113.5'],
    ] as const) {
      expect(findings(uplink({ url, password: { credential: 'broker-password' } }))).toEqual([
        { path: ['uplink', 'url'], message: `${host} is a documentation/example host`, fix: "write the district platform's broker address" },
      ]);
    }
    expect(findings(uplink({ url: 'mqtts://[2400:cb00::1]:8883' }))).toEqual([]);
  });

  it('elevators without a host (a serial line, the gateway’s own GPIO header) have none to check', () => {
    const raw = good();
    raw.elevators[0]!.connection = { path: '/dev/elevgw-rs485', parity: 'even' };
    const gpio = structuredClone(raw.elevators[0]!);
    gpio.id = 'L2';
    gpio.board = 'pi-gpio-sensorbox';
    delete gpio.connection;
    raw.elevators.push(gpio);
    expect(findings(raw)).toEqual([]);
  });
});

describe('strict: the broker URL and the password', () => {
  it('a URL that does not parse is one finding, whatever else the uplink says', () => {
    expect(findings(uplink({ url: 'mqtts://broker:port', password: { credential: 'broker-password' } }))).toEqual([
      { path: ['uplink', 'url'], message: 'mqtts://broker:port is not a URL', fix: 'write mqtts://HOST:8883' },
    ]);
    // A plain scheme with TLS files and a password: nothing can be said of a URL that is not one.
    expect(paths(findings(uplink({ url: 'mqtt://broker:port', password: { credential: 'broker-password' }, tls: { ca: 'ca.pem' } })))).toEqual([['uplink', 'url']]);
  });

  it('a password in the URL', () => {
    expect(findings(uplink({ url: 'mqtts://jh-gw-0417:Zq8@mqtt.platform.jianghan.gov.cn:8883', tls: { ca: 'ca.pem' } }))).toEqual([
      {
        path: ['uplink', 'url'],
        message: 'the URL carries a password',
        fix: 'remove it from the URL; set uplink.password: { credential: broker-password } and put broker-password=… into the credentials file',
      },
    ]);
  });

  it('a password written in the YAML', () => {
    expect(findings(uplink({ url: 'mqtts://mqtt.platform.jianghan.gov.cn:8883', password: 'Zq8-real-secret' }))).toEqual([
      {
        path: ['uplink', 'password'],
        message: 'the broker password is written in the YAML',
        fix: 'move it to the credentials file as a line broker-password=… and write password: { credential: broker-password }',
      },
    ]);
  });

  const plain = (url: string) => findings(uplink({ url, password: { credential: 'broker-password' } }));
  const clear = (protocol: string, host: string) => [
    {
      path: ['uplink', 'url'],
      message: `the password would be sent in clear text (${protocol}//) to ${host}, which is not this machine`,
      fix: 'use mqtts://HOST:8883 (TLS); plain mqtt:// only to a broker on loopback',
    },
  ];

  it.each([
    'mqtt://localhost:1883',
    'mqtt://LocalHost:1883',
    'mqtt://broker.localhost:1883',
    'mqtt://[::1]:1883',
    'mqtt://127.0.0.1:1883',
    'tcp://127.3.2.1:1883',
    'ws://localhost:8080/mqtt',
  ])('a password over %s stays on this machine: allowed', (url) => {
    expect(plain(url)).toEqual([]);
  });

  it.each([
    ['mqtt://10.1.2.3:1883', 'mqtt:', '10.1.2.3'],
    ['mqtt://10.0.127.1:1883', 'mqtt:', '10.0.127.1'],
    ['mqtt://notlocalhost:1883', 'mqtt:', 'notlocalhost'],
    ['mqtt://localhost.jianghan.gov.cn:1883', 'mqtt:', 'localhost.jianghan.gov.cn'],
    ['tcp://[::2]:1883', 'tcp:', '[::2]'],
    ['ws://10.1.2.3:8080/mqtt', 'ws:', '10.1.2.3'],
  ])('a password over %s goes in clear to another host: refused', (url, protocol, host) => {
    expect(plain(url)).toEqual(clear(protocol, host));
  });

  it('a password in a plain URL to another host is both in the URL and in clear', () => {
    expect(findings(uplink({ url: 'mqtt://gw:Zq8@10.1.2.3:1883' })).map((f) => f.message)).toEqual([
      'the URL carries a password',
      'the password would be sent in clear text (mqtt://) to 10.1.2.3, which is not this machine',
    ]);
  });

  it('plain mqtt:// to another host without any password sends no secret: allowed', () => {
    expect(findings(uplink({ url: 'mqtt://10.1.2.3:1883', username: 'gw' }))).toEqual([]);
  });
});

describe('strict: TLS settings', () => {
  it('TLS files with a plain URL would not be used', () => {
    expect(findings(uplink({ url: 'mqtt://127.0.0.1:1883', tls: { ca: 'ca.pem' } }))).toEqual([
      { path: ['uplink', 'tls'], message: 'TLS files are given but the URL is mqtt:// (no TLS): they would not be used', fix: 'use mqtts:// (or wss://)' },
    ]);
    for (const url of ['mqtts://mqtt.platform.jianghan.gov.cn:8883', 'ssl://mqtt.platform.jianghan.gov.cn:8883', 'wss://mqtt.platform.jianghan.gov.cn/mqtt']) {
      expect(findings(uplink({ url, tls: { ca: 'ca.pem' } }))).toEqual([]);
    }
  });

  it('a broker certificate that is not verified', () => {
    expect(findings(uplink({ url: 'mqtts://mqtt.platform.jianghan.gov.cn:8883', tls: { ca: 'ca.pem', rejectUnauthorized: false } }))).toEqual([
      {
        path: ['uplink', 'tls', 'rejectUnauthorized'],
        message: "the broker's certificate would not be verified (anyone on the path could pose as the platform)",
        fix: "remove rejectUnauthorized: false; give the platform's CA as uplink.tls.ca",
      },
    ]);
  });

  it('a client certificate without its key, a key without its certificate; both is mutual TLS', () => {
    const tls = (t: Record<string, unknown>) => findings(uplink({ url: 'mqtts://mqtt.platform.jianghan.gov.cn:8883', tls: { ca: 'ca.pem', ...t } }));
    expect(tls({ cert: 'gw.crt' })).toEqual([
      { path: ['uplink', 'tls'], message: 'a client certificate without its key', fix: 'give uplink.tls.key as well (mutual TLS needs both)' },
    ]);
    expect(tls({ key: 'gw.key' })).toEqual([
      { path: ['uplink', 'tls'], message: 'a client key without its certificate', fix: 'give uplink.tls.cert as well (mutual TLS needs both)' },
    ]);
    expect(tls({ cert: 'gw.crt', key: 'gw.key' })).toEqual([]);
  });
});
