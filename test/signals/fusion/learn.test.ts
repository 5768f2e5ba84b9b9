import { describe, expect, it } from 'vitest';
import type { FusedInput } from '../../../src/signals/fusion/fused-signals.js';
import { type LearnResult, ShaftLearner } from '../../../src/signals/fusion/learn.js';
import { nominalEdges, type ZoneEdges } from '../../../src/signals/fusion/shaft.js';

/**
 * The learning run: the car starts at the bottom landing, visits every landing and comes back
 * down, standing a few seconds at each with the door open. From it: each landing's pressure
 * signature (weather drift taken out), where its vane switches each Hall sensor, and its level
 * (a configured level the measurement confirms is kept). Driven here by a synthetic car in a
 * three-landing shaft, its inputs handed over as the normalizer does, one 100 ms poll at a time.
 */

const G0 = 9.80665;
const LEVELS = [0, 3000, 6000];
/** The vanes' nominal geometry for these tests: upper [−160, 120], lower [−120, 160] (spans of 280 mm). */
const VANES = { zoneMm: 120, spreadMm: 40 };

interface RunOptions {
  /** Where each landing's vane switches the sensors, mm from its level (default: nominal). */
  edges?: (landing: number) => ZoneEdges;
  /** The accelerometer's sensitivity: 1.01 reads 1 % high. */
  sensitivity?: number;
  /** Weather: the pressure moves by this much per second. */
  driftPaPerS?: number;
  /** Signature: the pressure at a height, relative to the bottom, Pa. */
  signature?: (hM: number) => number;
  configuredMm?: readonly number[];
  /** The true levels (default LEVELS). */
  levelsMm?: readonly number[];
  /** An accelerometer offset that appears only while the car travels (a temperature step at each departure), m/s². */
  tripBiasMps2?: number;
  /** Hand each poll's inputs over in reverse time order. */
  reversed?: boolean;
}

class Run {
  t = 0;
  hMm = 0;
  v = 0;
  upper = false;
  lower = false;
  /** Barometer readings given while a stop is recorded, at most (undefined: every 140 ms). */
  pressuresPerStop: number | undefined;
  readonly learner: ShaftLearner;
  private batch: FusedInput[] = [];
  private n = 0;
  private inStop = 0;
  private travelling = false;

  constructor(readonly o: RunOptions = {}) {
    this.learner = new ShaftLearner(o.configuredMm ?? LEVELS, { accelFullScaleMps2: 2 * G0, vanes: VANES });
    this.zone();
    this.batch.push({ signal: 'doorZoneUpper', value: this.upper, at: 0 }, { signal: 'doorZoneLower', value: this.lower, at: 0 }, { signal: 'doorClosed', value: false, at: 0 });
    this.sample(0);
  }

  private zone(): void {
    const inSpan = (which: 'upper' | 'lower') =>
      (this.o.levelsMm ?? LEVELS).some((l, i) => {
        const e = this.o.edges?.(i) ?? nominalEdges(VANES.zoneMm, VANES.spreadMm);
        return this.hMm >= l + e[which][0] && this.hMm <= l + e[which][1];
      });
    this.upper = inSpan('upper');
    this.lower = inSpan('lower');
  }

  private sample(a: number): void {
    const noise = this.n++ % 2 === 0 ? 0.01 : -0.01;
    this.batch.push({ signal: 'accelVerticalMps2', value: (G0 + a) * (this.o.sensitivity ?? 1) + noise + (this.travelling ? (this.o.tripBiasMps2 ?? 0) : 0), at: this.t });
    if (this.t % 140 === 0) {
      const recording = this.learner.progress().at !== undefined;
      this.inStop = recording ? this.inStop + 1 : 0;
      if (this.pressuresPerStop === undefined || (recording && this.inStop <= this.pressuresPerStop)) {
        const sig = this.o.signature ?? ((h: number) => -12 * h);
        const pa = 100_000 + sig(this.hMm / 1000) + ((this.o.driftPaPerS ?? 0) * this.t) / 1000 + (this.n % 4 < 2 ? 0.2 : -0.2);
        this.batch.push({ signal: 'pressurePa', value: pa, at: this.t + 5 }); // not at an accelerometer sample's time
      }
    }
    if (this.t % 100 === 0) this.flush();
  }

  flush(): void {
    this.learner.feed(this.o.reversed ? this.batch.reverse() : this.batch);
    this.batch = [];
  }

  step(a: number): void {
    for (let k = 1; k <= 10; k++) {
      this.hMm += (this.v * 0.001 + 0.5 * a * 1e-6) * 1000;
      this.v += a * 0.001;
      const [u, l] = [this.upper, this.lower];
      this.zone();
      if (u !== this.upper) this.batch.push({ signal: 'doorZoneUpper', value: this.upper, at: this.t + k });
      if (l !== this.lower) this.batch.push({ signal: 'doorZoneLower', value: this.lower, at: this.t + k });
    }
    this.t += 10;
    this.sample(a);
  }

  stand(ms: number): this {
    for (let i = 0; i < ms / 10; i++) this.step(0);
    return this;
  }

  /** A trapezoidal trip (1 m/s², 1 m/s) to `toMm`, at least 1 m away, in 10 mm steps, then `standMs` at the landing. */
  to(toMm: number, standMs = 4000): this {
    const d = Math.round(toMm - this.hMm);
    const s = Math.sign(d);
    this.travelling = true;
    for (let i = 0; i < 100; i++) this.step(s);
    for (let i = 0; i < (Math.abs(d) - 1000) / 10; i++) this.step(0);
    for (let i = 0; i < 100; i++) this.step(-s);
    this.travelling = false;
    return this.stand(standMs);
  }
}

function learned(r: Run): LearnResult {
  r.flush();
  const res = r.learner.result();
  if ('missing' in res) throw new Error(res.missing);
  return res;
}

/** The standard run: 4 s at the bottom, then landings 1, 2 and back to 0, 4 s at each. */
function fullRun(o: RunOptions = {}): Run {
  const levels = o.levelsMm ?? LEVELS;
  return new Run(o).stand(4000).to(levels[1]!).to(levels[2]!).to(levels[0]!);
}

describe('learning run: pressures', () => {
  it("each landing's pressure relative to the bottom, the weather's drift measured at the bottom and taken out", () => {
    // A signature with a stack effect (−11.8 Pa/m − 0.2 Pa/m²), the weather rising 0.1 Pa/s (6 Pa/min).
    const res = learned(fullRun({ signature: (h) => -11.8 * h - 0.2 * h * h, driftPaPerS: 0.1 }));
    expect(res.landings.map((l) => l.pressurePa)).toEqual([0, -37.2, -78]);
    expect(res.shaft.landings.map((l) => l.pressurePa)).toEqual([0, -37.2, -78]);
    expect(res.driftPaPerMin).toBe(6);
  });

  it('a falling barometer: the drift is negative, the signatures the same', () => {
    const res = learned(fullRun({ driftPaPerS: -0.05 }));
    expect(res.landings.map((l) => l.pressurePa)).toEqual([0, -36, -72]);
    expect(res.driftPaPerMin).toBe(-3);
  });
});

describe('learning run: levels', () => {
  it('an accelerometer reading 1 % high: the travel ratio says so, the levels are scaled back to the configured travel', () => {
    const res = learned(fullRun({ sensitivity: 1.01, levelsMm: [0, 3040, 6000] }));
    expect(res.travelRatio).toBe(1.01);
    expect(res.landings.map((l) => l.measuredMm)).toEqual([0, 3040, 6000]);
  });

  it('a configured level the measurement confirms within 80 mm is kept; 81 mm off, the measured one replaces it', () => {
    const kept = learned(fullRun({ levelsMm: [0, 3080, 6000], configuredMm: [0, 3000, 6000] }));
    expect(kept.landings[1]).toMatchObject({ levelMm: 3000, measuredMm: 3080, configuredMm: 3000 });
    const replaced = learned(fullRun({ levelsMm: [0, 3080, 6000], configuredMm: [0, 2999, 6000] }));
    expect(replaced.landings[1]).toMatchObject({ levelMm: 3080, measuredMm: 3080, configuredMm: 2999 });
    const below = learned(fullRun({ levelsMm: [0, 2920, 6000], configuredMm: [0, 3001, 6000] }));
    expect(below.landings[1]).toMatchObject({ levelMm: 2920, measuredMm: 2920 });
  });

  it('an accelerometer offset that changed since the last standstill: each hop forced back to zero speed at its end, the levels within 5 mm', () => {
    const res = learned(fullRun({ tripBiasMps2: 0.02, levelsMm: [0, 3040, 6000] }));
    expect(Math.abs(res.landings[1]!.measuredMm - 3040)).toBeLessThanOrEqual(5);
    expect(res.travelRatio).toBeCloseTo(1, 3);
  });

  it('the configured bottom level is where the measured levels start', () => {
    const res = learned(fullRun({ levelsMm: [0, 3000, 6000], configuredMm: [-1500, 1500, 4500] }));
    expect(res.landings.map((l) => l.measuredMm)).toEqual([-1500, 1500, 4500]);
  });
});

describe('learning run: vane edges', () => {
  // Each vane a little different: landing 0's strip 7 mm high, landing 1's sensors' ends spread, landing 2's 5 mm low.
  const VANE_EDGES: readonly ZoneEdges[] = [
    { upper: [-153, 127], lower: [-113, 167] },
    { upper: [-162, 118], lower: [-121, 163] },
    { upper: [-165, 115], lower: [-125, 155] },
  ];
  const edges = (landing: number): ZoneEdges => VANE_EDGES[landing]!;

  it('a landing passed both ways in and out: all four switching points measured', () => {
    const res = learned(fullRun({ edges }));
    expect(res.landings[1]).toMatchObject({ upperMm: [-162, 118], lowerMm: [-121, 163], edges: 4 });
  });

  it('the bottom landing: the low ends never crossed, taken a nominal span (280 mm) below the measured high ends', () => {
    const res = learned(fullRun({ edges }));
    expect(res.landings[0]).toMatchObject({ upperMm: [127 - 280, 127], lowerMm: [167 - 280, 167], edges: 2 });
  });

  it('the top landing: the high ends never crossed, taken a nominal span above the measured low ends', () => {
    const res = learned(fullRun({ edges }));
    expect(res.landings[2]).toMatchObject({ upperMm: [-165, -165 + 280], lowerMm: [-125, -125 + 280], edges: 2 });
    expect(res.shaft.landings[2]).toEqual({ pressurePa: -72, upperMm: [-165, 115], lowerMm: [-125, 155] });
  });

  it('edges are measured against the stop they left or reached, scaled like the levels', () => {
    const res = learned(fullRun({ edges, sensitivity: 0.98 }));
    expect(res.travelRatio).toBe(0.98);
    expect(res.landings[1]).toMatchObject({ upperMm: [-162, 118], lowerMm: [-121, 163] });
  });

  it('a landing only passed, never stopped at twice: the edges of a pass without a stop are not its own', () => {
    // 0 → 2 passes landing 1 without stopping: its edges belong to no stop; then it is visited from above.
    const r = new Run({ edges }).stand(4000).to(6000).to(3000).to(0);
    const res = learned(r);
    expect(res.landings[1]).toMatchObject({ edges: 4, stops: 1 });
    expect(res.landings[2]).toMatchObject({ edges: 2, stops: 1 });
    // Within 1 mm (the Hall sensors are reported to the ms, at up to 0.6 m/s).
    const within1 = (got: readonly number[], want: readonly number[]) => {
      for (const [i, g] of got.entries()) expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1);
    };
    within1([...res.landings[1]!.upperMm, ...res.landings[1]!.lowerMm], [-162, 118, -121, 163]);
    within1([...res.landings[2]!.upperMm, ...res.landings[2]!.lowerMm], [-165, 115, -125, 155]);
  });
});

describe('learning run: progress and what it refuses', () => {
  it('progress: landings recorded so far, where the car stands, complete only once back at the bottom after all', () => {
    const r = new Run().stand(4000);
    expect(r.learner.progress()).toEqual({ visited: [0], at: 0, complete: false });
    r.to(3000);
    expect(r.learner.progress()).toEqual({ visited: [0, 1], at: 1, complete: false });
    r.to(6000);
    expect(r.learner.progress()).toEqual({ visited: [0, 1, 2], at: 2, complete: false });
    r.to(3000);
    expect(r.learner.progress()).toEqual({ visited: [0, 1, 2], at: 1, complete: false });
    r.to(0);
    expect(r.learner.progress()).toEqual({ visited: [0, 1, 2], at: 0, complete: true });
    r.step(1);
    r.step(1);
    r.flush();
    expect(r.learner.progress().at).toBeUndefined(); // moving
  });

  it('not complete while the bottom has only the closing stop: the first one at the bottom did not count', () => {
    const r = new Run();
    r.pressuresPerStop = 0;
    r.stand(4000);
    r.pressuresPerStop = undefined;
    r.to(3000).to(6000).to(0);
    expect(r.learner.progress()).toEqual({ visited: [0, 1, 2], at: 0, complete: false });
    r.to(3000).to(0);
    expect(r.learner.progress().complete).toBe(true);
  });

  it('landings visited in any order: the vanes are counted from the bottom', () => {
    const res = learned(new Run({ signature: (h) => -11.8 * h - 0.2 * h * h }).stand(4000).to(6000).to(3000).to(0));
    expect(res.landings.map((l) => l.pressurePa)).toEqual([0, -37.2, -78]);
    expect(res.landings.map((l) => l.measuredMm)).toEqual([0, 3000, 6000]);
  });

  it('without a stop at every landing there is no result, only which landings (numbered from 1) are missing', () => {
    const r = new Run().stand(4000);
    r.flush();
    expect(r.learner.result()).toEqual({ missing: 'no stop recorded at landing(s) 2, 3' });
    r.to(6000);
    r.flush();
    expect(r.learner.result()).toEqual({ missing: 'no stop recorded at landing(s) 2' });
  });

  it('a stop counts once the barometer has read 10 times during it, not 9', () => {
    for (const [n, visited] of [
      [9, [0, 2]],
      [10, [0, 1, 2]],
    ] as const) {
      const r = new Run().stand(4000).to(6000);
      r.pressuresPerStop = n;
      r.to(3000, 6000);
      r.pressuresPerStop = undefined;
      r.to(0);
      expect(r.learner.progress().visited, `${n} readings`).toEqual(visited);
      r.flush();
      expect('missing' in r.learner.result(), `${n} readings`).toBe(n === 9);
    }
  });

  it('a stop is recorded after 2 s of proven standstill in the door zone', () => {
    const r = new Run().stand(4000).to(3000, 0);
    const arrived = r.t; // the last braking sample; still from the 12th quiet sample after it (door open)
    r.stand(2110);
    r.flush();
    expect(r.learner.progress().at).toBeUndefined();
    r.stand(10);
    r.flush();
    expect(r.t).toBe(arrived + 2120);
    expect(r.learner.progress().at).toBe(1);
  });

  it('standing outside the door zone, or with only one sensor on the vane, is no stop', () => {
    for (const mm of [3400, 3140, 2860]) {
      const r = new Run().stand(4000).to(mm, 6000);
      expect(r.learner.progress(), `${mm}`).toEqual({ visited: [0], at: undefined, complete: false });
    }
  });

  it("a poll's inputs are applied in the order they were taken, whatever their order in the batch", () => {
    const o: RunOptions = { edges: (l) => nominalEdges(VANES.zoneMm + l, VANES.spreadMm), driftPaPerS: 0.1, sensitivity: 1.01 };
    expect(learned(fullRun({ ...o, reversed: true }))).toEqual(learned(fullRun(o)));
    expect(learned(fullRun({ ...o, reversed: true })).landings[1]!.edges).toBe(4);
  });
});
