import { afterEach, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { uplinkSchema } from '../../src/config/site.js';
import { createLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { Mosquitto } from '../helpers/mosquitto.js';

const PASSWORD = 'pw-acl-test';
const STATUS_AND_TELEMETRY = ['user gw1', 'topic readwrite elevgw/v1/gw1/status', 'topic readwrite elevgw/v1/gw1/elevators/+/telemetry', ''].join('\n');
const EVERYTHING = ['user gw1', 'topic readwrite elevgw/v1/gw1/#', 'user platform', 'topic read elevgw/#', ''].join('\n');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const event = (n: number): NewRecord => ({ id: `ev-${n}`, kind: 'event', elevatorId: 'E1', priority: PRIORITY.fault, createdAt: n, payload: `{"n":${n}}` });
const telemetry = (n: number): NewRecord => ({ id: `tm-${n}`, kind: 'telemetry', elevatorId: 'E1', priority: PRIORITY.telemetry, createdAt: n, payload: `{"t":${n}}` });

/**
 * A broker whose ACL does not let the gateway publish its events — a platform's configuration
 * mistake that happens in the field. On MQTT 5 mosquitto says so in the PUBACK (0x87, not
 * authorized): the events must stay stored, not be sent again at every drain, and go out with
 * their ids once the ACL is fixed. (On 3.1.1 a broker cannot say no: it acknowledges and drops.)
 */
describe('uplink: a broker ACL that refuses the events topic (mosquitto, MQTT 5)', () => {
  it('keeps the events stored and says so once while telemetry flows; after the fix they arrive', async () => {
    const refusing = await Mosquitto.start({ users: { gw1: PASSWORD, platform: PASSWORD }, acl: STATUS_AND_TELEMETRY });
    const port = refusing.port;
    cleanups.push(() => refusing.close());
    const lines: { msg: string; err?: string; topic?: string }[] = [];
    const outbox = new MemoryOutbox();
    const up = new Uplink({
      config: uplinkSchema().parse({ url: refusing.url, username: 'gw1', password: PASSWORD, reconnectMinMs: 100, reconnectMaxMs: 60_000 }),
      gatewayId: 'gw1',
      outbox,
      logger: createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } }),
      status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
    });
    cleanups.push(() => up.stop(500));
    up.start();
    await vi.waitFor(() => expect(up.state).toBe('online'), { timeout: 20_000, interval: 20 });
    up.deliver([event(1), event(2)], () => outbox.append([event(1), event(2)]));
    for (let n = 1; n <= 20; n++) {
      up.deliver([telemetry(n)], () => outbox.append([telemetry(n)]));
      await vi.waitFor(() => expect(up.stats().published).toBe(n), { timeout: 20_000, interval: 5 });
    }
    expect(outbox.stats()).toMatchObject({ pending: 2, pendingByKind: { event: 2 } });
    expect(lines.filter((l) => /refused/.test(l.msg))).toEqual([
      expect.objectContaining({
        msg: 'the broker refused a record; it stays stored and is sent again next round',
        topic: 'elevgw/v1/gw1/elevators/E1/events',
        err: 'Publish error: Not authorized',
      }),
    ]);

    // The platform fixes its ACL and restarts its broker: the new connection sends them.
    await refusing.stop();
    const fixed = await Mosquitto.startOn(port, { users: { gw1: PASSWORD, platform: PASSWORD }, acl: EVERYTHING });
    cleanups.push(() => fixed.close());
    const platform = await mqtt.connectAsync(fixed.url, { username: 'platform', password: PASSWORD, reconnectPeriod: 0 });
    cleanups.push(() => platform.endAsync());
    const got: string[] = [];
    platform.on('message', (_t, payload) => got.push(payload.toString()));
    await platform.subscribeAsync('elevgw/v1/gw1/elevators/+/events', { qos: 1 });
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0), { timeout: 20_000, interval: 20 });
    await vi.waitFor(() => expect(got).toEqual(['{"n":1}', '{"n":2}']), { timeout: 20_000, interval: 20 });
  });
});
