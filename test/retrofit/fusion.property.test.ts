import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShaftFusion } from '../../src/signals/fusion/fusion.js';
import { shaftModel } from '../../src/signals/fusion/shaft.js';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { Environment } from '../../src/sim/raw-sensors/environment.js';
import { ImuModel } from '../../src/sim/raw-sensors/imu.js';
import { VaneSensors } from '../../src/sim/raw-sensors/vanes.js';
import { gauss } from '../../src/sim/wear/gauss.js';
import { prng } from '../../src/sim/prng.js';

const G = 2 * 9.80665;
const finite = (x: number) => Number.isFinite(x);

/** Everything the fusion says, checked for numbers that are numbers. */
function expectSane(f: ShaftFusion, now: number): void {
  for (const s of [f.position(now), f.speed(now), f.levelingError(now)]) {
    expect(finite(s.value), JSON.stringify(s)).toBe(true);
    expect(['good', 'bad']).toContain(s.quality);
    expect(finite(s.at)).toBe(true);
  }
  const st = f.status(now);
  expect(finite(st.biasMps2)).toBe(true);
}

interface TripCase {
  seed: number;
  noiseDensityUg: number;
  offsetMps2: number;
  scaleError: number;
  trendPaPerDay: number;
  baroNoisePa: number;
  jitterMm: number;
  trips: number[];
  /** Landing levels, mm; ten landings 3 m apart unless given. */
  levels?: number[];
  /** The stack effect, Pa per K of shaft against outdoor air (the simulation's default unless given). */
  stackPaPerK?: number;
}

/**
 * A Hall sensor that misbehaves once. `miss`: the first time `sensor` should switch on at the vane
 * of `landing` with the car moving `up` (or down), it stays off until the car has left that
 * sensor's span (a flaky sensor missing a whole vane). `spurious`: the first time the car crosses
 * `atMm` moving `up` (or down), a 10 ms pulse of `sensor` where there is no vane (noise).
 */
type HallFault = { kind: 'miss'; sensor: 'upper' | 'lower'; landing: number; up: boolean } | { kind: 'spurious'; sensor: 'upper' | 'lower'; atMm: number; up: boolean };

interface Stop {
  atMs: number;
  truthMm: number;
  errorMm: number;
  quality: 'good' | 'bad';
}

interface TripRun {
  stops: Stop[];
  /** The largest position error while the position read good (every 20 ms), mm. */
  worstGoodErrorMm: number;
  faultAtMs: number | undefined;
}

/**
 * The car serves `trips` (a call whenever idle, from 5 s on) with the sensors' imperfections of
 * `n` (and `fault`); returns the position at each door opening. `onSpeed` sees every good speed.
 */
function runTrips(n: TripCase, fault?: HallFault, onSpeed?: (fusedMps: number, trueMps: number, t: number) => void): TripRun {
  const levels = n.levels ?? Array.from({ length: 10 }, (_, i) => i * 3000);
  const car = new VirtualElevator({ floorLevelsMm: levels });
  const imu = new ImuModel({ seed: n.seed, noiseDensityUg: n.noiseDensityUg, offsetMps2: n.offsetMps2, scaleError: n.scaleError });
  const env = new Environment(levels, { seed: n.seed, trendPaPerDay: n.trendPaPerDay, ...(n.stackPaPerK === undefined ? {} : { stackPaPerK: n.stackPaPerK }) });
  const vanes = new VaneSensors(levels, { seed: n.seed, jitterMm: n.jitterMm, mountingMm: 0 });
  const random = prng(n.seed);
  const f = new ShaftFusion({ shaft: shaftModel(levels), accelFullScaleMps2: G, staleAfterMs: 3000, startLanding: 0 });
  const axes: [number, number, number] = [0, 0, 0];
  let prev = car.state();
  vanes.move(prev.positionMm, 0);
  f.sensor('upper', vanes.upper, 0);
  f.sensor('lower', vanes.lower, 0);
  const run: TripRun = { stops: [], worstGoodErrorMm: 0, faultAtMs: undefined };
  let masked = false;
  let wasOpen = false;
  let t = 0;
  const calls = [...n.trips];
  // 40 s a trip is enough for 27 m (doors and dwell included); longer shafts add the time at 1.75 m/s.
  const tripMs = Math.max(40_000, 24_000 + (levels.at(-1)! - levels[0]!) / 1.75);
  const endMs = 30_000 + n.trips.length * tripMs;
  for (; t < endMs; t += 20) {
    if (car.idle() && t > 5000 && calls.length > 0) car.call(calls.shift()!);
    car.step(20);
    const s = car.state();
    f.accel(imu.sample((s.speedMps - prev.speedMps) / 0.02, 20, axes)[2], t);
    const up = s.positionMm > prev.positionMm;
    for (const e of vanes.move(s.positionMm, t)) {
      if (fault?.kind === 'miss') {
        const at = Math.abs(s.positionMm - levels[fault.landing]!) < 1000 && up === fault.up && s.positionMm !== prev.positionMm;
        if (run.faultAtMs === undefined && at && e[fault.sensor] && !masked) {
          masked = true;
          run.faultAtMs = e.atMs;
        } else if (masked && !e[fault.sensor]) masked = false;
      }
      f.sensor('upper', e.upper && !(masked && fault?.sensor === 'upper'), e.atMs);
      f.sensor('lower', e.lower && !(masked && fault?.sensor === 'lower'), e.atMs);
    }
    if (fault?.kind === 'spurious' && run.faultAtMs === undefined && up === fault.up && s.positionMm !== prev.positionMm) {
      const lo = Math.min(prev.positionMm, s.positionMm);
      const hi = Math.max(prev.positionMm, s.positionMm);
      if (fault.atMm >= lo && fault.atMm < hi) {
        run.faultAtMs = t;
        f.sensor(fault.sensor, true, t);
        f.sensor(fault.sensor, false, t + 10);
      }
    }
    f.door(s.doorClosed);
    if (t % 140 === 0) f.pressure(env.pressurePa(s.positionMm, t) + n.baroNoisePa * gauss(random), t);
    const speed = f.speed(t);
    if (speed.quality === 'good') onSpeed?.(speed.value, s.speedMps, t);
    const p = f.position(t);
    if (p.quality === 'good') run.worstGoodErrorMm = Math.max(run.worstGoodErrorMm, Math.abs(p.value - s.positionMm));
    if (s.doorOpen && !wasOpen) run.stops.push({ atMs: t, truthMm: s.positionMm, errorMm: p.value - s.positionMm, quality: p.quality });
    wasOpen = s.doorOpen;
    prev = s;
  }
  return run;
}

/**
 * The car serves `trips` with the sensors' imperfections of `n`: whenever the fused speed is good
 * it is within 0.1 m/s, and at each door opening the position is good and within 50 mm.
 */
function simulateTrips(n: TripCase): void {
  const run = runTrips(n, undefined, (fused, truth, t) => expect(Math.abs(fused - truth), `speed at ${t}`).toBeLessThanOrEqual(0.1));
  for (const stop of run.stops) {
    expect(stop.quality, `position quality at the stop at ${stop.atMs}`).toBe('good');
    expect(Math.abs(stop.errorMm), `stop at ${stop.atMs}`).toBeLessThanOrEqual(50);
  }
}

const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1e308, -1e308, 9.80665, 101_325));

describe('shaft fusion, property-based', () => {
  it('never says NaN or throws, whatever arrives: garbage values, times out of order, sensors flapping', () => {
    const input = fc.oneof(
      fc.record({ kind: fc.constant('accel' as const), v: anyNumber, at: anyNumber }),
      fc.record({ kind: fc.constant('pressure' as const), v: anyNumber, at: anyNumber }),
      fc.record({ kind: fc.constant('sensor' as const), which: fc.constantFrom('upper' as const, 'lower' as const), on: fc.boolean(), at: anyNumber }),
      fc.record({ kind: fc.constant('door' as const), closed: fc.option(fc.boolean(), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 300 }), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), (inputs, start) => {
        const f = new ShaftFusion({
          shaft: shaftModel([0, 3000, 6000, 9000, 12000, 15000, 18000, 21000, 24000, 27000]),
          accelFullScaleMps2: G,
          staleAfterMs: 3000,
          ...(start === undefined ? {} : { startLanding: start }),
        });
        let now = 0;
        for (const i of inputs) {
          if (i.kind === 'accel') f.accel(i.v, i.at);
          else if (i.kind === 'pressure') f.pressure(i.v, i.at);
          else if (i.kind === 'sensor') f.sensor(i.which, i.on, i.at);
          else f.door(i.closed);
          now = 'at' in i && finite(i.at) ? Math.max(now, i.at) : now;
          expectSane(f, now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps position at stops within 50 mm and speed within 0.1 m/s under bounded noise, bias, sensitivity error and weather', () => {
    const noise = fc.record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      noiseDensityUg: fc.double({ min: 50, max: 500, noNaN: true }),
      offsetMps2: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
      // ±3 %, what a MEMS part's sensitivity may be off by (docs/retrofit.md).
      scaleError: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      trendPaPerDay: fc.double({ min: -1000, max: 1000, noNaN: true }),
      baroNoisePa: fc.double({ min: 0, max: 1.5, noNaN: true }),
      jitterMm: fc.double({ min: 0, max: 2, noNaN: true }),
      trips: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 5 }),
    });
    fc.assert(
      fc.property(noise, (n) => simulateTrips(n)),
      // A fixed seed, so CI is repeatable. Fixed 2026-12-02: from 1.9 % scale error on, the speed
      // error passed 0.1 m/s in the first trip (the fixed cases below). The barometer's offset walked
      // with time only, so the signatures' error over a trip — proportional to the distance, as a
      // scale error is — was believed and pulled the scale state the wrong way; it now walks with the
      // distance travelled (kalman.ts). Another seed explores:
      // ELEVGW_FC_SEED=<n> npx vitest run test/retrofit/fusion.property.test.ts
      { numRuns: 25, seed: Number(process.env.ELEVGW_FC_SEED ?? 20261202) },
    );
  });
});

describe('shaft fusion, the accelerometer sensitivity error (fixed cases)', () => {
  // Deterministic cases the property once found (2026-12-02): the speed error passed 0.1 m/s
  // within the first trip, the scale state pulled the wrong way by the barometer.
  const quiet = { offsetMps2: 0, trendPaPerDay: 0, baroNoisePa: 0, jitterMm: 0 };
  it.each<[string, TripCase]>([
    ['+2 %, 410 µg/√Hz, landing 7 then 3', { ...quiet, seed: 628871, noiseDensityUg: 410, scaleError: 0.02, trips: [7, 3] }],
    ['+3 %, 50 µg/√Hz, landing 2 then 0', { ...quiet, seed: 1, noiseDensityUg: 50, scaleError: 0.03, trips: [2, 0] }],
    ['−3 %, 500 µg/√Hz, −0.6 m/s² offset, landing 4 then 5', { ...quiet, seed: 219532, noiseDensityUg: 500, offsetMps2: -0.6, scaleError: -0.03, trips: [4, 5] }],
  ])('%s: speed within 0.1 m/s, stops within 50 mm', (_, n) => simulateTrips(n));
});

describe('shaft fusion, a 33 m express zone without vanes', () => {
  // Three ground floors, 33 m of shaft without a landing, four top floors; the pressure signatures
  // not learned (nominal), so the stack effect is a barometric height error that grows with the
  // height covered, with no vane for 33 m to correct it. With the offset walking with time only
  // (before 2026-12-02) the filter believed the barometer there: in these three cases stops 0.35 to
  // 0.7 m off with the position bad, vanes beyond refused as anchors, the speed up to 0.19 m/s off.
  // At the simulated default stack effect (a cold night, ≈ 58 Pa top to bottom here, 4-5 m of
  // height over the shaft) the walk with √distance alone still lost the position on about a third
  // of such runs (stops 0.1-0.5 m off, reported bad, the vane beyond refused by the fixed 1 m edge
  // gate). 2026-12-02: the offset also grows in proportion to the furthest the car has gone from
  // the last vane (a gradient error, kalman.ts). A scratch sweep, 20 seeds × 3 trip patterns ×
  // −3 %, 0, +3 %: 4 of 180 still end a trip with the position bad (all seed 9; before: 65 of 180).
  // Widening the edge gate by the filter's σ brought that to 0 but let a spurious pulse 1 m short
  // of a vane in as its edge (below), so the gate stays 1 m.
  const levels = [0, 3000, 6000, 39_000, 42_000, 45_000, 48_000];
  const realistic = { noiseDensityUg: 200, offsetMps2: 0.3, trendPaPerDay: -500, baroNoisePa: 1, jitterMm: 1, levels };
  it.each<[string, TripCase]>([
    ['−3 %', { ...realistic, seed: 1, scaleError: -0.03, trips: [5, 0, 6, 2] }],
    ['0 %', { ...realistic, seed: 2, scaleError: 0, trips: [6, 2, 3, 0] }],
    ['+3 %', { ...realistic, seed: 3, scaleError: 0.03, trips: [5, 0, 6, 2] }],
  ])('%s scale error, across it both ways: speed within 0.1 m/s, stops within 50 mm', (_, n) => simulateTrips(n));
});

describe('shaft fusion, a Hall sensor that misses a vane or sees one that is not there', () => {
  // What a user would see of one bad Hall reading: the position may go bad, but it must never be
  // good and more than 50 mm off at a door opening, and by the last stop it must be good and
  // within 50 mm again. A missed vane is a miscount: the count is a landing behind (or ahead) and
  // the edges after it are refused as anchors; the edges of two different vanes refused in a row
  // drop the identification (the position reads bad), and a standstill in a door zone finds the
  // landing again from the filter's height when that is unambiguous (else counting across the
  // shaft does, fusion.ts). A spurious pulse between vanes counts a vane early and the real vane
  // is then taken for the same one, so the count is right again; but near a vane its edge is a
  // wrong anchor. Added 2026-12-02 against an edge gate widened by the filter's σ after a long run
  // without vanes: it took a pulse 1 m short of the arrival vane for the vane's edge and read good
  // 1.07-1.11 m off at the stop (7 of 9 variants each way). The gate is 1 m again; both pass.
  const ten = Array.from({ length: 10 }, (_, i) => i * 3000);
  const express = [0, 3000, 6000, 39_000, 42_000, 45_000, 48_000];
  const realistic = { noiseDensityUg: 200, offsetMps2: 0.3, trendPaPerDay: -500, baroNoisePa: 1, jitterMm: 1 };
  /** Each case on three seeds × −3 %, 0, +3 % sensitivity error. */
  const variants = [1, 2, 3].flatMap((seed) => [-0.03, 0, 0.03].map((scaleError) => ({ ...realistic, seed, scaleError })));
  const floors = (trips: number[]): TripCase[] => variants.map((v) => ({ ...v, levels: ten, trips }));
  const zone = (trips: number[]): TripCase[] => variants.map((v) => ({ ...v, levels: express, trips }));
  /** The upper sensor's span starts 180 mm below a vane's centre (zone 150 + spread 30, src/sim/raw-sensors/vanes.ts). */
  const UPPER_LOW_MM = 180;

  /** Every run that was good and more than 50 mm off at a door, or not good and within 50 mm at its last stop, with what it said at each stop. */
  function goodAndOff(cases: TripCase[], fault: HallFault | undefined): string[] {
    const wrong: string[] = [];
    for (const n of cases) {
      const run = runTrips(n, fault);
      const last = run.stops.at(-1)!;
      const offWhileGood = run.stops.some((s) => s.quality === 'good' && Math.abs(s.errorMm) > 50);
      const recovered = last.quality === 'good' && Math.abs(last.errorMm) <= 50;
      if (fault !== undefined && run.faultAtMs === undefined) wrong.push(`seed ${n.seed} ${n.scaleError}: the fault never happened`);
      if (!offWhileGood && recovered) continue;
      const stops = run.stops.map((s) => `${s.truthMm / 1000} m ${s.quality} ${s.errorMm.toFixed(0)}`).join(', ');
      wrong.push(`seed ${n.seed} ${n.scaleError * 100} %: stops ${stops} (mm); worst while good ${run.worstGoodErrorMm.toFixed(0)} mm`);
    }
    return wrong;
  }

  it.each<[string, TripCase[], HallFault | undefined]>([
    ['3 m floors, no fault', floors([6, 9, 0, 9, 4]), undefined],
    ['3 m floors: a spurious upper pulse mid-floor going up', floors([6, 9, 0, 9, 4]), { kind: 'spurious', sensor: 'upper', atMm: 7500, up: true }],
    ['3 m floors: a spurious upper pulse 1.2 m below a vane going up', floors([6, 9, 0, 9, 4]), { kind: 'spurious', sensor: 'upper', atMm: 9000 - UPPER_LOW_MM - 1200, up: true }],
    ['express zone, no fault', zone([5, 0, 6, 2]), undefined],
    ['express zone: the upper sensor misses the arrival vane going up', zone([5, 0, 6, 2]), { kind: 'miss', sensor: 'upper', landing: 3, up: true }],
    [
      'express zone: a spurious upper pulse 1 m below the arrival vane going up',
      zone([5, 0, 6, 2]),
      { kind: 'spurious', sensor: 'upper', atMm: 39_000 - UPPER_LOW_MM - 1000, up: true },
    ],
    [
      'express zone: a spurious lower pulse 1 m above the arrival vane going down',
      zone([6, 0, 6, 2]),
      { kind: 'spurious', sensor: 'lower', atMm: 6000 + UPPER_LOW_MM + 1000, up: false },
    ],
    // Until 2026-12-02 nothing detected a missed vane (docs/retrofit.md, "A missed vane"), and
    // these three were known to fail, stops good and off over the nine variants:
    // - 3 m floors, upper misses landing 3 going up: the count a landing behind, every edge
    //   refused, the height resting on the barometer read good 44-206 mm off at the next two stops.
    // - 3 m floors, lower misses landing 5 going down: the count a landing ahead; counting past the
    //   top restarted it, and when it re-identified at the bottom the height was 4.6 m off with a
    //   small σ, good, every edge refused from then on: never recovered (worst while good 13 m).
    // - express zone, lower misses the arrival vane going down: the same, re-identified 1.5-1.7 m
    //   off (5.5 m at +3 %), good, not recovered.
    // Now the edges of the two vanes after the miss are refused, the identification is dropped and
    // the next stop reads bad (45-67, 52-103 and 105-190 mm off). On 3 m floors the landing is found
    // again standing there, from the filter's height; in the express zone that height's σ is too
    // large after the zone, and counting afresh finds it at the top. Good and within 21 mm at every
    // stop after, in all nine variants (and in 42 of 42 on seeds 7-20, a scratch run).
    ['3 m floors: the upper sensor misses landing 3 going up', floors([6, 9, 0, 9, 4]), { kind: 'miss', sensor: 'upper', landing: 3, up: true }],
    ['3 m floors: the lower sensor misses landing 5 going down', floors([8, 2, 9, 0, 9, 4]), { kind: 'miss', sensor: 'lower', landing: 5, up: false }],
    ['express zone: the lower sensor misses the arrival vane going down', zone([6, 0, 6, 0, 2]), { kind: 'miss', sensor: 'lower', landing: 2, up: false }],
    // The missed vane is the one the car stops at: one vane's edges refused, the stop reads bad
    // (19-44 mm off; it read good before), found again at the next one.
    ['3 m floors: the upper sensor misses the arrival vane going up', floors([3, 6, 0, 9, 4]), { kind: 'miss', sensor: 'upper', landing: 3, up: true }],
  ])('%s: never good and off at a door, good again later', (_, cases, fault) => expect(goodAndOff(cases, fault)).toEqual([]));
});
