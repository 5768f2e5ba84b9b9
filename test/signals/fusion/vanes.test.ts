import { describe, expect, it } from 'vitest';
import { nominalEdges } from '../../../src/signals/fusion/shaft.js';
import { classifyEdge, edgeOffsetMm, type VaneEdge, VaneCounter } from '../../../src/signals/fusion/vanes.js';

/**
 * The car's two Hall sensors against the landings' vanes. Around each landing the pattern is,
 * from below: nothing · upper · both (the door zone) · lower · nothing. Which end of a sensor's
 * span an edge is follows from the other sensor alone; counting vanes identifies the landing
 * after a cold start, once the car has seen the whole shaft.
 */

describe('which edge of the vane', () => {
  it('an upper-sensor edge with the lower sensor off is the low end of its span; with it on, the high end', () => {
    expect(classifyEdge('upper', true, false)).toEqual({ sensor: 'upper', end: 0, up: true }); // entering the vane from below
    expect(classifyEdge('upper', false, false)).toEqual({ sensor: 'upper', end: 0, up: false }); // leaving it downwards
    expect(classifyEdge('upper', true, true)).toEqual({ sensor: 'upper', end: 1, up: false }); // coming down into its span
    expect(classifyEdge('upper', false, true)).toEqual({ sensor: 'upper', end: 1, up: true }); // going up out of its span
  });

  it('a lower-sensor edge with the upper sensor on is the low end of its span; with it off, the high end', () => {
    expect(classifyEdge('lower', true, true)).toEqual({ sensor: 'lower', end: 0, up: true });
    expect(classifyEdge('lower', false, true)).toEqual({ sensor: 'lower', end: 0, up: false });
    expect(classifyEdge('lower', true, false)).toEqual({ sensor: 'lower', end: 1, up: false }); // entering the vane from above
    expect(classifyEdge('lower', false, false)).toEqual({ sensor: 'lower', end: 1, up: true }); // leaving it upwards
  });

  it('a pass upwards meets upper low, lower low, upper high, lower high, all moving up; downwards the reverse', () => {
    const e = nominalEdges(); // upper [−180, 150], lower [−150, 180]
    // Upwards, the sensors' states before each edge: (upper, lower) = off/off, on/off, on/on, off/on.
    const up = [classifyEdge('upper', true, false), classifyEdge('lower', true, true), classifyEdge('upper', false, true), classifyEdge('lower', false, false)];
    expect(up.map((x) => x.up)).toEqual([true, true, true, true]);
    expect(up.map((x) => edgeOffsetMm(e, x))).toEqual([-180, -150, 150, 180]);
    const down = [classifyEdge('lower', true, false), classifyEdge('upper', true, true), classifyEdge('lower', false, true), classifyEdge('upper', false, false)];
    expect(down.map((x) => x.up)).toEqual([false, false, false, false]);
    expect(down.map((x) => edgeOffsetMm(e, x))).toEqual([180, 150, -150, -180]);
  });

  it("each edge's place relative to the level comes from its sensor's own span", () => {
    const e = { upper: [-177, 151], lower: [-149, 183] } as const;
    const at = (sensor: 'upper' | 'lower', end: 0 | 1): number => edgeOffsetMm(e, { sensor, end, up: true });
    expect([at('upper', 0), at('upper', 1), at('lower', 0), at('lower', 1)]).toEqual([-177, 151, -149, 183]);
  });
});

// The outermost edges, through which the car enters or leaves a vane.
const ENTER_FROM_BELOW = classifyEdge('upper', true, false);
const LEAVE_DOWNWARDS = classifyEdge('upper', false, false);
const ENTER_FROM_ABOVE = classifyEdge('lower', true, false);
const LEAVE_UPWARDS = classifyEdge('lower', false, false);
// An inner edge: the lower sensor joins the upper one in the door zone.
const INNER: VaneEdge = classifyEdge('lower', true, true);

/** The car leaves its vane upwards and enters the next one; returns what the counter said on entering. */
function up(c: VaneCounter): number | undefined {
  expect(c.edge(LEAVE_UPWARDS, false)).toBeUndefined();
  return c.edge(ENTER_FROM_BELOW, true);
}

function down(c: VaneCounter): number | undefined {
  expect(c.edge(LEAVE_DOWNWARDS, false)).toBeUndefined();
  return c.edge(ENTER_FROM_ABOVE, true);
}

describe('counting vanes from a known landing (a learning run starts at the bottom)', () => {
  it('the landing is known from the start, and each vane up or down is the next landing', () => {
    const c = new VaneCounter(4, 0);
    expect(c.landing()).toBeUndefined(); // not started
    c.start(true, true);
    expect([c.landing(), c.absolute]).toEqual([0, true]);
    expect(up(c)).toBe(1);
    expect(up(c)).toBe(2);
    expect(c.landing()).toBe(2);
    expect(down(c)).toBe(1);
    expect(c.landing()).toBe(1);
  });

  it('a car that turns back between vanes re-enters the one it left', () => {
    const c = new VaneCounter(4, 1);
    c.start(true, true);
    expect(c.edge(LEAVE_UPWARDS, false)).toBeUndefined();
    expect(c.edge(ENTER_FROM_ABOVE, true)).toBe(1);
    expect(c.edge(LEAVE_DOWNWARDS, false)).toBeUndefined();
    expect(c.edge(ENTER_FROM_BELOW, true)).toBe(1);
    expect(c.landing()).toBe(1);
  });

  it('inner edges (in and out of the door zone) neither count nor change anything', () => {
    const c = new VaneCounter(3, 0);
    c.start(true, false);
    expect(c.edge(INNER, true)).toBeUndefined();
    expect(c.edge(classifyEdge('upper', false, true), false)).toBeUndefined();
    expect(c.edge(LEAVE_UPWARDS, false)).toBeUndefined();
    expect(c.edge(INNER, false)).toBeUndefined(); // a stray inner edge between vanes: the car is still outside
    expect(c.edge(ENTER_FROM_BELOW, true)).toBe(1);
  });

  it('creeping out of the door zone and back (the upper sensor leaving the vane above and returning) counts nothing', () => {
    const c = new VaneCounter(3, 1);
    c.start(true, true);
    expect(c.edge(classifyEdge('upper', false, true), false)).toBeUndefined(); // upper leaves, going up
    expect(c.edge(classifyEdge('upper', true, true), true)).toBeUndefined(); // and comes back, going down
    expect(c.edge(classifyEdge('lower', false, true), false)).toBeUndefined(); // lower leaves, going down
    expect(c.edge(classifyEdge('lower', true, true), true)).toBeUndefined(); // and comes back, going up
    expect(up(c)).toBe(2);
  });

  it('starting just outside a vane at a known landing: the first vane entered, from either side, is that landing', () => {
    for (const enter of [ENTER_FROM_BELOW, ENTER_FROM_ABOVE]) {
      const c = new VaneCounter(3, 1);
      c.start(false, false);
      expect(c.landing()).toBe(1);
      expect(c.edge(enter, true)).toBe(1);
      expect(c.landing()).toBe(1);
    }
  });

  it('a second "entering" edge while inside a vane (a sensor chattering) is not another vane', () => {
    const c = new VaneCounter(3, 0);
    c.start(true, true);
    expect(up(c)).toBe(1);
    expect(c.edge(ENTER_FROM_BELOW, true)).toBeUndefined();
    expect(c.edge(ENTER_FROM_ABOVE, true)).toBeUndefined();
    expect(c.landing()).toBe(1);
  });

  it('counting past the top landing is a miscount: the landing is no longer known, counting starts over from here', () => {
    const c = new VaneCounter(3, 1);
    c.start(true, true);
    expect(up(c)).toBe(2); // the top landing itself is fine
    expect(up(c)).toBe(0); // a fourth vane in a three-landing shaft
    expect([c.absolute, c.landing(), c.index, c.min, c.max]).toEqual([false, undefined, 0, 0, 0]);
  });

  it('counting below the bottom landing is a miscount too', () => {
    const c = new VaneCounter(3, 0);
    c.start(true, true);
    expect(down(c)).toBe(0);
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([false, undefined, 0, 0]);
  });

  it('after a miscount the landing is known again once the car has seen the whole shaft', () => {
    const c = new VaneCounter(3, 2);
    c.start(true, true);
    up(c); // miscount at the top: relative 0 here
    expect(down(c)).toBe(-1);
    expect(c.landing()).toBeUndefined();
    expect(down(c)).toBe(0); // three vanes spanned: this is the bottom landing
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([true, 0, 0, 2]);
  });
});

describe('counting vanes after a cold start (landing unknown)', () => {
  it('standing at a vane: counting starts from it, no landing yet', () => {
    const c = new VaneCounter(3);
    c.start(false, true);
    expect([c.index, c.absolute, c.landing()]).toEqual([0, false, undefined]);
  });

  it('standing between vanes: nothing counted until the first vane, which is vane 0', () => {
    const c = new VaneCounter(3);
    c.start(false, false);
    expect(c.index).toBeUndefined();
    expect(c.edge(ENTER_FROM_ABOVE, true)).toBe(0);
    expect([c.index, c.absolute]).toEqual([0, false]);
  });

  it('the first reading of the sensors starts the count; later calls to start are ignored', () => {
    const c = new VaneCounter(3);
    c.start(false, false);
    c.start(true, true);
    expect(c.index).toBeUndefined();
    const k = new VaneCounter(3, 1);
    k.start(true, true);
    up(k);
    k.start(true, true);
    expect(k.landing()).toBe(2);
  });

  it('going up through the whole shaft of 4 landings: the landing is known at the 4th vane, not the 3rd', () => {
    const c = new VaneCounter(4);
    c.start(true, true);
    expect(up(c)).toBe(1);
    expect(up(c)).toBe(2);
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([false, undefined, 0, 2]);
    expect(up(c)).toBe(3);
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([true, 3, 0, 3]);
  });

  it('going down through the whole shaft: vanes counted below the first are negative, the lowest becomes landing 0', () => {
    const c = new VaneCounter(3);
    c.start(true, true);
    expect(down(c)).toBe(-1);
    expect([c.min, c.max, c.landing()]).toEqual([-1, 0, undefined]);
    expect(down(c)).toBe(0); // −2 relative: the span is the shaft, so this is the bottom
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([true, 0, 0, 2]);
    expect(up(c)).toBe(1);
  });

  it('the span counts, not the travel: up one, down two in a 3-landing shaft identifies the bottom', () => {
    const c = new VaneCounter(3);
    c.start(true, true);
    up(c);
    down(c);
    expect(c.landing()).toBeUndefined();
    expect(down(c)).toBe(0);
    expect(c.landing()).toBe(0);
  });

  it('a single-landing shaft is known as soon as the car is at its vane', () => {
    const c = new VaneCounter(1);
    c.start(true, true);
    expect(c.landing()).toBe(0);
  });
});

describe('identified by other evidence', () => {
  it('a relative count becomes the landing given, its span starting afresh there', () => {
    const c = new VaneCounter(5);
    c.start(true, true);
    down(c);
    expect([c.min, c.max]).toEqual([-1, 0]);
    c.identify(2);
    expect([c.absolute, c.landing(), c.min, c.max]).toEqual([true, 2, 2, 2]);
    expect(up(c)).toBe(3);
    expect(up(c)).toBe(4);
    expect(up(c)).toBe(0); // past the top: miscount
    expect(c.absolute).toBe(false);
  });

  it('a landing the shaft does not have is no identification: counting starts over', () => {
    for (const landing of [-1, 3]) {
      const c = new VaneCounter(3, 1);
      c.start(true, true);
      c.identify(landing);
      expect([c.absolute, c.landing(), c.index, c.min, c.max]).toEqual([false, undefined, 0, 0, 0]);
    }
  });

  it('the top and bottom landings themselves are landings', () => {
    const c = new VaneCounter(3);
    c.start(true, true);
    c.identify(2);
    expect(c.landing()).toBe(2);
    c.identify(0);
    expect(c.landing()).toBe(0);
  });
});
