import { describe, expect, it } from 'vitest';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * Rows made ready while the in-flight window is full: released by the end of a refusal round, or
 * appended and kicked. The drain that finds no room must leave the uplink "not caught up", so the
 * next PUBACK drains them. It returned without saying so: a PUBACK then drained nothing, fresh
 * records that fitted went straight out ahead of them, and the rows stayed pending until
 * something unrelated (a record that did not fit, a resync, a reconnect) drained.
 */
describe('rows kicked while the window is full', () => {
  it('rows released by the end of a refusal round while the window is full go once a PUBACK frees a place', async () => {
    const r = rig({ inflightWindow: 2, reconnectMaxMs: 1000 });
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.broker.refuse('elevgw/v1/gw1/elevators/+/events');
    r.deliver(rec(1)); // refused: held for the round (1000 ms from its refusal, at about t = 2004)
    await r.clock.advanceAsync(10);
    r.broker.refuse(undefined); // the ACL is fixed
    r.deliver(rec(2)); // caught up again: the rest flows at once
    await r.clock.advanceAsync(10);
    expect(r.atBroker()).toEqual([2]);
    await r.clock.advanceAsync(3004 - r.clock.now() - 1); // just before the round ends
    r.deliver(rec(3));
    r.deliver(rec(4)); // the window is full when the round ends
    await r.clock.advanceAsync(30_000);
    expect(r.atBroker(), '1 after its round, once a place is free').toEqual([2, 3, 4, 1]);
    expect(r.outbox.stats().pending).toBe(0);
  });

  it('rows appended and kicked while the window is full go once a PUBACK frees a place', async () => {
    const r = rig({ inflightWindow: 1 });
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.deliver(rec(1)); // the window is full
    r.outbox.append([rec(2)]);
    r.up.kick();
    await r.clock.advanceAsync(30_000);
    expect(r.atBroker()).toEqual([1, 2]);
    expect(r.outbox.stats().pending).toBe(0);
  });
});
