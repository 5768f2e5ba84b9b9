import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { startEmbeddedBroker } from '../../src/platform/broker.js';
import { formatMessage, type PlatformConsumer, type PlatformMessage, startPlatformConsumer } from '../../src/platform/consumer.js';
import { infoPayload } from '../../src/runtime/status.js';

/**
 * The demo's platform consumer (`elevgw demo`, the quick start) over a real broker: every topic of
 * the contract is filed as what it carries. The retained info message (contract 1.1) was filed as
 * an event: "invalid event payload … (does not match contract v1)" at every start, and one event
 * too many in the demo's count.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function rig(expected: number): Promise<{ consumer: PlatformConsumer; pub: mqtt.MqttClient; received: Promise<PlatformMessage[]> }> {
  const broker = await startEmbeddedBroker();
  closers.push(() => broker.close());
  let done: (m: PlatformMessage[]) => void = () => {};
  const received = new Promise<PlatformMessage[]>((r) => {
    done = r;
  });
  const got: PlatformMessage[] = [];
  const consumer = await startPlatformConsumer(broker.url, 'elevgw/v1', (m) => {
    got.push(m);
    if (got.length === expected) done(got);
  });
  closers.push(() => consumer.close());
  const pub = await mqtt.connectAsync(broker.url);
  closers.push(() => pub.endAsync());
  return { consumer, pub, received };
}

describe('the demo consumer files each topic by what it carries', () => {
  it("a lift's info is info, rendered from its payload, and no event", async () => {
    const config = loadConfig(join(packageRoot(), 'config', 'demo.yaml'));
    const payload = infoPayload({ monoMs: 1, bootId: randomUUID(), site: config.site, elevator: config.elevators[0]!, wallNow: Date.UTC(2026, 11, 7, 3, 4, 5), clockSynced: true });
    const { pub, received } = await rig(1);
    await pub.publishAsync(`elevgw/v1/${config.site.gateway.id}/elevators/E1/info`, JSON.stringify(payload), { qos: 1, retain: true });
    const [m] = await received;
    expect(m!.kind).toBe('info');
    expect(formatMessage(m!)).toMatch(/^03:04:05 {4}E1 \(31104201002026110001\) .+: 10 floors, [\d.]+ m\/s, board sim-modbus, elevgw \d+\.\d+\.\d+/);
  });

  it('commands and responses are neither events nor invalid', async () => {
    const { pub, received } = await rig(2);
    await pub.publishAsync('elevgw/v1/gw/commands/ping', JSON.stringify({ v: 1, requestId: 'r1' }), { qos: 1 });
    await pub.publishAsync('elevgw/v1/gw/responses/ping', JSON.stringify({ v: 1, requestId: 'r1', ok: true }), { qos: 1 });
    const kinds = (await received).map((m) => m.kind);
    expect(kinds).toEqual(['command', 'response']);
    for (const m of await received) expect(formatMessage(m)).toBeUndefined();
  });
});
