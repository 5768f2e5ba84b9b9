import { describe, expect, it } from 'vitest';
import type { InfoPayload } from '../../src/contract/payloads.js';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * The uplink hands its MQTT client something to publish only while that connection is online:
 * never before its CONNACK (mqtt.js would queue it where the outbox cannot see it), never on a
 * connection stop() is closing. Records that arrive meanwhile stay stored, pending, for later.
 */
const info = () => [{ elevatorId: 'E1', payload: { v: 1, gatewayId: 'gw1', elevator: { id: 'E1' } } as unknown as InfoPayload }];

describe('uplink: nothing is published on a connection that is not online', () => {
  it('a drain scheduled just before the link dropped hands nothing to the next connection before its CONNACK', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.outbox.append([rec(1)]);
    r.up.kick(); // a drain, on the next turn of the event loop
    r.broker.down();
    r.clock.advance(0); // the close: offline, the next attempt in 100 ms (random 0)
    r.broker.up();
    r.clock.advance(100); // the next connection is opened, its CONNACK 2 ms away
    expect(r.up.state).toBe('connecting');
    await r.turn(); // the drain runs now
    expect(r.records(), 'nothing before the CONNACK').toEqual([]);
    await r.clock.advanceAsync(100);
    expect(r.sent.filter((s) => s.state !== 'online')).toEqual([]);
    expect(r.records()).toEqual([1]);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 1 });
    expect(r.logged('publish failed; will resend')).toEqual([]);
  });

  it('status and info are published only once online: not before start, not while connecting', async () => {
    const r = rig({}, { manual: true, extra: { info } });
    r.up.publishStatus();
    r.up.publishInfo();
    r.up.start();
    r.up.publishStatus();
    r.up.publishInfo();
    expect(r.up.state).toBe('connecting');
    expect(r.sent).toEqual([]);
    r.clients[0]!.emit('connect');
    expect(r.sent.map((s) => s.topic)).toEqual(['elevgw/v1/gw1/status', 'elevgw/v1/gw1/elevators/E1/info']);
  });

  it('a record delivered while stop() closes the connection is stored and left pending, not handed to the closing client', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000); // online and caught up
    const stopping = r.up.stop(1000);
    await r.turn(); // nothing in flight: the offline status is published
    r.clock.advance(4); // its PUBACK
    await r.turn(); // stop() goes on: stopped, ending the client
    expect(r.up.state).toBe('stopped');
    r.deliver(rec(1));
    await r.clock.advanceAsync(10);
    await stopping;
    expect(r.records()).toEqual([]);
    expect(r.up.stats()).toEqual({ state: 'stopped', inflight: 0, published: 0 });
    expect(r.outbox.stats().pending).toBe(1);
  });
});
