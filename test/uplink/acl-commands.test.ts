import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { packageRoot } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { Mosquitto } from '../helpers/mosquitto.js';

/**
 * docs/contract.md, "Who may send a command": the gateway takes what arrives on its command topic,
 * so the broker's ACL decides who may ask. mosquitto runs here with exactly the ACL the document
 * gives: the gateway publishes its records and answers the platform's command; another gateway,
 * and the gateway's own user, are refused by the broker (MQTT 5, 0x87) and the gateway never sees
 * their request.
 */

const ACL = /<!-- acl:begin -->\n```\n([\s\S]*?)```\n<!-- acl:end -->/.exec(readFileSync(join(packageRoot(), 'docs', 'contract.md'), 'utf8'))?.[1];
const PASSWORD = 'pw-acl-commands';

let broker: Mosquitto;
let up: Uplink;
const outbox = new MemoryOutbox();
const asked: string[] = [];
const clients: mqtt.MqttClient[] = [];

async function as(user: string): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(broker.url, { username: user, password: PASSWORD, protocolVersion: 5, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  expect(ACL, 'docs/contract.md holds the ACL between its markers').toBeDefined();
  broker = await Mosquitto.start({ users: { 'jh-gw-0001': PASSWORD, 'jh-gw-0002': PASSWORD, platform: PASSWORD }, acl: ACL! });
  up = new Uplink({
    config: uplinkSchema().parse({ url: broker.url, username: 'jh-gw-0001', password: PASSWORD, reconnectMinMs: 100 }),
    gatewayId: 'jh-gw-0001',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'jh-gw-0001', state: 'online' }),
    onCommand: (name, request) => {
      asked.push(`${name} ${request.requestId}`);
      return { pong: true };
    },
  });
  up.start();
  await vi.waitFor(() => expect(up.state).toBe('online'), { timeout: 20_000, interval: 20 });
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.endAsync();
  await up?.stop(500);
  await broker?.close();
});

describe('the documented broker ACL', () => {
  it('lets the gateway publish its records, and the platform read them', async () => {
    const platform = await as('platform');
    const got: string[] = [];
    platform.on('message', (topic) => got.push(topic));
    await platform.subscribeAsync('elevgw/v1/#', { qos: 1 });
    const record = { id: 'ev-1', kind: 'event' as const, elevatorId: 'E1', priority: PRIORITY.fault, createdAt: 1, payload: '{}' };
    up.deliver([record], () => outbox.append([record]));
    await vi.waitFor(() => expect(got).toContain('elevgw/v1/jh-gw-0001/elevators/E1/events'), { timeout: 20_000, interval: 20 });
    // The broker forwards the record before its PUBACK reaches the gateway: acknowledged a moment later.
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 20_000, interval: 20 });
  });

  it('lets the platform ask, and answers it', async () => {
    const platform = await as('platform');
    const answers: string[] = [];
    platform.on('message', (topic, payload) => answers.push(`${topic} ${payload.toString()}`));
    await platform.subscribeAsync('elevgw/v1/jh-gw-0001/responses/+', { qos: 1 });
    await platform.publishAsync('elevgw/v1/jh-gw-0001/commands/ping', JSON.stringify({ v: 1, requestId: 'p-1' }), { qos: 1 });
    await vi.waitFor(() => expect(answers).toEqual([expect.stringMatching(/^elevgw\/v1\/jh-gw-0001\/responses\/ping \{.*"requestId":"p-1","ok":true/)]), {
      timeout: 20_000,
      interval: 20,
    });
    expect(asked).toEqual(['ping p-1']);
  });

  it('refuses a command from another gateway, or from the gateway’s own user: the gateway never sees it', async () => {
    for (const user of ['jh-gw-0002', 'jh-gw-0001']) {
      const c = await as(user);
      await expect(
        c.publishAsync('elevgw/v1/jh-gw-0001/commands/reset-baseline', JSON.stringify({ v: 1, requestId: `x-${user}`, args: { elevatorId: 'E1' } }), { qos: 1 }),
      ).rejects.toThrow(/Not authorized/);
    }
    // A request the broker took would have been answered by now: the platform's ping, sent after, is the only one.
    const platform = await as('platform');
    await platform.publishAsync('elevgw/v1/jh-gw-0001/commands/ping', JSON.stringify({ v: 1, requestId: 'p-2' }), { qos: 1 });
    await vi.waitFor(() => expect(asked.at(-1)).toBe('ping p-2'), { timeout: 20_000, interval: 20 });
    expect(asked).toEqual(['ping p-1', 'ping p-2']);
  });
});
