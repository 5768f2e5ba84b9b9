/**
 * What the fusion knows of the shaft: each landing's level, its pressure signature and where its
 * door-zone vane switches the car's two Hall sensors. Learned by `elevgw diag learn` (levels into
 * `floors[].levelMm`, the rest into `elevators[].shaft`); before that, nominal values.
 */

/** Where a landing's vane switches each Hall sensor, mm relative to the landing level. */
export interface ZoneEdges {
  /** The upper sensor is active from `upper[0]` to `upper[1]` (it reaches further down). */
  upper: readonly [number, number];
  /** The lower sensor is active from `lower[0]` to `lower[1]` (it reaches further up). */
  lower: readonly [number, number];
}

interface ShaftLanding {
  levelMm: number;
  /** Pressure here minus at the bottom landing, Pa, as learned (negative above it). */
  pressurePa: number;
  edges: ZoneEdges;
}

export interface ShaftModel {
  landings: readonly ShaftLanding[];
  /** From a learning run; false: nominal pressures and edges. */
  learned: boolean;
}

/** What `elevators[].shaft` holds (src/config/site.ts), the levels coming from `floors[]`. */
export interface LearnedShaft {
  landings: readonly { pressurePa: number; upperMm: readonly [number, number]; lowerMm: readonly [number, number] }[];
}

/** Air at 20 °C, 101.3 kPa: 1.204 kg/m³ × 9.81 m/s². */
const NOMINAL_PA_PER_M = 11.8;

/** The Hall sensors' switching points of a vane `zoneMm` either side of the level, the two sensors `spreadMm` apart. */
export function nominalEdges(zoneMm = 150, spreadMm = 30): ZoneEdges {
  return { upper: [-(zoneMm + spreadMm), zoneMm], lower: [-zoneMm, zoneMm + spreadMm] };
}

/** The shaft as far as the config knows it: learned signatures when there are, nominal ones (the profile's vane geometry) otherwise. */
export function shaftModel(levelsMm: readonly number[], learned?: LearnedShaft, vanes?: { zoneMm: number; spreadMm: number }): ShaftModel {
  const usable = learned !== undefined && learned.landings.length === levelsMm.length && monotonic(learned.landings.map((l) => l.pressurePa));
  const landings = levelsMm.map((levelMm, i) => {
    const l = usable ? learned.landings[i]! : undefined;
    return {
      levelMm,
      pressurePa: l ? l.pressurePa : -(levelMm - levelsMm[0]!) * (NOMINAL_PA_PER_M / 1000),
      edges: l ? { upper: l.upperMm, lower: l.lowerMm } : nominalEdges(vanes?.zoneMm, vanes?.spreadMm),
    };
  });
  return { landings, learned: usable };
}

/** Pressure falls with height, landing after landing; a table that does not cannot be inverted. */
function monotonic(pa: readonly number[]): boolean {
  return pa.every((p, i) => i === 0 || p < pa[i - 1]!);
}

/**
 * Height (m) at which the learned signature reads `relPa` (pressure minus the bottom landing's,
 * as at learning time): piecewise linear between landings, the end gradients beyond them. The
 * fusion adds its offset state for today's weather and stack effect.
 */
export function heightAt(shaft: ShaftModel, relPa: number): number {
  const ls = shaft.landings;
  let i = 0;
  while (i < ls.length - 2 && relPa < ls[i + 1]!.pressurePa) i++;
  const a = ls[i]!;
  const b = ls[i + 1]!;
  const t = (relPa - a.pressurePa) / (b.pressurePa - a.pressurePa);
  return (a.levelMm + t * (b.levelMm - a.levelMm)) / 1000;
}
