import { afterEach, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { Uplink } from '../../src/uplink/uplink.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { uplinkSchema } from '../../src/config/site.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { silentLogger } from '../../src/core/log.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { freePort } from '../helpers/ports.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function record(n: number, elevatorId: string | null = 'E1', priority: NewRecord['priority'] = PRIORITY.fault): NewRecord {
  return { id: `id-${String(n).padStart(6, '0')}`, kind: 'event', elevatorId, priority, createdAt: 1_700_000_000_000 + n, payload: JSON.stringify({ n }) };
}

async function subscriber(url: string, topic: string) {
  const c = await mqtt.connectAsync(url, { clientId: `sub-${Math.random()}` });
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  c.on('message', (t, p, packet) => got.push({ topic: t, payload: p.toString(), retain: packet.retain }));
  await c.subscribeAsync(topic, { qos: 1 });
  cleanups.push(() => c.endAsync());
  return got;
}

function uplinkFor(url: string, outbox: MemoryOutbox, extra: Record<string, unknown> = {}) {
  const up = new Uplink({
    config: uplinkSchema.parse({ url, reconnectMinMs: 100, reconnectMaxMs: 1000, ...extra }),
    gatewayId: 'gw1',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
  });
  cleanups.push(() => up.stop(200));
  return up;
}

async function broker(port = 0): Promise<EmbeddedBroker> {
  const b = await startEmbeddedBroker(port);
  cleanups.push(() => b.close());
  return b;
}

describe('uplink', () => {
  it('publishes stored events in order and marks them delivered only after PUBACK', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/#');
    const outbox = new MemoryOutbox();
    outbox.append([1, 2, 3, 4, 5].map((n) => record(n)));
    const up = uplinkFor(b.url, outbox);
    up.start();
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 5000 });
    await vi.waitFor(() => expect(got.filter((m) => m.topic.endsWith('/events'))).toHaveLength(5));
    const events = got.filter((m) => m.topic === 'elevgw/v1/gw1/elevators/E1/events');
    expect(events.map((m) => JSON.parse(m.payload).n)).toEqual([1, 2, 3, 4, 5]);
    expect(outbox.stats().delivered).toBe(5);
  });

  it('announces online in a retained status and leaves offline as the last will', async () => {
    const b = await broker();
    const up = uplinkFor(b.url, new MemoryOutbox());
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'));
    const late = await subscriber(b.url, 'elevgw/v1/gw1/status');
    await vi.waitFor(() => expect(late.some((m) => m.retain && JSON.parse(m.payload).state === 'online')).toBe(true));
    await up.stop();
    await vi.waitFor(() => expect(late.some((m) => JSON.parse(m.payload).state === 'offline')).toBe(true));
  });

  it('keeps events pending while the broker is down and delivers them with the same ids once it is up', async () => {
    const port = await freePort();
    const outbox = new MemoryOutbox();
    const up = uplinkFor(`mqtt://127.0.0.1:${port}`, outbox);
    up.start();
    outbox.append([record(1), record(2)]);
    up.kick();
    expect(outbox.stats().pending).toBe(2);
    const b = await broker(port);
    const got = await subscriber(b.url, 'elevgw/v1/gw1/elevators/+/events');
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 10_000 });
    // The subscriber may have connected after the first publish; the outbox says both were acknowledged.
    expect(outbox.stats().delivered).toBe(2);
    expect(got.length).toBeLessThanOrEqual(2);
  });

  it('sends the critical lane before a backlog of less important records', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/#');
    const outbox = new MemoryOutbox();
    outbox.append([...Array.from({ length: 50 }, (_, i) => ({ ...record(i), kind: 'telemetry' as const, priority: PRIORITY.telemetry })), record(999, 'E1', PRIORITY.critical)]);
    const up = uplinkFor(b.url, outbox, { inflightWindow: 1 });
    up.start();
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 10_000 });
    const firstData = got.find((m) => !m.topic.endsWith('/status'))!;
    expect(JSON.parse(firstData.payload).n).toBe(999);
  });

  it('routes gateway-level records to the gateway events topic', async () => {
    const b = await broker();
    const got = await subscriber(b.url, 'elevgw/v1/gw1/events');
    const outbox = new MemoryOutbox();
    outbox.append([record(7, null)]);
    uplinkFor(b.url, outbox).start();
    await vi.waitFor(() => expect(got).toHaveLength(1));
  });
});
