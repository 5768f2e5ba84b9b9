import { afterEach, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { Uplink } from '../../src/uplink/uplink.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { uplinkSchema } from '../../src/config/site.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { silentLogger } from '../../src/core/log.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { TcpGate } from '../helpers/tcp-gate.js';

const cleanups: (() => Promise<void>)[] = [];
/** Run first: a test that failed with PUBACKs held must not leave the uplink's stop waiting for them. */
const unblock: (() => void)[] = [];
afterEach(async () => {
  while (unblock.length) unblock.pop()!();
  while (cleanups.length) await cleanups.pop()!();
});

/** A record whose payload carries its id, as every contract payload does, so the subscriber can tell which one it got. */
function record(n: number, elevatorId: string | null = 'E1', priority: NewRecord['priority'] = PRIORITY.fault): NewRecord {
  const id = `id-${String(n).padStart(6, '0')}`;
  return { id, kind: 'event', elevatorId, priority, createdAt: 1_700_000_000_000 + n, payload: JSON.stringify({ id, n }) };
}

type Message = { topic: string; payload: string; retain: boolean };

async function subscriber(url: string, topic: string) {
  const c = await mqtt.connectAsync(url, { clientId: `sub-${Math.random()}` });
  const got: Message[] = [];
  c.on('message', (t, p, packet) => got.push({ topic: t, payload: p.toString(), retain: packet.retain }));
  await c.subscribeAsync(topic, { qos: 1 });
  cleanups.push(() => c.endAsync());
  return got;
}

const isEvent = (m: Message) => m.topic.endsWith('/events');
/** What the platform must see for these records: topic and the exact stored payload (which holds the id). */
const expected = (records: NewRecord[]) => records.map((r) => ({ topic: `elevgw/v1/gw1/elevators/${r.elevatorId}/events`, payload: r.payload }));
const seen = (got: Message[]) => got.filter(isEvent).map((m) => ({ topic: m.topic, payload: m.payload }));

function uplinkFor(url: string, outbox: MemoryOutbox, extra: Record<string, unknown> = {}) {
  const up = new Uplink({
    config: uplinkSchema().parse({ url, reconnectMinMs: 100, reconnectMaxMs: 1000, ...extra }),
    gatewayId: 'gw1',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
  });
  cleanups.push(() => up.stop(200));
  return up;
}

async function broker(): Promise<EmbeddedBroker> {
  const b = await startEmbeddedBroker();
  cleanups.push(() => b.close());
  return b;
}

/** The uplink reaches the broker through a gate the test controls (connection refused, PUBACKs held, link cut). */
async function gateTo(b: EmbeddedBroker): Promise<TcpGate> {
  const gate = await TcpGate.start(b.port);
  cleanups.push(() => gate.close());
  unblock.push(() => gate.releaseReplies());
  return gate;
}

describe('uplink', () => {
  it('publishes stored events in order, and marks none delivered before its PUBACK arrives', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/#');
    const gate = await gateTo(b);
    const outbox = new MemoryOutbox();
    const up = uplinkFor(gate.url, outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));

    gate.holdReplies(); // the broker's PUBACKs wait in the gate
    const records = [1, 2, 3, 4, 5].map((n) => record(n));
    outbox.append(records);
    up.kick();
    // The broker has every PUBLISH (the platform has them, with their ids and payloads) …
    await vi.waitFor(() => expect(seen(got)).toEqual(expected(records)), { timeout: 5000 });
    // … but without the PUBACKs nothing is marked delivered.
    expect(outbox.stats()).toMatchObject({ pending: 5, delivered: 0 });
    expect(up.stats().inflight).toBe(5);
    // An event stored meanwhile goes out alone: what is in flight is not sent again.
    const sixth = record(6);
    outbox.append([sixth]);
    up.kick();
    await vi.waitFor(() => expect(seen(got)).toHaveLength(6), { timeout: 5000 });
    expect(outbox.stats()).toMatchObject({ pending: 6, delivered: 0 });

    gate.releaseReplies();
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 6 }), { timeout: 5000 });
    expect(seen(got), 'each sent once').toEqual(expected([...records, sixth]));
  });

  it('stops within its flush timeout when the broker holds PUBACKs, leaving those events pending for the next start', async () => {
    const b = await broker();
    const gate = await gateTo(b);
    const outbox = new MemoryOutbox();
    const up = uplinkFor(gate.url, outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    gate.holdReplies();
    outbox.append([record(1), record(2)]);
    up.kick();
    await vi.waitFor(() => expect(up.stats().inflight).toBe(2));
    await up.stop(300); // before the fix it never returned: the test timed out
    expect(outbox.stats()).toMatchObject({ pending: 2, delivered: 0 });
  });

  it('keeps events pending while the broker is unreachable and delivers them with the same ids and payloads once it is reachable', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/elevators/+/events'); // subscribed before the uplink can connect
    const gate = await gateTo(b);
    await gate.refuse();
    const outbox = new MemoryOutbox();
    const up = uplinkFor(gate.url, outbox);
    const records = [record(1, 'E1', PRIORITY.warning), record(2, 'E2', PRIORITY.fault), record(3, 'E1', PRIORITY.critical), record(4, 'E2', PRIORITY.warning)];
    outbox.append(records);
    up.start();
    up.kick();

    await vi.waitFor(() => expect(gate.refused).toBeGreaterThanOrEqual(2), { timeout: 10_000 }); // it tried, and retried
    expect(up.state).not.toBe('online');
    expect(outbox.stats()).toMatchObject({ pending: 4, delivered: 0 });
    expect(got).toEqual([]);

    await gate.open();
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 4 }), { timeout: 10_000 });
    await vi.waitFor(() => expect(got).toHaveLength(4));
    // Every stored record, exactly once, most important lane first, append order within a lane.
    const [warning1, fault, critical, warning4] = records as [NewRecord, NewRecord, NewRecord, NewRecord];
    expect(seen(got)).toEqual(expected([critical, fault, warning1, warning4]));
  });

  it('resends, under the same id, what the broker had but never acknowledged when the link died', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/elevators/+/events');
    const gate = await gateTo(b);
    const outbox = new MemoryOutbox();
    const up = uplinkFor(gate.url, outbox);
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));

    gate.holdReplies();
    const records = [record(1), record(2), record(3)];
    outbox.append(records);
    up.kick();
    await vi.waitFor(() => expect(seen(got)).toEqual(expected(records)));
    const before = gate.accepted;
    gate.cut(); // the PUBACKs are lost with the link
    gate.releaseReplies();
    await vi.waitFor(() => expect(gate.accepted).toBeGreaterThan(before)); // reconnected
    await vi.waitFor(() => expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 3 }), { timeout: 10_000 });
    // At least once, never under a new id: the platform deduplicates by id.
    expect(seen(got)).toEqual([...expected(records), ...expected(records)]);
  });

  it('announces online in a retained status; the broker publishes the retained offline will when the link dies', async () => {
    const b = await broker();
    const gate = await gateTo(b);
    const up = uplinkFor(gate.url, new MemoryOutbox());
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    const late = await subscriber(b.url, 'elevgw/v1/gw1/status');
    await vi.waitFor(() => expect(late.some((m) => m.retain && JSON.parse(m.payload).state === 'online')).toBe(true));

    await gate.close(); // no DISCONNECT: only the will can tell the platform
    await vi.waitFor(() => expect(late.map((m) => JSON.parse(m.payload).state)).toEqual(['online', 'offline']));
    const later = await subscriber(b.url, 'elevgw/v1/gw1/status');
    await vi.waitFor(() => expect(later.map((m) => [m.retain, JSON.parse(m.payload).state])).toEqual([[true, 'offline']]));

    await gate.open();
    await vi.waitFor(() => expect(late.at(-1) && JSON.parse(late.at(-1)!.payload).state).toBe('online'), { timeout: 5000 });
    await up.stop(); // a clean stop says offline itself
    await vi.waitFor(() => expect(JSON.parse(late.at(-1)!.payload).state).toBe('offline'));
  });

  it('sends the critical lane before a backlog of less important records', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/#');
    const outbox = new MemoryOutbox();
    outbox.append([...Array.from({ length: 50 }, (_, i) => ({ ...record(i), kind: 'telemetry' as const, priority: PRIORITY.telemetry })), record(999, 'E1', PRIORITY.critical)]);
    const up = uplinkFor(b.url, outbox, { inflightWindow: 1 });
    up.start();
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 10_000 });
    await vi.waitFor(() => expect(got.filter((m) => !m.topic.endsWith('/status'))).toHaveLength(51));
    const order = got.filter((m) => !m.topic.endsWith('/status')).map((m) => JSON.parse(m.payload).n);
    expect(order).toEqual([999, ...Array.from({ length: 50 }, (_, i) => i)]);
  });

  it('routes gateway-level records to the gateway events topic', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/#');
    const outbox = new MemoryOutbox();
    const gw = record(7, null);
    outbox.append([gw]);
    uplinkFor(b.url, outbox).start();
    await vi.waitFor(() => expect(got.filter(isEvent)).toEqual([{ topic: 'elevgw/v1/gw1/events', payload: gw.payload, retain: false }]));
  });
});
