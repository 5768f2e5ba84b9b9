/**
 * Three-valued (Kleene) logic for rule conditions. `undefined` means "unknown": a signal the
 * board reads badly. A rule raises only on a condition that is known true and clears only on one
 * that is known true, so missing data never raises or clears anything by itself.
 */
export type Tri = boolean | undefined;

/*
 * Two operands, not a rest array: these run many times on every sample, and a rest array (with
 * the closures `some` took) was allocated whenever V8 did not inline the call. Both are
 * associative, so more conditions nest: and(and(a, b), c).
 */

export function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  return a === undefined || b === undefined ? undefined : true;
}

export function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  return a === undefined || b === undefined ? undefined : false;
}

export function not(x: Tri): Tri {
  return x === undefined ? undefined : !x;
}
