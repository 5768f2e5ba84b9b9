import mqtt from 'mqtt';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { startEmbeddedBroker } from '../../src/platform/broker.js';
import { MAX_INCOMING_PACKET_BYTES } from '../../src/uplink/protocol.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { Mosquitto } from '../helpers/mosquitto.js';

const event: NewRecord = { id: 'id-1', kind: 'event', elevatorId: 'E1', priority: PRIORITY.fault, createdAt: 1_700_000_000_000, payload: '{"n":1}' };
const telemetry: NewRecord = { id: 'id-2', kind: 'telemetry', elevatorId: 'E1', priority: PRIORITY.telemetry, createdAt: 1_700_000_000_001, payload: '{"n":2}' };

function uplink(url: string, extra: { connect?: FakeBroker['connect']; clock?: FakeClock } = {}) {
  const outbox = new MemoryOutbox();
  outbox.append([event, telemetry]);
  const up = new Uplink({
    config: uplinkSchema().parse({ url, telemetryIntervalS: 15, reconnectMinMs: 1000 }),
    gatewayId: 'm5-gw',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'm5-gw', state: 'online' }),
    ...(extra.clock ? { clock: extra.clock } : {}),
    ...(extra.connect ? { connect: extra.connect } : {}),
  });
  return { up, outbox };
}

/**
 * The uplink speaks MQTT 5 (content type on every publish, expiry on telemetry, a maximum packet
 * size announced) and falls back to 3.1.1 when a broker refuses 5 — store and forward unchanged:
 * a record is delivered only on PUBACK either way.
 */
describe('MQTT 5 with fallback to 3.1.1', () => {
  it.each([
    ['3.1.1’s return code 1', true],
    ['MQTT 5’s reason code 0x84', 'reason code 0x84'],
  ] as const)('in sample time: a broker that refuses 5 (%s) gets 3.1.1 at once (no back-off), without properties, and everything is delivered', async (_how, refuseMqtt5) => {
    const clock = new FakeClock(0);
    const broker = new FakeBroker(clock, 2, { refuseMqtt5 });
    const { up, outbox } = uplink('mqtt://broker.test:1883', { clock, connect: broker.connect });
    up.start();
    await clock.advanceAsync(100);
    expect(broker.protocolVersions).toEqual([5, 4]);
    expect(broker.connectsAt).toEqual([2, 4]); // the second attempt right after the refusal, not after reconnectMinMs
    expect(up.state).toBe('online');
    expect(up.protocolVersion).toBe(4);
    expect(broker.on('elevgw/v1/m5-gw/#').map((m) => [m.topic.split('/').pop(), m.protocolVersion, m.properties])).toEqual([
      ['status', 4, undefined],
      ['events', 4, undefined],
      ['telemetry', 4, undefined],
    ]);
    expect(outbox.stats().pending).toBe(0);
    const stopping = up.stop();
    await clock.advanceAsync(100);
    await stopping;
  });

  it('in sample time: a broker that refuses 3.1.1 too (MQTT 3.1 only) is retried with back-off after the one fallback, not hammered', async () => {
    const clock = new FakeClock(0);
    const broker = new FakeBroker(clock, 2, { mqtt31Only: true });
    const { up, outbox } = uplink('mqtt://broker.test:1883', { clock, connect: broker.connect });
    up.start();
    await clock.advanceAsync(10_000);
    expect(broker.protocolVersions.slice(0, 3)).toEqual([5, 4, 4]);
    expect(broker.connectsAt[1]).toBe(4); // the fallback at once
    // After that, the back-off of any refused connect: at least reconnectMinMs / 2 apart, a handful in ten seconds.
    expect(broker.connectsAt[2]! - broker.connectsAt[1]!).toBeGreaterThanOrEqual(100);
    expect(broker.connectsAt.length).toBeLessThan(12);
    expect([up.state, up.protocolVersion, outbox.stats().pending]).toEqual(['offline', 4, 2]);
    await up.stop();
  });

  it('in sample time: a broker that speaks 5 gets properties; the connection announces its maximum packet size', async () => {
    const clock = new FakeClock(0);
    const broker = new FakeBroker(clock, 2);
    let announced: unknown;
    const { up } = uplink('mqtt://broker.test:1883', {
      clock,
      connect: (url, opts) => {
        announced = opts.properties?.maximumPacketSize;
        return broker.connect(url, opts);
      },
    });
    up.start();
    await clock.advanceAsync(100);
    expect(broker.protocolVersions).toEqual([5]);
    expect(announced).toBe(MAX_INCOMING_PACKET_BYTES);
    const props = Object.fromEntries(broker.on('elevgw/v1/m5-gw/#').map((m) => [m.topic.split('/').pop(), m.properties]));
    expect(props).toEqual({
      status: { contentType: 'application/json', payloadFormatIndicator: true },
      events: { contentType: 'application/json', payloadFormatIndicator: true },
      telemetry: { contentType: 'application/json', payloadFormatIndicator: true, messageExpiryInterval: 30 },
    });
    const stopping = up.stop();
    await clock.advanceAsync(100);
    await stopping;
  });

  describe('against real brokers', () => {
    const closers: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of closers.reverse()) await c();
    });

    it("Debian's mosquitto (MQTT 5): a v5 subscriber sees the content type and the telemetry's expiry", async () => {
      const mosq = await Mosquitto.start();
      closers.push(() => mosq.close());
      const sub = await mqtt.connectAsync(mosq.url, { protocolVersion: 5, clientId: 'platform-m5' });
      closers.push(() => sub.endAsync());
      const seen: { topic: string; properties: mqtt.IPublishPacket['properties'] }[] = [];
      sub.on('message', (topic, _p, packet) => seen.push({ topic, properties: packet.properties }));
      await sub.subscribeAsync('elevgw/v1/m5-gw/elevators/+/+', { qos: 1 });
      const { up, outbox } = uplink(mosq.url);
      up.start();
      await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 10_000, interval: 20 });
      expect(up.protocolVersion).toBe(5);
      const byKind = Object.fromEntries(seen.map((s) => [s.topic.split('/').pop(), s.properties]));
      expect(byKind.events).toMatchObject({ contentType: 'application/json', payloadFormatIndicator: true });
      expect(byKind.events?.messageExpiryInterval).toBeUndefined();
      // The broker passes on what is left of the expiry: at most the 30 s the gateway set.
      expect(byKind.telemetry?.contentType).toBe('application/json');
      expect(byKind.telemetry?.messageExpiryInterval).toBeGreaterThan(25);
      expect(byKind.telemetry?.messageExpiryInterval).toBeLessThanOrEqual(30);
      await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 5000, interval: 20 });
      await up.stop();
    });

    it('aedes (MQTT 3.1.1 only, the demo broker): refused as 5, connected as 3.1.1, every record delivered', async () => {
      const aedes = await startEmbeddedBroker();
      closers.push(() => aedes.close());
      const sub = await mqtt.connectAsync(aedes.url, { clientId: 'platform-311' });
      closers.push(() => sub.endAsync());
      const topics: string[] = [];
      sub.on('message', (topic) => topics.push(topic));
      await sub.subscribeAsync('elevgw/v1/m5-gw/elevators/+/+', { qos: 1 });
      const { up, outbox } = uplink(aedes.url);
      up.start();
      await vi.waitFor(() => expect(topics).toHaveLength(2), { timeout: 10_000, interval: 20 });
      expect(up.protocolVersion).toBe(4);
      await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 5000, interval: 20 });
      await up.stop();
    });
  });
});
