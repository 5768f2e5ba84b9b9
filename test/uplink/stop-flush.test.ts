import { describe, expect, it } from 'vitest';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * `Uplink.stop()`: it waits for the PUBACKs of what is in flight, then publishes its own retained
 * offline status and closes politely; bounded by its flush timeout whatever the broker does —
 * when acknowledgements do not come it drops the link (the broker's last will says offline) and
 * the records stay pending for the next start. A stopped uplink never reconnects.
 */
const statuses = (r: ReturnType<typeof rig>) => r.sent.filter((s) => s.topic === 'elevgw/v1/gw1/status').map((s) => (JSON.parse(s.payload) as { state: string }).state);

describe('uplink: stop', () => {
  it('publishes the offline status only after every record in flight is acknowledged, then closes politely, at once', async () => {
    const r = rig({}, { manual: true });
    r.clock.advance(1000); // a full token bucket
    r.up.start();
    const c = r.clients[0]!;
    c.emit('connect');
    r.outbox.append([rec(1), rec(2)]);
    r.up.kick();
    await r.turn();
    expect(r.records()).toEqual([1, 2]);
    let stopped = false;
    void r.up.stop(3000).then(() => {
      stopped = true;
    });
    await r.turn();
    expect(statuses(r), 'two records in flight').toEqual(['online']);
    c.answer(/events$/); // PUBACK of 1
    await r.turn();
    expect(statuses(r), '2 is still in flight').toEqual(['online']);
    c.answer(/events$/); // PUBACK of 2
    await r.turn();
    expect(statuses(r)).toEqual(['online', 'offline']);
    const offline = JSON.parse(r.sent.at(-1)!.payload) as Record<string, unknown>;
    expect(offline, 'the gateway’s own, with its boot and monotonic time').toMatchObject({ gatewayId: 'gw1', state: 'offline', monoMs: 1000, bootId: r.up.bootId });
    expect(r.sent.at(-1)!.opts).toMatchObject({ qos: 1, retain: true });
    c.answer(/status$/); // its PUBACK
    await r.turn();
    expect(stopped, 'no clock time passed: no timeout waited for').toBe(true);
    expect(c.ends, 'a polite DISCONNECT: the broker sends no will').toEqual([false]);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 2 });
  });

  it('with a responsive broker, the platform sees one offline status, the gateway’s, and no last will', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.deliver(rec(1));
    await r.stop(1000);
    const status = r.broker.on('elevgw/v1/gw1/status').map((m) => [(JSON.parse(m.payload) as { state: string }).state, m.protocolVersion]);
    expect(status).toEqual([
      ['online', 5],
      ['offline', 5],
    ]);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it('a record the broker never acknowledges: returns at its flush timeout, drops the link (the will says offline), the record stays pending', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.broker.freeze();
    r.deliver(rec(1));
    const took = await r.stop(1000);
    expect(took).toBeLessThanOrEqual(1000);
    // The broker's own (no protocol version): the will of a dropped connection.
    const status = r.broker.on('elevgw/v1/gw1/status').map((m) => [(JSON.parse(m.payload) as { state: string }).state, m.protocolVersion]);
    expect(status).toEqual([
      ['online', 5],
      ['offline', undefined],
    ]);
    expect([r.up.state, r.broker.connections, r.outbox.stats().pending]).toEqual(['stopped', 0, 1]);
  });

  it('the link lost while stop() waits: stopped at once, no reconnect, the record pending for the next start', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.broker.freeze();
    r.deliver(rec(1));
    const from = r.clock.now();
    let returnedAt: number | undefined;
    const stopping = r.up.stop(1000).then(() => {
      returnedAt = r.clock.now();
    });
    await r.clock.advanceAsync(10);
    r.broker.down();
    r.broker.up();
    await r.clock.advanceAsync(1);
    expect(r.up.state).toBe('stopped');
    await r.clock.advanceAsync(10_000);
    await stopping;
    expect(returnedAt! - from, 'returned with the link, not at its flush timeout').toBeLessThan(100);
    expect(r.broker.connectsAt, 'no connection after the one stop() ended').toHaveLength(1);
    expect([r.up.state, r.outbox.stats().pending]).toEqual(['stopped', 1]);
  });

  it('stopped before the CONNACK: nothing published, a polite close; a CONNACK that was on its way changes nothing', async () => {
    const r = rig({}, { manual: true });
    r.up.start();
    let stopped = false;
    void r.up.stop(1000).then(() => {
      stopped = true;
    });
    await r.turn();
    expect(stopped, 'nothing to flush').toBe(true);
    const c = r.clients[0]!;
    expect(c.ends).toEqual([false]);
    c.emit('connect');
    await r.turn();
    expect(r.up.state).toBe('stopped');
    expect([r.sent, c.subscriptions]).toEqual([[], []]);
  });
});
