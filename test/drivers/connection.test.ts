import { describe, expect, it } from 'vitest';
import { Connection } from '../../drivers/kernel/connection.js';

const limits = { minMs: 500, maxMs: 2000 };

describe('connection state machine (pure: time is an argument)', () => {
  it('opens when wanted, and only once', () => {
    const c = new Connection(limits);
    expect(c.state).toBe('closed');
    expect(c.retry(0)).toBe(false); // nobody asked for it
    expect(c.want()).toBe(true);
    expect(c.state).toBe('opening');
    expect(c.want()).toBe(false);
    expect(c.opened()).toBe(true);
    expect(c.state).toBe('open');
  });

  it('backs off after failed attempts, doubling up to the maximum', () => {
    const c = new Connection(limits);
    c.want();
    const tries: number[] = [];
    for (let now = 0; now <= 10_000; now += 100) {
      if (c.state === 'opening' || c.retry(now)) {
        tries.push(now);
        c.openFailed(now);
      }
    }
    expect(tries).toEqual([0, 500, 1500, 3500, 5500, 7500, 9500]);
    expect(c.state).toBe('backing-off');
  });

  it('after a loss, waits the minimum back-off, reopens, and starts from the minimum again once open', () => {
    const c = new Connection(limits);
    c.want();
    c.openFailed(0); // next delay 1000
    expect(c.retry(500)).toBe(true);
    c.opened(); // back-off reset
    c.lost(10_000);
    expect(c.state).toBe('lost');
    expect(c.retry(10_499)).toBe(false);
    expect(c.state).toBe('backing-off');
    expect(c.retry(10_500)).toBe(true);
    expect(c.state).toBe('reopening');
    expect(c.opened()).toBe(true);
  });

  it('ignores a loss of a transport that is not open, and events out of turn', () => {
    const c = new Connection(limits);
    c.lost(0);
    c.openFailed(0);
    expect(c.opened()).toBe(false);
    expect(c.state).toBe('closed');
  });

  it('closed while an attempt runs: the late success is unwanted, so the caller releases it', () => {
    const c = new Connection(limits);
    c.want();
    c.close();
    expect(c.opened()).toBe(false);
    expect(c.state).toBe('closed');
    expect(c.retry(1_000_000)).toBe(false);
  });
});
