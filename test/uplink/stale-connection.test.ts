import { describe, expect, it } from 'vitest';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * A connection the uplink has left (dropped, or ended by stop()) may still report what was on
 * its way: mqtt.js fails the callbacks of unacknowledged publishes, emits a late error, message or
 * close. None of it may touch the connection that replaced it: no record sent twice, no record
 * said failed, no command answered on the old link, no new link torn down.
 */
describe('uplink: events of a connection it has left are ignored', () => {
  it('after a reconnect, the old link’s failed callback neither logs a failure nor sends the record in flight again', async () => {
    const r = rig({}, { manual: true });
    r.outbox.append([rec(1)]);
    r.clock.advance(1000); // a full token bucket
    r.up.start();
    const c1 = r.clients[0]!;
    c1.emit('connect');
    await r.turn();
    expect(r.records(1)).toEqual([1]);
    c1.emit('close'); // the link is lost, 1 unacknowledged
    expect(r.up.state).toBe('offline');
    expect(c1.ends, 'dropped, not closed politely: mqtt.js would wait for its PUBACKs').toEqual([true]);
    expect(() => c1.emit('error', new Error('write after end')), 'a late error of the old client throws nowhere').not.toThrow();
    r.clock.advance(100); // the next attempt (random 0: the 100 ms floor)
    const c2 = r.clients[1]!;
    c2.emit('connect');
    await r.turn();
    expect(r.records(2), 'pending, so sent again on the new link').toEqual([1]);

    c1.answer(/events$/, new Error('Connection closed')); // mqtt.js flushes the old link’s callbacks
    r.up.kick();
    await r.turn();
    expect(r.records(2), 'still in flight on the new link: not sent twice').toEqual([1]);
    expect(r.logged('publish failed; will resend')).toEqual([]);
    c2.answer(/events$/);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it('started again after stop(), the old link’s late PUBACK failure, command, error, CONNACK and close change nothing', async () => {
    const r = rig({}, { manual: true, extra: { onCommand: () => ({ pong: true }) } });
    r.clock.advance(1000); // a full token bucket
    r.up.start();
    const c1 = r.clients[0]!;
    c1.emit('connect');
    r.outbox.append([rec(1)]);
    r.up.kick();
    await r.turn();
    let stopped = false;
    void r.up.stop(100).then(() => {
      stopped = true;
    });
    await r.turn();
    r.clock.advance(100); // no PUBACK within the flush timeout
    await r.turn();
    expect([stopped, c1.ends]).toEqual([true, [true]]);

    r.up.start();
    const c2 = r.clients[1]!;
    c2.emit('connect');
    await r.turn();
    expect(r.records(2)).toEqual([1]);
    c1.answer(/events$/, new Error('Connection closed'));
    c1.emit('message', 'elevgw/v1/gw1/commands/ping', Buffer.from(JSON.stringify({ v: 1, requestId: 'r-1' })));
    c1.emit('error', new Error('read ECONNRESET'));
    c1.emit('connect');
    c1.emit('close');
    r.up.kick();
    await r.turn();

    expect(r.up.state, 'the new link is untouched').toBe('online');
    expect(c2.ends).toEqual([]);
    expect(r.records(2), 'not sent twice').toEqual([1]);
    expect(
      r.sent.filter((s) => s.topic.includes('/responses/')),
      'no answer to a command of the old link',
    ).toEqual([]);
    expect(
      r.sent.filter((s) => s.topic.endsWith('/status')).map((s) => s.conn),
      'one online status per connection',
    ).toEqual([1, 2]);
    expect(r.lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    c2.answer(/events$/);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 1 });
  });
});
