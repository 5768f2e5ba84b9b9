import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkConnection } from '../../src/config/connection.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { elevatorObject } from '../helpers/site-object.js';
import { tempDir } from '../helpers/tmp.js';
import { configProblems } from '../helpers/config-refusal.js';

/**
 * The site config's schema (src/config/site.ts) at the edges an installer meets: the ranges and
 * formats of ids, codes, URLs and connections, the defaults of docs/configuration.md, and the
 * cross-checks (floors, learned shaft, duplicates), each refused at its path with its message.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

type Obj = Record<string, unknown>;
type Site = Obj & { gateway: Obj; elevators: Obj[]; uplink: Obj };

const elevator = (id = 'L1'): Obj => elevatorObject({ id });

function site(change: (s: Site) => void = () => {}): Site {
  const s: Site = { version: 1, gateway: { id: 'jh-gw-0417' }, elevators: [elevator()], uplink: { url: 'mqtt://127.0.0.1:1883' } };
  change(s);
  return s;
}

const load = (s: Site): LoadedConfig => loadConfig(tmp.file('site.yaml', stringify(s)));

/** The problems of a config as `path: message`; throws when it loads. */
const problems = (s: Site): string[] => configProblems(tmp.file('site.yaml', stringify(s))).map((p) => `${p.path}: ${p.message}`);

describe('documented defaults (docs/configuration.md)', () => {
  it('an uplink, outbox and runtime left out get the documented values; optional keys stay out', () => {
    const c = load(site());
    expect(c.site.gateway).toEqual({ id: 'jh-gw-0417', site: '' });
    expect(c.site.uplink).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      credentialsFile: join(tmp.dir, 'credentials'),
      topicPrefix: 'elevgw/v1',
      keepaliveS: 30,
      inflightWindow: 32,
      reconnectMinMs: 1000,
      reconnectMaxMs: 60_000,
      drainRatePerS: 100,
      telemetryIntervalS: 10,
    });
    expect(c.site.outbox).toEqual({ path: 'data/outbox.db', maxMb: 64, retentionDays: 7, maintainIntervalS: 60 });
    expect(c.outboxPath).toBe(join(tmp.dir, 'data', 'outbox.db'));
    expect(c.site.runtime).toEqual({ timeScale: 1 });
    const e = c.elevators[0]!.config;
    expect([e.name, e.address, e.maintenanceCompany, e.shaft]).toEqual(['', '', undefined, undefined]);
  });

  it('a maintenance company is kept as written; its name is required, and neither may be empty', () => {
    const withCompany = (m: Obj) => site((s) => (s.elevators[0]!.maintenanceCompany = m));
    expect(load(withCompany({ name: 'Wuhan Lift Service Co.', phone: '027-8888-0417' })).elevators[0]!.config.maintenanceCompany).toEqual({
      name: 'Wuhan Lift Service Co.',
      phone: '027-8888-0417',
    });
    expect(load(withCompany({ name: 'Wuhan Lift Service Co.' })).elevators[0]!.config.maintenanceCompany).toEqual({ name: 'Wuhan Lift Service Co.' });
    expect(problems(withCompany({ name: '' })).map((p) => p.split(':')[0])).toEqual(['elevators[0].maintenanceCompany.name']);
    expect(problems(withCompany({ name: 'Wuhan Lift Service Co.', phone: '' })).map((p) => p.split(':')[0])).toEqual(['elevators[0].maintenanceCompany.phone']);
  });
});

describe('ids and codes', () => {
  const ID = 'letters, digits, _ or - (topic-safe, ≤ 64)';

  it('an elevator or gateway id is a topic segment: it starts with a letter or digit and holds no separator or wildcard', () => {
    for (const bad of ['_L1', '-L1', 'L1/2', 'L1+', 'L#1', 'L1 ', 'x'.repeat(65)]) {
      expect(problems(site((s) => (s.elevators[0]!.id = bad)))).toEqual([`elevators[0].id: ${ID}`]);
    }
    expect(problems(site((s) => (s.gateway.id = 'gw/1')))).toEqual([`gateway.id: ${ID}`]);
    for (const ok of ['L1', '0', 'east_L-2', 'x'.repeat(64)]) expect(load(site((s) => (s.elevators[0]!.id = ok))).elevators[0]!.config.id).toBe(ok);
  });

  it('a registration code is exactly 20 letters or digits', () => {
    for (const bad of ['3110420100202305041', '311042010020230504171', '3110420100-023050417', ' 31104201002023050417']) {
      expect(problems(site((s) => (s.elevators[0]!.registrationCode = bad)))).toEqual(['elevators[0].registrationCode: a 20-character registration code']);
    }
    expect(load(site((s) => (s.elevators[0]!.registrationCode = 'AB104201002023050417'))).elevators).toHaveLength(1);
  });

  it('two elevators need two ids; none at all is refused', () => {
    expect(load(site((s) => s.elevators.push(elevator('L2')))).elevators.map((e) => e.config.id)).toEqual(['L1', 'L2']);
    expect(problems(site((s) => s.elevators.push(elevator('L2'), elevator('L1'))))).toEqual(['elevators[2].id: duplicate elevator id "L1"']);
    expect(problems(site((s) => (s.elevators = []))).map((p) => p.split(':')[0])).toEqual(['elevators']);
  });
});

describe('floors and the learned shaft', () => {
  it('floors must rise strictly: the same level twice is refused', () => {
    const s = site(
      (x) =>
        (x.elevators[0]!.floors = [
          { label: '1', levelMm: 0 },
          { label: '2', levelMm: 0 },
        ]),
    );
    expect(problems(s)).toEqual(['elevators[0].floors[1].levelMm: floors must ascend: 0 mm is not above floor "1" at 0 mm']);
  });

  it('a floor label is used once', () => {
    const s = site(
      (x) =>
        (x.elevators[0]!.floors = [
          { label: 'B1', levelMm: 0 },
          { label: '1', levelMm: 3000 },
          { label: 'B1', levelMm: 6000 },
        ]),
    );
    expect(problems(s)).toEqual(['elevators[0].floors[2].label: duplicate floor label "B1"']);
  });

  const landing = (pressurePa: number) => ({ pressurePa, upperMm: [-150, 120], lowerMm: [-120, 150] });
  const withShaft = (landings: Obj[], floors = 2, board = 'retrofit-pi-i2c-sensorbox') =>
    site((s) => {
      const e = s.elevators[0]!;
      e.board = board;
      delete e.connection;
      e.floors = Array.from({ length: floors }, (_, i) => ({ label: String(i + 1), levelMm: i * 3000 }));
      e.shaft = { learnedAt: '2026-11-02T03:15:44Z', landings };
    });

  it('a learned shaft is kept as written', () => {
    const shaft = load(withShaft([landing(0), landing(-36.5), landing(-72)], 3)).elevators[0]!.config.shaft;
    expect(shaft).toEqual({ learnedAt: '2026-11-02T03:15:44Z', landings: [landing(0), landing(-36.5), landing(-72)] });
  });

  it('on a board that reads position from its controller: refused, not ignored', () => {
    const s = withShaft([landing(0), landing(-36)], 2, 'sim-modbus');
    s.elevators[0]!.connection = { host: '127.0.0.1' };
    expect(problems(s)).toEqual([
      'elevators[0].shaft: board "sim-modbus" uses modbus-tcp and reads position from its controller: only a retrofit board (retrofit-firmata, retrofit-i2c) uses a learned shaft; remove it, or check the board',
    ]);
  });

  it("a sensor's span is [from, to], from below to, within a metre of the level", () => {
    const at = (upperMm: number[]) => ({ pressurePa: -36, upperMm, lowerMm: [-120, 150] });
    expect(problems(withShaft([landing(0), at([150, -180])], 2))).toEqual(['elevators[0].shaft.landings[1].upperMm: a span [from, to] in mm, from below to']);
    expect(problems(withShaft([landing(0), at([-150, -150])], 2))).toEqual(['elevators[0].shaft.landings[1].upperMm: a span [from, to] in mm, from below to']);
    expect(problems(withShaft([landing(0), at([-9000, 150])], 2))).toEqual([expect.stringMatching(/^elevators\[0\]\.shaft\.landings\[1\]\.upperMm\[0\]: /)]);
    expect(load(withShaft([landing(0), at([-1000, 1000])], 2)).elevators[0]!.config.shaft!.landings[1]!.upperMm).toEqual([-1000, 1000]);
  });

  it('one landing per floor, pressure falling landing after landing', () => {
    expect(problems(withShaft([landing(0), landing(-36), landing(-72)], 2))).toEqual([
      'elevators[0].shaft.landings: 3 learned landings for 2 floors: learn again (elevgw diag learn)',
    ]);
    expect(problems(withShaft([landing(0), landing(-36), landing(-36)], 3))).toEqual([
      'elevators[0].shaft.landings[2].pressurePa: pressure must fall landing after landing: -36 Pa is not below -36 Pa',
    ]);
    expect(problems(withShaft([landing(0), landing(10)], 2))).toEqual([
      'elevators[0].shaft.landings[1].pressurePa: pressure must fall landing after landing: 10 Pa is not below 0 Pa',
    ]);
    expect(problems(withShaft([landing(0)], 2))).toContain('elevators[0].shaft.landings: 1 learned landings for 2 floors: learn again (elevgw diag learn)');
  });
});

describe('the connection', () => {
  it("one that fits no transport is refused against its board's, which it names with the key at fault", () => {
    expect(problems(site((s) => (s.elevators[0]!.connection = { host: '10.0.0.5', path: '/dev/ttyUSB0' })))).toEqual([
      'elevators[0].connection: board "sim-modbus" uses modbus-tcp: expected connection { host, port?: 502, unitId?: 1 }, got { host, path } (unknown key(s) path)',
    ]);
  });

  it('Modbus RTU: parity none, even or odd; a unit id 1–247', () => {
    const rtu = (c: Obj) => checkConnection('modbus-rtu', { path: '/dev/elevgw-rs485', ...c });
    for (const parity of ['none', 'even', 'odd']) expect(rtu({ parity })).toMatchObject({ ok: true, connection: { parity } });
    for (const unitId of [1, 247]) expect(rtu({ unitId })).toMatchObject({ ok: true, connection: { unitId } });
    for (const bad of [{ parity: 'mark' }, { unitId: 0 }, { unitId: 248 }]) expect(rtu(bad).ok).toBe(false);
  });

  it('a Pi retrofit box: any I²C bus 0–31', () => {
    for (const bus of [0, 1, 31]) expect(checkConnection('retrofit-i2c', { bus })).toEqual({ ok: true, connection: { bus } });
  });
});

describe('the uplink', () => {
  const url = (u: string) => site((s) => (s.uplink.url = u));

  it('an MQTT URL of a known scheme, from its first character', () => {
    for (const u of ['mqtt://127.0.0.1:1883', 'mqtts://b:8883', 'tcp://b:1883', 'ssl://b:8883', 'ws://b:8080/mqtt', 'wss://b/mqtt']) expect(load(url(u)).site.uplink.url).toBe(u);
    for (const u of ['http://b:1883', ' mqtt://b:1883', 'broker mqtt://b:1883', 'b:1883']) {
      expect(problems(url(u))).toEqual(['uplink.url: an MQTT URL such as mqtt://host:1883 or mqtts://host:8883']);
    }
  });

  it('a topic prefix has no wildcard anywhere', () => {
    const prefix = (p: string) => site((s) => (s.uplink.topicPrefix = p));
    expect(load(prefix('jh/elevgw/v1')).site.uplink.topicPrefix).toBe('jh/elevgw/v1');
    for (const p of ['elevgw/#', '+/v1', 'jh/+/v1', '#']) expect(problems(prefix(p))).toEqual(['uplink.topicPrefix: a topic prefix without wildcards']);
  });

  it('keep-alive 5–600 s', () => {
    const keepalive = (k: number) => site((s) => (s.uplink.keepaliveS = k));
    for (const k of [5, 600]) expect(load(keepalive(k)).site.uplink.keepaliveS).toBe(k);
    for (const k of [4, 601]) expect(problems(keepalive(k)).map((p) => p.split(':')[0])).toEqual(['uplink.keepaliveS']);
  });
});
