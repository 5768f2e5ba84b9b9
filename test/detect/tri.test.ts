import { describe, expect, it } from 'vitest';
import { and, not, or, type Tri } from '../../src/detect/tri.js';

const VALUES: Tri[] = [true, false, undefined];
const show = (x: Tri) => (x === undefined ? '?' : x ? 'T' : 'F');

describe('Kleene logic', () => {
  it('and: false wins, then unknown; or: true wins, then unknown', () => {
    const table = (op: (a: Tri, b: Tri) => Tri) => VALUES.map((a) => VALUES.map((b) => show(op(a, b))).join('')).join(' ');
    // rows a = T, F, ?; columns b = T, F, ?
    expect(table(and)).toBe('TF? FFF ?F?');
    expect(table(or)).toBe('TTT TF? T??');
    expect(VALUES.map((x) => show(not(x))).join('')).toBe('FT?');
  });

  it('nests to any number of conditions: and(and(a, b), c) is and of all three, whatever the grouping', () => {
    for (const a of VALUES)
      for (const b of VALUES)
        for (const c of VALUES) {
          const xs = [a, b, c];
          const all: Tri = xs.includes(false) ? false : xs.includes(undefined) ? undefined : true;
          const any: Tri = xs.includes(true) ? true : xs.includes(undefined) ? undefined : false;
          expect([and(and(a, b), c), and(a, and(b, c))]).toEqual([all, all]);
          expect([or(or(a, b), c), or(a, or(b, c))]).toEqual([any, any]);
        }
  });
});
