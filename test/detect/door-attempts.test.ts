import { describe, expect, it } from 'vitest';
import { DoorAttempts, type DoorMotion } from '../../src/detect/rules/door-attempts.js';
import type { DoorState } from '../../src/signals/types.js';

const LIMITS = { timeoutMs: 15_000, failedLimit: 3, minAttemptMs: 300 };

/** Feeds door states, one per 100 ms from `from`; returns the triggers with their times. */
function feed(a: DoorAttempts, states: readonly DoorState[], from = 0) {
  return states.flatMap((d, i) => {
    const t = a.step(d, from + i * 100);
    return t ? [{ ...t, at: from + i * 100 }] : [];
  });
}
const times = (d: DoorState, n: number): DoorState[] => Array<DoorState>(n).fill(d);

/** The attempt counter behind door-close-fault and door-open-fault, on its own. */
describe('door attempts', () => {
  it('tracks the attempt under way and the failures in a row', () => {
    const a = new DoorAttempts('closing', LIMITS);
    expect([a.attemptSince, a.failures]).toEqual([undefined, 0]);
    feed(a, [...times('open', 2), ...times('closing', 5)]);
    expect([a.attemptSince, a.failures]).toEqual([200, 0]);
    feed(a, ['open'], 700);
    expect([a.attemptSince, a.failures]).toEqual([undefined, 1]);
    feed(a, ['closing', 'closed'], 800);
    expect([a.attemptSince, a.failures]).toEqual([undefined, 0]);
  });

  for (const [motion, back, home] of [
    ['closing', 'opening', 'closed'],
    ['opening', 'closing', 'open'],
  ] as [DoorMotion, DoorState, DoorState][]) {
    it(`a ${motion} door that turns to ${back} has failed that attempt; the timeout counts from the next ${motion}`, () => {
      const a = new DoorAttempts(motion, LIMITS);
      // 1 s of motion, half a second of reversing, then stuck in motion again.
      const got = feed(a, [...times(motion, 10), ...times(back, 5), ...times(motion, 200)]);
      expect(got).toEqual([{ kind: 'timeout', since: 1_500, at: 16_500 }]);
      expect(a.failures).toBe(1);
      expect(feed(a, [home], 30_000)).toEqual([]);
      expect(a.failures).toBe(0);
    });
  }

  it('a reversal counts from minAttemptMs after the attempt began; a quicker one is a contact glitch', () => {
    const glitchy = new DoorAttempts('closing', LIMITS);
    for (let i = 0; i < 5; i++) feed(glitchy, [...times('closing', 2), 'open', 'open'], i * 400); // reversed 200 ms in
    expect(glitchy.failures).toBe(0);
    const real = new DoorAttempts('closing', LIMITS);
    const got = [0, 1, 2].flatMap((i) => feed(real, [...times('closing', 3), 'open'], i * 400)); // reversed 300 ms in
    expect(got).toEqual([{ kind: 'failed', count: 3, since: 0, at: 1_100 }]);
  });
});
