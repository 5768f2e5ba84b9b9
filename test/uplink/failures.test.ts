import { describe, expect, it } from 'vitest';
import { PRIORITY } from '../../src/outbox/types.js';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * What the uplink does when something goes wrong, in sample time: a failed publish is resent
 * ahead of what came after it; only an MQTT 5 reason code of 0x80 or more is a refusal held for
 * the round; only a CONNACK refusing the version makes it fall back to 3.1.1, at once — an
 * unreachable broker is retried on MQTT 5 with back-off. And where each stored kind goes.
 */
const EVENTS = 'elevgw/v1/gw1/elevators/+/events';

describe('uplink: failures', () => {
  it('a publish that failed without a reason code goes again, ahead of a record delivered after it', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.broker.refuse(EVENTS, { code: undefined, message: 'socket hang up' });
    r.deliver(rec(1)); // at once, and it fails
    await r.clock.advanceAsync(10);
    expect(r.logged('publish failed; will resend').map((l) => [l.id, l.err])).toEqual([['id-000001', 'socket hang up']]);
    r.broker.refuse(undefined);
    r.deliver(rec(2));
    await r.clock.advanceAsync(10);
    expect(r.atBroker()).toEqual([1, 2]);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 2 });
  });

  it('a failure with a code below 0x80 is no refusal: not held for the round, resent with the next drain', async () => {
    const r = rig({ reconnectMaxMs: 60_000 });
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.broker.refuse(EVENTS, { code: 0x10, message: 'Publish error: No matching subscribers' });
    r.deliver(rec(1));
    await r.clock.advanceAsync(10);
    expect(r.logged('publish failed; will resend')).toHaveLength(1);
    expect(r.logged('the broker refused a record; it stays stored and is sent again next round')).toEqual([]);
    r.broker.refuse(undefined);
    r.deliver(rec(2));
    await r.clock.advanceAsync(10);
    expect(r.atBroker(), 'long before the round of 60 s ends').toEqual([1, 2]);
  });

  it('an unreachable broker is retried on MQTT 5 with back-off: no fallback without a CONNACK refusing the version', async () => {
    const r = rig({ reconnectMinMs: 1000 });
    r.broker.down();
    r.up.start();
    await r.clock.advanceAsync(1000);
    expect(r.broker.connectsAt.slice(0, 4), 'after 100 ms of back-off each (random 0)').toEqual([2, 104, 206, 308]);
    expect(new Set(r.broker.protocolVersions)).toEqual(new Set([5]));
    expect(r.up.protocolVersion).toBe(5);
    expect(r.logged('mqtt error').map((l) => l.err)).toContain('connect ECONNREFUSED (fake broker down)');
  });

  it('a broker refusing 3.1.1 too is retried with back-off after the one fallback', async () => {
    const r = rig({}, { broker: { mqtt31Only: true } });
    r.up.start();
    await r.clock.advanceAsync(1000);
    expect(r.broker.protocolVersions.slice(0, 3)).toEqual([5, 4, 4]);
    expect(r.broker.connectsAt.slice(0, 3)).toEqual([2, 4, 106]);
    expect(r.logged('broker refuses MQTT 5; falling back to MQTT 3.1.1')).toHaveLength(1);
  });

  it('an error on a working MQTT 5 connection is logged and changes no protocol, whatever its code', async () => {
    const r = rig({}, { manual: true });
    r.up.start();
    const c = r.clients[0]!;
    c.emit('connect');
    c.emit('error', Object.assign(new Error('Connection refused: Unacceptable protocol version'), { code: 1 }));
    c.emit('close');
    r.clock.advance(0);
    expect(r.clients).toHaveLength(1);
    expect(r.up.protocolVersion).toBe(5);
    r.clock.advance(100); // the back-off
    expect(r.clients.map((x) => x.opts.protocolVersion)).toEqual([5, 5]);
    expect(r.logged('mqtt error')).toHaveLength(1);
  });

  it('the log says which MQTT version the connection speaks', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(10);
    expect(r.logged('uplink online').map((l) => l.mqtt)).toEqual(['5']);
  });

  it('a status row in the outbox goes to the gateway’s retained status topic; events are not retained', async () => {
    const r = rig();
    r.outbox.append([rec(1), rec(2, PRIORITY.info, 'status')]);
    r.up.start();
    await r.clock.advanceAsync(100);
    const mine = r.broker.accepted.filter((m) => m.payload.includes('"n"')).map((m) => [m.topic, m.retain, m.qos]);
    expect(mine).toEqual([
      ['elevgw/v1/gw1/elevators/E1/events', false, 1],
      ['elevgw/v1/gw1/status', true, 1],
    ]);
    expect(r.outbox.stats().pending).toBe(0);
  });
});
