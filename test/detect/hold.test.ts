import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hold } from '../../src/detect/hold.js';
import type { Tri } from '../../src/detect/tri.js';

/** Feeds a sequence of condition samples every `everyMs`; raise = c, clear = !c. */
function feed(hold: Hold, conditions: readonly Tri[], everyMs = 100) {
  return conditions.flatMap((c, i) => {
    const edge = hold.step(i * everyMs, c, c === undefined ? undefined : !c);
    return edge ? [{ ...edge, at: i * everyMs }] : [];
  });
}

describe('Hold', () => {
  it('raises once the condition has held for the raise hold, and only once per episode', () => {
    const edges = feed(new Hold(1000, 500), Array<boolean>(30).fill(true));
    expect(edges).toEqual([{ edge: 'raised', since: 0, at: 1000 }]);
  });

  it('clears once the clear condition has held for the clear hold', () => {
    const edges = feed(new Hold(0, 500), [true, false, false, false, false, false, false, false]);
    expect(edges).toEqual([
      { edge: 'raised', since: 0, at: 0 },
      { edge: 'cleared', since: 100, at: 600 },
    ]);
  });

  it('tells since when a flip has been pending, and nothing when none is', () => {
    const hold = new Hold(1000, 500);
    expect(hold.pendingSince).toBeUndefined();
    hold.step(100, true, false);
    hold.step(200, true, false);
    expect(hold.pendingSince).toBe(100);
    hold.step(300, undefined, undefined);
    expect(hold.pendingSince).toBeUndefined();
    hold.step(400, true, false);
    hold.step(1400, true, false); // raised
    expect([hold.active, hold.pendingSince]).toEqual([true, undefined]);
    hold.step(1500, false, true);
    expect(hold.pendingSince).toBe(1500);
  });

  it('restarts the wait when the condition drops or becomes unknown', () => {
    const edges = feed(new Hold(300, 0), [true, true, false, true, true, undefined, true, true, true, true]);
    expect(edges).toEqual([{ edge: 'raised', since: 600, at: 900 }]);
  });

  it('never flips on unknown input', () => {
    const hold = new Hold(0, 0);
    expect(feed(hold, Array<Tri>(10).fill(undefined))).toEqual([]);
    expect(hold.active).toBe(false);
  });

  it('lets a step override the raise hold (trapped: 0 on an alarm press)', () => {
    const hold = new Hold(30_000, 0);
    expect(hold.step(0, true, false)).toBeUndefined();
    expect(hold.step(100, true, false, 0)).toEqual({ edge: 'raised', since: 0 });
  });

  it('property: a glitch shorter than the raise hold never raises, whatever the noise', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (runs, quiet) => {
        // True runs of at most 9 samples (900 ms) separated by `quiet` false samples; hold 1 s.
        const conditions = runs.flatMap((n) => [...Array<boolean>(n).fill(true), ...Array<boolean>(quiet).fill(false)]);
        expect(feed(new Hold(1000, 0), conditions)).toEqual([]);
      }),
    );
  });

  it('property: a raised episode survives any glitch shorter than the clear hold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 60 }), (runs) => {
        // Raise, then clear-condition runs of at most 4 samples (400 ms) between raise samples; clear hold 500 ms.
        const conditions = [true, ...runs.flatMap((n) => [...Array<boolean>(n).fill(false), true])];
        const edges = feed(new Hold(0, 500), conditions);
        expect(edges.map((e) => e.edge)).toEqual(['raised']);
      }),
    );
  });

  it('property: edges alternate raised/cleared and each waited its hold', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.boolean(), { nil: undefined }), { maxLength: 300 }), (conditions) => {
        const edges = feed(new Hold(300, 200), conditions);
        edges.forEach((e, i) => {
          expect(e.edge).toBe(i % 2 === 0 ? 'raised' : 'cleared');
          expect(e.at - e.since).toBeGreaterThanOrEqual(e.edge === 'raised' ? 300 : 200);
        });
      }),
    );
  });
});
