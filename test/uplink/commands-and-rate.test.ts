import { describe, expect, it } from 'vitest';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * Platform commands are answered only by an uplink given `onCommand`, only on the commands
 * topic, and a response the client cannot take is logged, not thrown. A backlog drained at
 * drainRatePerS waits for its next token on one timer of the injected clock: the uplink wakes
 * when a token is due, not every millisecond (a Pi's CPU).
 */
const ping = Buffer.from(JSON.stringify({ v: 1, requestId: 'r-1' }));
const responses = (r: ReturnType<typeof rig>) => r.sent.filter((s) => s.topic.includes('/responses/'));

describe('uplink: commands', () => {
  it('without onCommand it subscribes to nothing and answers nothing, even a command that reaches it', async () => {
    const r = rig({}, { manual: true });
    r.up.start();
    const c = r.clients[0]!;
    c.emit('connect');
    c.emit('message', 'elevgw/v1/gw1/commands/ping', ping);
    await r.turn();
    expect([c.subscriptions, responses(r)]).toEqual([[], []]);
  });

  it('with onCommand, a message on a topic that is not a command is ignored; a command is answered', async () => {
    const r = rig({}, { manual: true, extra: { onCommand: () => ({ pong: true }) } });
    r.up.start();
    const c = r.clients[0]!;
    c.emit('connect');
    expect(c.subscriptions).toEqual(['elevgw/v1/gw1/commands/+']);
    expect(() => c.emit('message', 'elevgw/v1/gw1/status', ping)).not.toThrow();
    expect(responses(r)).toEqual([]);
    c.emit('message', 'elevgw/v1/gw1/commands/ping', ping);
    expect(responses(r).map((s) => [s.topic, (JSON.parse(s.payload) as { ok: boolean }).ok])).toEqual([['elevgw/v1/gw1/responses/ping', true]]);
  });

  it('a response the client refuses to take is logged with the reason; the uplink stays online and answers the next one', async () => {
    const r = rig({}, { manual: true, extra: { onCommand: () => ({ pong: true }) } });
    r.up.start();
    const c = r.clients[0]!;
    c.emit('connect');
    c.failPublish = /\/responses\//;
    expect(() => c.emit('message', 'elevgw/v1/gw1/commands/ping', ping)).not.toThrow();
    expect(r.logged('command response not sent').map((l) => [l.level, l.err])).toEqual([[40, 'client is closing']]);
    c.failPublish = undefined;
    c.emit('message', 'elevgw/v1/gw1/commands/ping', ping);
    expect([r.up.state, c.publishes.filter((p) => p.topic.includes('/responses/')).length], 'the second taken').toEqual(['online', 1]);
  });
});

describe('uplink: the drain rate', () => {
  it('one record a second: each goes when its token is due, and the uplink wakes about once per token meanwhile', async () => {
    const r = rig({ drainRatePerS: 1, inflightWindow: 10 });
    const next = r.outbox.next.bind(r.outbox);
    let reads = 0;
    r.outbox.next = (...a) => {
      reads++;
      return next(...a);
    };
    r.outbox.append([1, 2, 3, 4, 5].map((n) => rec(n)));
    r.up.start();
    await r.clock.advanceAsync(5_100);
    const at = r.broker.on('elevgw/v1/gw1/elevators/+/events').map((m) => m.at);
    expect(at).toHaveLength(5);
    const late = at.map((t, i) => t - (i + 1) * 1000);
    expect(
      late.filter((ms) => ms < 0 || ms >= 10),
      `ms after each token was due: ${late.join(', ')}`,
    ).toEqual([]);
    expect(reads, 'outbox reads in 5 s').toBeLessThan(30);
  });
});
