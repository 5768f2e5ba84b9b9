/**
 * Three-valued (Kleene) logic for rule conditions. `undefined` means "unknown": a signal the
 * board reads badly. A rule raises only on a condition that is known true and clears only on one
 * that is known true, so missing data never raises or clears anything by itself.
 */
export type Tri = boolean | undefined;

export function and(...xs: Tri[]): Tri {
  if (xs.some((x) => x === false)) return false;
  return xs.some((x) => x === undefined) ? undefined : true;
}

export function or(...xs: Tri[]): Tri {
  if (xs.some((x) => x === true)) return true;
  return xs.some((x) => x === undefined) ? undefined : false;
}

export function not(x: Tri): Tri {
  return x === undefined ? undefined : !x;
}
