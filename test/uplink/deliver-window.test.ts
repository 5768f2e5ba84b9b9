import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * Fresh records (`Uplink.deliver`) in sample time: one goes out in its own call only when nothing
 * older waits and the in-flight window has room; otherwise it waits its turn in outbox order —
 * behind rows stored another way, behind the backlog a new connection finds, behind rows a
 * holding queue hands back with it — and goes as soon as a PUBACK frees a place.
 */
describe('uplink: a fresh record goes at once only when nothing waits and the window has room', () => {
  it('fills the in-flight window in the deliver calls; the next one waits for a PUBACK, then goes without another call', async () => {
    const r = rig({ inflightWindow: 2 });
    r.up.start();
    await r.clock.advanceAsync(2000); // online, caught up, the token bucket full
    r.deliver(rec(1));
    expect(r.records(), 'in its own call').toEqual([1]);
    r.deliver(rec(2));
    expect(r.records(), 'the second place of the window').toEqual([1, 2]);
    r.deliver(rec(3));
    await r.turn();
    expect(r.records(), 'the window is full: 3 waits, stored').toEqual([1, 2]);
    expect(r.up.stats().inflight).toBe(2);
    expect(r.outbox.stats().pending).toBe(3);
    await r.clock.advanceAsync(4); // the broker's PUBACKs for 1 and 2
    expect(r.records(), 'a place came free: 3 goes, nothing else asked').toEqual([1, 2, 3]);
    await r.clock.advanceAsync(10);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 3 });
    expect(r.atBroker()).toEqual([1, 2, 3]);
  });

  it('rows that reached the outbox another way (resync) go first; a fresh record delivered after them waits its turn', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    r.outbox.append([rec(1), rec(2)]);
    r.up.resync();
    r.deliver(rec(3));
    expect(r.records(), 'not ahead of the rows stored late').toEqual([]);
    await r.turn();
    expect(r.records()).toEqual([1, 2, 3]);
    await r.clock.advanceAsync(10);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 3 });
  });

  it('right after the CONNACK, before the drain has run, a fresh record goes behind the backlog the connection found', async () => {
    const clock = new FakeClock(0);
    const r = rig({}, { clock });
    r.outbox.append([rec(1), rec(2)]);
    clock.advance(2000); // the bucket is full when the connection comes
    r.up.start();
    clock.advance(2); // the CONNACK, in this very tick
    expect(r.up.state).toBe('online');
    r.deliver(rec(3));
    await r.turn();
    expect(r.records()).toEqual([1, 2, 3]);
  });

  it('rows the store hands back besides the fresh ones (a holding queue stored late) all go through the drain, critical lane first', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(2000);
    const held = rec(1, PRIORITY.info);
    const fresh = rec(2, PRIORITY.critical);
    const stored = r.up.deliver([fresh], () => r.outbox.append([held, fresh]));
    expect(stored.map((s) => s.id)).toEqual([held.id, fresh.id]);
    expect(r.records(), 'not in this call, in the order the store returned').toEqual([]);
    await r.turn();
    expect(r.records()).toEqual([2, 1]);
  });

  it('a fresh record takes a token; with exactly as many tokens as records they all go at once, a critical one needs none', async () => {
    const r = rig({ drainRatePerS: 3 });
    r.up.start();
    await r.clock.advanceAsync(2000); // three tokens: one second's worth
    for (const n of [1, 2, 3]) r.deliver(rec(n));
    expect(r.records(), 'each in its own call, the last with the last token').toEqual([1, 2, 3]);
    r.deliver(rec(4, PRIORITY.critical));
    expect(r.records(), 'critical: no token needed').toEqual([1, 2, 3, 4]);
    r.deliver(rec(5));
    await r.turn();
    expect(r.records(), 'no token left for 5').toEqual([1, 2, 3, 4]);
    await r.clock.advanceAsync(400); // a token: 5 goes
    expect(r.records()).toEqual([1, 2, 3, 4, 5]);
  });
});
