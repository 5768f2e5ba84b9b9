import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { commandResponseSchema, MAX_COMMAND_BYTES, type CommandResponse } from '../../src/contract/commands.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig, siteYaml } from '../helpers/gateway.js';

/**
 * Platform commands: read-only diagnostics answered from the running pipeline; broken or hostile
 * requests get an error response with an exact code and change nothing — the gateway keeps monitoring.
 */

const PREFIX = 'elevgw/v1/it-gw';

/** A platform client that sends one request at a time and returns the answer on the matching response topic. */
async function platformClient(url: string, clientId: string, onEvent: (type: string, phase: string) => void) {
  const client = await mqtt.connectAsync(url, { clientId });
  const responses: { topic: string; r: CommandResponse }[] = [];
  client.on('message', (t, p) => {
    if (t.startsWith(`${PREFIX}/responses/`)) responses.push({ topic: t, r: commandResponseSchema.parse(JSON.parse(p.toString())) });
    else {
      const e = JSON.parse(p.toString()) as { type: string; phase: string };
      onEvent(e.type, e.phase);
    }
  });
  await client.subscribeAsync([`${PREFIX}/responses/+`, `${PREFIX}/elevators/+/events`], { qos: 1 });
  return {
    client,
    responses,
    async ask(command: string, payload: string | Buffer): Promise<CommandResponse> {
      const before = responses.length;
      await client.publishAsync(`${PREFIX}/commands/${command}`, payload, { qos: 1 });
      await vi.waitFor(() => expect(responses.length).toBeGreaterThan(before), { timeout: 5000 });
      expect(responses.slice(before).map((x) => x.topic)).toEqual([`${PREFIX}/responses/${command}`]);
      return responses[before]!.r;
    },
  };
}

const req = (o: Record<string, unknown>) => JSON.stringify(o);
/** Valid JSON of exactly `bytes` bytes: a ping padded with whitespace. */
const paddedPing = (bytes: number, requestId: string) => {
  const body = req({ v: 1, requestId });
  return `${body.slice(0, -1) + ' '.repeat(bytes - body.length)}}`;
};
const longId = 'x'.repeat(65);

/** Hostile or broken requests, each with the exact answer it must get. `requestId` undefined = none echoed. */
const HOSTILE: { what: string; command: string; payload: string | Buffer; message: RegExp; requestId?: string }[] = [
  { what: 'unknown command', command: 'open-door', payload: req({ v: 1, requestId: 'a1' }), message: /^unknown command \(expected one of: ping, diagnostics, reset-baseline\)$/ },
  { what: 'an empty command name (commands/)', command: '', payload: req({ v: 1, requestId: 'a0' }), message: /^unknown command/ },
  { what: 'command name in another case', command: 'PING', payload: req({ v: 1, requestId: 'a2' }), message: /^unknown command/ },
  { what: 'broken JSON', command: 'ping', payload: '{not json', message: /^request is not JSON/ },
  { what: 'empty payload', command: 'ping', payload: '', message: /^request is not JSON/ },
  { what: 'bytes that are not UTF-8', command: 'ping', payload: Buffer.from([0xff, 0xfe, 0x7b, 0x00]), message: /^request is not JSON/ },
  { what: 'JSON null', command: 'ping', payload: 'null', message: /^\(root\): / },
  { what: 'JSON array', command: 'diagnostics', payload: '[1,2]', message: /^\(root\): / },
  { what: 'JSON string', command: 'ping', payload: '"ping"', message: /^\(root\): / },
  { what: 'requestId of the wrong type', command: 'ping', payload: req({ v: 1, requestId: 7 }), message: /^requestId: / },
  { what: 'empty requestId', command: 'ping', payload: req({ v: 1, requestId: '' }), message: /^requestId: /, requestId: undefined },
  { what: 'requestId over 64 characters', command: 'ping', payload: req({ v: 1, requestId: longId }), message: /^requestId: /, requestId: longId.slice(0, 64) },
  { what: 'no requestId', command: 'ping', payload: req({ v: 1 }), message: /^requestId: / },
  { what: 'wrong version', command: 'ping', payload: req({ v: 2, requestId: 'b1' }), message: /^v: /, requestId: 'b1' },
  { what: 'no version', command: 'ping', payload: req({ requestId: 'b2' }), message: /^v: /, requestId: 'b2' },
  {
    what: 'extra top-level field',
    command: 'diagnostics',
    payload: req({ v: 1, requestId: 'b3', write: { register: 3, value: 1 } }),
    message: /^\(root\): Unrecognized key: "write"$/,
    requestId: 'b3',
  },
  {
    what: 'extra argument',
    command: 'diagnostics',
    payload: req({ v: 1, requestId: 'b4', args: { writeRegister: 3 } }),
    message: /^args: Unrecognized key: "writeRegister"$/,
    requestId: 'b4',
  },
  { what: '__proto__ key', command: 'ping', payload: '{"v":1,"requestId":"b5","__proto__":{"polluted":true}}', message: /Unrecognized key: "__proto__"/, requestId: 'b5' },
  { what: 'args of the wrong type', command: 'diagnostics', payload: req({ v: 1, requestId: 'b6', args: 'E1' }), message: /^args: /, requestId: 'b6' },
  {
    what: 'elevatorId of the wrong type',
    command: 'diagnostics',
    payload: req({ v: 1, requestId: 'b7', args: { elevatorId: 1 } }),
    message: /^args\.elevatorId: /,
    requestId: 'b7',
  },
  {
    what: 'elevatorId over 64 characters',
    command: 'diagnostics',
    payload: req({ v: 1, requestId: 'b8', args: { elevatorId: longId } }),
    message: /^args\.elevatorId: /,
    requestId: 'b8',
  },
  {
    what: 'unknown elevator',
    command: 'diagnostics',
    payload: req({ v: 1, requestId: 'b9', args: { elevatorId: 'E9' } }),
    message: /^unknown elevator "E9" \(expected one of: E1\)$/,
    requestId: 'b9',
  },
  {
    what: 'a baseline reset for an unknown elevator',
    command: 'reset-baseline',
    payload: req({ v: 1, requestId: 'b10', args: { elevatorId: 'E9' } }),
    message: /^unknown elevator "E9" \(expected one of: E1\)$/,
    requestId: 'b10',
  },
  {
    what: 'a baseline reset naming no elevator',
    command: 'reset-baseline',
    payload: req({ v: 1, requestId: 'b11', args: {} }),
    message: /^args\.elevatorId: required for reset-baseline$/,
    requestId: 'b11',
  },
  { what: 'oversized request', command: 'ping', payload: Buffer.alloc(100_000, 0x7b), message: /^request too large: 100000 bytes \(at most 4096\)$/ },
  { what: 'one byte over the limit', command: 'ping', payload: paddedPing(MAX_COMMAND_BYTES + 1, 'c1'), message: /^request too large: 4097 bytes/ },
];

describe('platform commands', () => {
  const tmp = tempDir();
  let broker: EmbeddedBroker;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let platform: Awaited<ReturnType<typeof platformClient>>;
  const raised: string[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    platform = await platformClient(broker.url, 'platform-cmd', (type, phase) => phase === 'raised' && raised.push(type));
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS['door-open-while-moving']!.scenario, timeScale: 10, loop: true });
    gw = new Gateway({ config: siteConfig({ simPort: sim.port, brokerUrl: broker.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 10 }), logger: silentLogger });
    await gw.start();
    await vi.waitFor(() => expect(gw.uplink.state).toBe('online'));
    await vi.waitFor(() => expect(gw.monitors.get('E1')!.samples).toBeGreaterThan(5));
  });

  afterAll(async () => {
    await gw?.stop();
    await platform?.client.endAsync();
    await sim?.close();
    await broker?.close();
    tmp.cleanup();
  });

  it('answers diagnostics with the live running state, driver health and outbox figures', async () => {
    const r = await platform.ask('diagnostics', req({ v: 1, requestId: 'r1' }));
    expect(r).toMatchObject({ command: 'diagnostics', requestId: 'r1', ok: true });
    const result = r.result as {
      elevators: { id: string; driver: { state: string }; state: { floor?: string } }[];
      status: { outbox: { pending: number } };
      storage: { held: number };
    };
    expect(result.elevators[0]).toMatchObject({ id: 'E1', driver: { state: 'ok' } });
    expect(result.elevators[0]!.state.floor).toBeDefined();
    expect(typeof result.status.outbox.pending).toBe('number');
    expect(result.storage).toMatchObject({ held: 0, failingSince: null });
  });

  it('answers a request of exactly the size limit', async () => {
    const payload = paddedPing(MAX_COMMAND_BYTES, 'c0');
    expect(Buffer.byteLength(payload)).toBe(MAX_COMMAND_BYTES);
    expect(await platform.ask('ping', payload)).toMatchObject({ ok: true, requestId: 'c0', result: { pong: true } });
  });

  for (const h of HOSTILE) {
    it(`refuses ${h.what} with COMMAND_INVALID`, async () => {
      const r = await platform.ask(h.command, h.payload);
      expect(r).toMatchObject({ v: 1, command: h.command, ok: false, error: { code: 'COMMAND_INVALID', message: expect.stringMatching(h.message) } });
      expect(r.requestId).toBe(h.requestId);
      expect(r.result).toBeUndefined();
      expect(r.error!.message).not.toContain('{not json'); // never echoes the payload
    });
  }

  it('does not answer on a topic deeper than a command name', async () => {
    const before = platform.responses.length;
    await platform.client.publishAsync(`${PREFIX}/commands/ping/extra`, req({ v: 1, requestId: 'deep' }), { qos: 1 });
    // The next good request is answered, and nothing else came in between.
    expect(await platform.ask('ping', req({ v: 1, requestId: 'after-deep' }))).toMatchObject({ ok: true, requestId: 'after-deep' });
    expect(platform.responses.slice(before).map((x) => x.r.requestId)).toEqual(['after-deep']);
  });

  it('keeps monitoring through hostile requests: a new fault is raised and a good command answered', async () => {
    const before = raised.length;
    for (const h of HOSTILE) await platform.ask(h.command, h.payload);
    await vi.waitFor(() => expect(raised.slice(before)).toContain('door-open-while-moving'), { timeout: 20_000 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await platform.ask('ping', req({ v: 1, requestId: 'p' }))).toMatchObject({ ok: true, result: { pong: true } });
  });
});

/** Every row and meta value of the outbox, read through a connection of our own. */
function outboxSnapshot(dbPath: string): { records: unknown[]; meta: unknown[] } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      // Statistics roll up on the hour by wall clock: one may land mid-test and is not a command's doing.
      records: db.prepare("SELECT * FROM records WHERE kind <> 'stats' ORDER BY seq").all(),
      meta: db.prepare('SELECT * FROM meta ORDER BY key').all(),
    };
  } finally {
    db.close();
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('hostile requests change nothing', () => {
  const tmp = tempDir();
  let broker: EmbeddedBroker;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let platform: Awaited<ReturnType<typeof platformClient>>;
  const events: string[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    platform = await platformClient(broker.url, 'platform-nochange', (type, phase) => events.push(`${type} ${phase}`));
    // Normal traffic: the elevator moves and is polled, but no rule fires, so the outbox is still.
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.normal!.scenario, timeScale: 10, loop: true });
    const file = tmp.file('site.yaml', siteYaml({ simPort: sim.port, brokerUrl: broker.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 10 }));
    gw = new Gateway({ config: loadConfig(file), logger: silentLogger });
    await gw.start();
    await vi.waitFor(() => expect(gw.uplink.state).toBe('online'));
    await vi.waitFor(() => expect(gw.outbox.stats()).toMatchObject({ pending: 0, delivered: 1 })); // gateway-started
  });

  afterAll(async () => {
    await gw?.stop();
    await platform?.client.endAsync();
    await sim?.close();
    await broker?.close();
    tmp.cleanup();
  });

  it('leaves the config files, the outbox rows and the driver state as they were', async () => {
    const configFiles = [join(tmp.dir, 'site.yaml'), join(packageRoot(), 'boards', 'sim-modbus.yaml')];
    const dbPath = join(tmp.dir, 'outbox.db');
    const monitor = gw.monitors.get('E1')!;
    const hashes = configFiles.map(sha256);
    const rows = outboxSnapshot(dbPath);
    const health = monitor.driverHealth();
    const samples = monitor.samples;
    const active = monitor.engine.active();

    for (const h of HOSTILE) expect(await platform.ask(h.command, h.payload)).toMatchObject({ ok: false, error: { code: 'COMMAND_INVALID' } });
    // Polling carries on normally meanwhile and after.
    await vi.waitFor(() => expect(monitor.samples).toBeGreaterThan(samples + 20), { timeout: 10_000 });
    expect(await platform.ask('ping', req({ v: 1, requestId: 'sync' }))).toMatchObject({ ok: true });

    expect(configFiles.map(sha256)).toEqual(hashes);
    expect(outboxSnapshot(dbPath)).toEqual(rows);
    expect(rows.records).toHaveLength(1); // gateway-started, delivered; nothing else ever stored
    expect(gw.outbox.stats()).toMatchObject({ pending: 0, delivered: 1, evicted: 0 });
    const after = monitor.driverHealth();
    expect(after.transactions).toBeGreaterThan(health.transactions);
    expect({ ...after, transactions: 0 }).toEqual({ ...health, transactions: 0 });
    expect(after).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(monitor.engine.active()).toEqual(active);
    expect(events).toEqual([]);
  });
});
