import { describe, expect, it } from 'vitest';
import { FakeClock, scaledClock, type Clock } from '../../src/core/clock.js';

describe('FakeClock: the one scheduler in sample time', () => {
  it('fires timers at their exact due time, in due order, as time is advanced', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.after(300, () => fired.push(`c@${clock.now()}`));
    clock.after(100, () => fired.push(`a@${clock.now()}`));
    clock.after(100, () => fired.push(`b@${clock.now()}`)); // same due time: scheduling order
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'b@100']);
    expect(clock.now()).toBe(250);
    clock.advance(50);
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
  });

  it('runs a timer scheduled by a timer within the same advance, and never one that was cancelled', () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const every = (ms: number) =>
      clock.after(ms, () => {
        ticks.push(clock.now());
        every(ms);
      });
    every(100);
    const never = clock.after(150, () => ticks.push(-1));
    never.cancel();
    clock.advance(450);
    expect(ticks).toEqual([100, 200, 300, 400]);
    expect(clock.timers).toBe(1);
  });

  it('moves the wall clock with the monotonic one, and only the wall clock on jumpWall', () => {
    const clock = new FakeClock(0, 1_000_000);
    clock.advance(500);
    clock.jumpWall(3_600_000);
    expect([clock.now(), clock.wallNow()]).toEqual([500, 4_600_500]);
  });

  it('advanceAsync lets the promise chains a timer starts finish before time moves on', async () => {
    const clock = new FakeClock(0);
    const seen: string[] = [];
    const poll = async () => {
      await Promise.resolve();
      await new Promise((r) => setImmediate(r)); // an in-memory link answering on the next turn
      seen.push(`answered@${clock.now()}`);
      clock.after(100, () => void poll());
    };
    clock.after(100, () => void poll());
    await clock.advanceAsync(350);
    expect(seen).toEqual(['answered@100', 'answered@200', 'answered@300']);
  });
});

describe('scaledClock', () => {
  it('runs monotonic time and its timers `factor` times faster than the base clock', () => {
    const base = new FakeClock(1000);
    const fast: Clock = scaledClock(10, base);
    let firedAt: number | undefined;
    fast.after(5000, () => (firedAt = fast.now()));
    base.advance(499);
    expect(firedAt).toBeUndefined();
    base.advance(1);
    expect(firedAt).toBe(1000 + 5000);
  });

  it('refuses a scale that is not positive', () => {
    expect(() => scaledClock(0)).toThrow(/time scale must be > 0/);
  });
});
