import { describe, expect, it } from 'vitest';
import { heightAt, type LearnedShaft, nominalEdges, shaftModel } from '../../../src/signals/fusion/shaft.js';

/**
 * What the fusion knows of the shaft: each landing's level (from `floors[]`), its pressure
 * signature and its vane's switching points — learned by `elevgw diag learn`, nominal before.
 * The barometer's reading is turned into a height through the signatures: a wrong table is a
 * car placed at the wrong landing.
 */

describe('nominal vane edges', () => {
  it('each Hall sensor spans the vane 150 mm either side of the level, the sensors 30 mm apart', () => {
    // The upper sensor reaches further down, the lower one further up.
    expect(nominalEdges()).toEqual({ upper: [-180, 150], lower: [-150, 180] });
  });

  it("the board profile's vane geometry replaces the defaults", () => {
    expect(nominalEdges(200, 50)).toEqual({ upper: [-250, 200], lower: [-200, 250] });
    expect(nominalEdges(100, 0)).toEqual({ upper: [-100, 100], lower: [-100, 100] });
  });
});

describe('shaft model before a learning run', () => {
  it('pressures fall 11.8 Pa per metre above the bottom landing, whatever level it has', () => {
    const s = shaftModel([1000, 4000, 11_000]);
    expect(s.learned).toBe(false);
    expect(s.landings.map((l) => l.levelMm)).toEqual([1000, 4000, 11_000]);
    const pa = s.landings.map((l) => l.pressurePa);
    expect(pa[0]).toBeCloseTo(0, 12);
    expect(pa[1]).toBeCloseTo(-35.4, 12); // 3 m · 11.8 Pa/m
    expect(pa[2]).toBeCloseTo(-118, 12); // 10 m
  });

  it('every landing gets the nominal vane edges, or the profile geometry when given', () => {
    expect(shaftModel([0, 3000]).landings.map((l) => l.edges)).toEqual([nominalEdges(), nominalEdges()]);
    expect(shaftModel([0, 3000], undefined, { zoneMm: 120, spreadMm: 20 }).landings.map((l) => l.edges)).toEqual([
      { upper: [-140, 120], lower: [-120, 140] },
      { upper: [-140, 120], lower: [-120, 140] },
    ]);
  });
});

describe('shaft model from a learning run', () => {
  const learned: LearnedShaft = {
    landings: [
      { pressurePa: 0, upperMm: [-175, 148], lowerMm: [-152, 181] },
      { pressurePa: -36.1, upperMm: [-179, 151], lowerMm: [-149, 178] },
      { pressurePa: -70.2, upperMm: [-182, 149], lowerMm: [-151, 183] },
    ],
  };

  it('uses the learned signatures and edges, with the levels from the floors', () => {
    const s = shaftModel([0, 3000, 6100], learned, { zoneMm: 300, spreadMm: 60 });
    expect(s).toEqual({
      learned: true,
      landings: [
        { levelMm: 0, pressurePa: 0, edges: { upper: [-175, 148], lower: [-152, 181] } },
        { levelMm: 3000, pressurePa: -36.1, edges: { upper: [-179, 151], lower: [-149, 178] } },
        { levelMm: 6100, pressurePa: -70.2, edges: { upper: [-182, 149], lower: [-151, 183] } },
      ],
    });
  });

  it('a learned table for another number of floors is not used: nominal values instead', () => {
    const s = shaftModel([0, 3000], learned);
    expect(s.learned).toBe(false);
    expect(s.landings[1]!.pressurePa).toBeCloseTo(-35.4, 12);
    expect(s.landings[1]!.edges).toEqual(nominalEdges());
    expect(shaftModel([0, 3000, 6000, 9000], learned).learned).toBe(false);
  });

  it('a learned table whose pressure does not fall landing after landing is not used', () => {
    const flat: LearnedShaft = { landings: [learned.landings[0]!, learned.landings[1]!, { ...learned.landings[2]!, pressurePa: -36.1 }] };
    const rising: LearnedShaft = { landings: [learned.landings[0]!, { ...learned.landings[1]!, pressurePa: 1 }, learned.landings[2]!] };
    for (const table of [flat, rising]) {
      const s = shaftModel([0, 3000, 6000], table);
      expect(s.learned).toBe(false);
      expect(s.landings[2]!.pressurePa).toBeCloseTo(-70.8, 12);
      expect(s.landings[0]!.edges).toEqual(nominalEdges());
    }
  });
});

describe('height from the barometer', () => {
  // Learned: 3 m and 30 Pa up to landing 1, then 4 m and 50 Pa up to landing 2.
  const shaft = shaftModel([0, 3000, 7000], {
    landings: [
      { pressurePa: 0, upperMm: [-180, 150], lowerMm: [-150, 180] },
      { pressurePa: -30, upperMm: [-180, 150], lowerMm: [-150, 180] },
      { pressurePa: -80, upperMm: [-180, 150], lowerMm: [-150, 180] },
    ],
  });

  it("reads each landing's level at its signature", () => {
    expect([0, -30, -80].map((p) => heightAt(shaft, p))).toEqual([0, 3, 7]);
  });

  it('interpolates linearly between the landings, each stretch with its own gradient', () => {
    expect(heightAt(shaft, -15)).toBe(1.5); // half of the 30 Pa to landing 1
    expect(heightAt(shaft, -55)).toBe(5); // half of the 50 Pa from landing 1 to 2: 3 + 2
    expect(heightAt(shaft, -40)).toBeCloseTo(3.8, 12); // 10 of 50 Pa: 3 + 0.8
  });

  it('beyond the ends, continues the end stretches’ gradients', () => {
    expect(heightAt(shaft, 15)).toBe(-1.5); // 15 Pa below the bottom at 10 Pa/m
    expect(heightAt(shaft, -100)).toBe(8.6); // 20 Pa above the top at 12.5 Pa/m: 7 + 1.6
  });

  it('a two-landing shaft is one stretch, continued both ways', () => {
    const two = shaftModel([0, 3000]);
    expect(heightAt(two, -11.8)).toBeCloseTo(1, 12);
    expect(heightAt(two, -59)).toBeCloseTo(5, 12);
    expect(heightAt(two, 11.8)).toBeCloseTo(-1, 12);
  });

  it('the nominal table reads 1 m per 11.8 Pa, from the bottom landing’s level', () => {
    const s = shaftModel([500, 3500, 6500]);
    expect(heightAt(s, 0)).toBeCloseTo(0.5, 12);
    expect(heightAt(s, -11.8 * 4)).toBeCloseTo(4.5, 12);
  });
});
