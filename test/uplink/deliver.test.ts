import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { Uplink } from '../../src/uplink/uplink.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { uplinkSchema } from '../../src/config/site.js';
import { startEmbeddedBroker } from '../../src/platform/broker.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { HoldingOutbox } from '../../src/runtime/holding.js';
import { PRIORITY, type NewRecord, type Outbox, type StoredRecord } from '../../src/outbox/types.js';
import { type MqttConnect, mqttConnect } from '../../src/uplink/client.js';
import { TcpGate } from '../helpers/tcp-gate.js';

/**
 * `Uplink.deliver`, the path of every fresh record: stored, then on the wire in the same tick when
 * nothing older waits (no drain tick, no read back), drained in order behind a backlog, never
 * published before its row exists nor marked delivered before its PUBACK.
 */

const cleanups: (() => Promise<void>)[] = [];
const unblock: (() => void)[] = [];
afterEach(async () => {
  while (unblock.length) unblock.pop()!();
  while (cleanups.length) await cleanups.pop()!();
});

/** Lets what the uplink scheduled (its drain, mqtt.js's writes) run: event-loop turns, not a wait for time. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

let n = 0;
function record(priority: NewRecord['priority'] = PRIORITY.fault, kind: NewRecord['kind'] = 'event'): NewRecord {
  const id = `id-${String(++n).padStart(6, '0')}`;
  return { id, kind, elevatorId: 'E1', priority, createdAt: 1_700_000_000_000 + n, payload: JSON.stringify({ id }) };
}

/** The platform's view: payload ids in arrival order. */
async function platform(url: string) {
  const c = await mqtt.connectAsync(url, { clientId: `platform-${Math.random()}` });
  const ids: string[] = [];
  c.on('message', (_t, p) => ids.push((JSON.parse(p.toString()) as { id: string }).id));
  await c.subscribeAsync('elevgw/v1/gw1/elevators/+/+', { qos: 1 });
  cleanups.push(() => c.endAsync());
  return ids;
}

/** A broker behind a gate, and an uplink whose mqtt.js client logs each publish into `steps`. */
async function setup(outbox: Outbox, extra: Record<string, unknown> = {}) {
  const b = await startEmbeddedBroker();
  cleanups.push(() => b.close());
  const gate = await TcpGate.start(b.port);
  cleanups.push(() => gate.close());
  unblock.push(() => gate.releaseReplies());
  const ids = await platform(b.url);
  const steps: string[] = [];
  let socket: Writable | undefined;
  const connect: MqttConnect = (url, options) => {
    const client = mqttConnect(url, options);
    socket = (client as unknown as mqtt.MqttClient).stream as Writable;
    const publish = client.publish.bind(client) as (...a: unknown[]) => typeof client;
    (client as { publish: unknown }).publish = (topic: string, payload: string, ...rest: unknown[]) => {
      if (topic.endsWith('/events') || topic.endsWith('/telemetry')) steps.push(`publish ${(JSON.parse(payload) as { id: string }).id}`);
      return publish(topic, payload, ...rest);
    };
    return client;
  };
  const up = new Uplink({
    config: uplinkSchema().parse({ url: gate.url, reconnectMinMs: 100, reconnectMaxMs: 1000, ...extra }),
    gatewayId: 'gw1',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
    connect,
  });
  cleanups.push(() => up.stop(200));
  const store = (records: NewRecord[]) => () => {
    steps.push(`store ${records.map((r) => r.id).join(' ')}`);
    return outbox.append(records);
  };
  /** What the socket still holds back: 0 means the packets went to the kernel. */
  const unsent = () => (socket?.writableCorked ?? 0) + (socket?.writableLength ?? 0);
  return { up, gate, ids, steps, store, unsent };
}

describe('uplink: fresh records', () => {
  it('stores a fresh event, then sends it within the same tick when nothing waits, and marks it delivered only on its PUBACK', async () => {
    const outbox = new MemoryOutbox();
    const { up, gate, ids, steps, store, unsent } = await setup(outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    await vi.waitFor(() => expect(up.stats().published).toBe(0)); // the connect's drain found nothing

    gate.holdReplies();
    const r = record();
    up.deliver([r], store([r]));
    // The row first (a process killed now keeps it), then the packet, handed to the kernel before deliver returns.
    expect(steps).toEqual([`store ${r.id}`, `publish ${r.id}`]);
    expect(unsent()).toBe(0);
    await vi.waitFor(() => expect(ids).toEqual([r.id]));
    expect(outbox.stats().pending).toBe(1); // at the platform, but no PUBACK yet: still pending

    gate.releaseReplies();
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 1 }));
  });

  it('stores a fresh event and sends it after a waiting backlog of its lane, not ahead of it', async () => {
    const outbox = new MemoryOutbox();
    // Two tokens a second: the backlog is still draining when the fresh event comes.
    const { up, ids, steps, store } = await setup(outbox, { drainRatePerS: 2 });
    const backlog = [record(), record(), record()];
    outbox.append(backlog);
    up.start();
    await vi.waitFor(() => expect(ids).toEqual([backlog[0]!.id]), { timeout: 5000 });

    const fresh = record();
    up.deliver([fresh], store([fresh]));
    expect(steps.at(-1)).toBe(`store ${fresh.id}`); // not published ahead of the backlog
    await vi.waitFor(() => expect(ids).toEqual([...backlog, fresh].map((x) => x.id)), { timeout: 8000 });
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 4 }));
  });

  it('sends a fresh event after rows a holding queue stored late in the same tick, not ahead of them', async () => {
    const outbox = new MemoryOutbox();
    const { up, ids, steps, store } = await setup(outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    await settle(); // the connect's drain found nothing: caught up
    const late = [record(), record()];
    outbox.append(late);
    up.resync();
    const fresh = record();
    up.deliver([fresh], store([fresh]));
    expect(steps.at(-1)).toBe(`store ${fresh.id}`); // waits for the drain, behind the rows stored late
    await vi.waitFor(() => expect(ids).toEqual([...late, fresh].map((x) => x.id)));
  });

  it('never has more events unacknowledged than its in-flight window, fresh or drained', async () => {
    const outbox = new MemoryOutbox();
    const { up, gate, ids, steps, store } = await setup(outbox, { inflightWindow: 1 });
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    await settle();
    gate.holdReplies();
    const [a, b, c] = [record(), record(), record()];
    up.deliver([a], store([a]));
    expect(steps.at(-1)).toBe(`publish ${a.id}`); // a place in the window: at once
    up.deliver([b], store([b]));
    outbox.append([c]);
    up.resync();
    await settle();
    await settle();
    expect(steps.filter((x) => x.startsWith('publish'))).toEqual([`publish ${a.id}`]); // a's PUBACK held: b and c wait
    gate.releaseReplies();
    await vi.waitFor(() => expect(ids).toEqual([a.id, b.id, c.id]));
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 3 }));
  });

  it('sends a fresh critical event at once even behind a backlog held back by the drain rate', async () => {
    const outbox = new MemoryOutbox();
    const { up, ids, steps, store } = await setup(outbox, { drainRatePerS: 2 });
    outbox.append([record(), record(), record()]);
    up.start();
    await vi.waitFor(() => expect(ids).toHaveLength(1), { timeout: 5000 });

    const critical = record(PRIORITY.critical);
    up.deliver([critical], store([critical]));
    await vi.waitFor(() => expect(ids.slice(0, 2)).toEqual([ids[0], critical.id]));
    // Stored first, then drained (ahead of the backlog): the uplink was not caught up.
    expect(steps.indexOf(`store ${critical.id}`)).toBeLessThan(steps.indexOf(`publish ${critical.id}`));
    expect(steps.indexOf(`store ${critical.id}`)).toBeGreaterThan(-1);
  });

  it('marks fresh telemetry delivered, which mqtt.js answers at once (QoS 0)', async () => {
    const outbox = new MemoryOutbox();
    const { up, ids, steps, store } = await setup(outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    await vi.waitFor(() => expect(up.stats().published).toBe(0));

    const t = record(PRIORITY.telemetry, 'telemetry');
    up.deliver([t], store([t]));
    expect(steps).toEqual([`store ${t.id}`, `publish ${t.id}`]);
    await vi.waitFor(() => expect(ids).toEqual([t.id]));
    // Left pending, it would be sent a second time by the next drain.
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 1 }));
  });

  it('delivers, once storage works again, an event that was held while the disk was full', async () => {
    let full = true;
    const inner = new (class extends MemoryOutbox {
      override append(records: NewRecord[]): StoredRecord[] {
        if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return super.append(records);
      }
    })();
    const outbox = new HoldingOutbox(inner, { clock: new FakeClock(), logger: silentLogger, onRecovered: () => [] });
    const { up, ids, steps, store } = await setup(outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    await vi.waitFor(() => expect(up.stats().published).toBe(0));

    const held = record();
    up.deliver([held], store([held])); // not stored: held in memory, and not sent without a row
    expect(outbox.holding().held).toBe(1);
    expect(steps.filter((x) => x.startsWith('publish'))).toEqual([]);

    full = false;
    const next = record();
    up.deliver([next], store([next])); // the store writes the held record first, then this one
    await vi.waitFor(() => expect(inner.stats()).toMatchObject({ pending: 0, delivered: 2 }));
    // Not lost, in the order detected, each once.
    expect(ids).toEqual([held.id, next.id]);
  });
});
