/**
 * Robust statistics for baselines: the median and the median absolute deviation (MAD) ignore the
 * odd passenger holding a door or a stop with a full car, where a mean and a standard deviation
 * would follow them. Inputs are small (a baseline's learning sample, the last few observations).
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation from `center` (unscaled: × 1.4826 estimates σ of a normal sample). */
export function mad(xs: readonly number[], center: number = median(xs)): number {
  return median(xs.map((x) => Math.abs(x - center)));
}

/** σ of a normal sample from its MAD. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * The standard error of the median of `n` observations whose σ is `sigma`: the median of a
 * normal sample is √(π/2) ≈ 1.25 times as noisy as its mean.
 */
export function medianStandardError(sigma: number, n: number): number {
  return (1.2533 * sigma) / Math.sqrt(Math.max(1, n));
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points. One odd day (a
 * holiday's traffic, a half day of data) does not tilt it as it would a least-squares line.
 */
export function theilSen(points: readonly { x: number; y: number }[]): number | undefined {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]!.x - points[i]!.x;
      if (dx !== 0) slopes.push((points[j]!.y - points[i]!.y) / dx);
    }
  }
  return slopes.length === 0 ? undefined : median(slopes);
}

/** Round to `digits` decimals (numbers in event data and hints). */
export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
