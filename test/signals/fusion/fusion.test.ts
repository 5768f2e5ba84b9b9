import { describe, expect, it } from 'vitest';
import type { FusionOptions, ShaftFusion } from '../../../src/signals/fusion/fusion.js';
import { Car, type CarOptions, FULL_SCALE, fusion, G0, P0, rest } from './car.js';

/**
 * The shaft fusion: accelerometer, barometer and the two door-zone Hall sensors in, the car's
 * position, speed, landing and levelling error out, each good or bad with the time it stands for.
 * Driven here by a synthetic car in a three-landing shaft (0, 3, 6 m), no simulator.
 */

describe('fusion: standing at the known start landing', () => {
  it('before the first standstill the speed is a guess (bad, stamped now); after it, good, stamped with the last sample', () => {
    const car = new Car();
    car.stand(500);
    expect(car.f.speed(505)).toEqual({ value: car.f.speed(505).value, quality: 'bad', at: 505 });
    car.stand(2500);
    const s = car.f.speed(3005);
    expect(s.quality).toBe('good');
    expect(s.at).toBe(3000);
    expect(s.value).toBeCloseTo(0, 3);
  });

  it('the speed waits for the bias: at the first sample proven still it is still bad', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 0, 1000);
    expect(f.status(1000).still).toBe(true);
    expect(f.speed(1000).quality).toBe('bad');
    rest(f, 1010, 3000);
    expect(f.speed(3000).quality).toBe('good');
  });

  it("the standstill finds the accelerometer's offset (its bias)", () => {
    const car = new Car({}, { biasMps2: 0.05 });
    car.stand(3000);
    expect(car.f.status(3000).biasMps2).toBeCloseTo(0.05, 3);
    expect(car.f.speed(3000).value).toBeCloseTo(0, 3);
  });

  it('with the barometer reading, the position is good at the landing, the landing known', () => {
    const car = new Car();
    car.stand(3000);
    const p = car.f.position(3000);
    expect(p.quality).toBe('good');
    expect(p.at).toBe(3000);
    expect(p.value).toBeCloseTo(0, 0);
    expect(car.f.landing()).toBe(0);
    expect(car.f.status(3000)).toMatchObject({ identified: true, landing: 0, still: true, accelHealthy: true, baroHealthy: true, anchors: 0 });
  });

  it('without any barometer reading, the position reads bad (stamped now), though the speed is good', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 0, 3000);
    expect(f.speed(3000).quality).toBe('good');
    expect(f.position(3005)).toMatchObject({ quality: 'bad', at: 3005 });
    expect(f.levelingError(3005)).toMatchObject({ quality: 'bad', at: 3005 });
    expect(f.status(3005).baroHealthy).toBe(false);
  });
});

describe('fusion: when the car is proven still', () => {
  it('door open: as soon as the 12-sample quiet window is full', () => {
    const f = fusion();
    f.sensor('upper', false, 0);
    f.sensor('lower', false, 0);
    f.door(false);
    rest(f, 0, 100);
    expect(f.status(100).still).toBe(false);
    rest(f, 110, 110);
    expect(f.status(110).still).toBe(true);
    expect(f.height()).toEqual({ heightM: f.height().heightM, still: true, sinceMs: 110 });
  });

  it('door closed or unknown, outside a door zone: after 2 s of quiet', () => {
    for (const door of [true, undefined]) {
      const f = fusion();
      f.sensor('upper', false, 0);
      f.sensor('lower', false, 0);
      f.door(door);
      rest(f, 0, 2100); // quiet from the 12th sample, at 110 ms
      expect(f.status(2100).still).toBe(false);
      rest(f, 2110, 2110);
      expect(f.status(2110).still).toBe(true);
    }
  });

  it('in a door zone: after 1 s in it', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 0, 990);
    expect(f.status(990).still).toBe(false);
    rest(f, 1000, 1000);
    expect(f.status(1000).still).toBe(true);
  });

  it('in a door zone: and after half a second of quiet', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 1000, 1600); // quiet from 1110
    expect(f.status(1600).still).toBe(false);
    rest(f, 1610, 1610);
    expect(f.status(1610).still).toBe(true);
  });

  it('in a door zone only while both sensors are on', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', false, 0);
    rest(f, 0, 1990);
    expect(f.status(1990).still).toBe(false);
  });

  it('an accelerometer noisier than 0.08 m/s² (σ) is not quiet; a configured quietSigma moves that line', () => {
    const noisy = fusion();
    noisy.door(false);
    rest(noisy, 0, 500, 0.0801);
    expect(noisy.status(500).still).toBe(false);
    const calm = fusion();
    calm.door(false);
    rest(calm, 0, 500, 0.0799);
    expect(calm.status(500).still).toBe(true);
    const tolerant = fusion({ quietSigma: 0.2 });
    tolerant.door(false);
    rest(tolerant, 0, 500, 0.19);
    expect(tolerant.status(500).still).toBe(true);
  });

  it('a car cruising at constant speed feels nothing, yet is not still', () => {
    const car = new Car();
    car.stand(2000);
    const seen: boolean[] = [];
    car.trip(3000, () => seen.push(car.f.status(car.t).still));
    expect(seen.length).toBe(200);
    expect(seen.every((s) => !s)).toBe(true);
    car.stand(1000);
    expect(car.f.status(car.t).still).toBe(true);
  });
});

describe('fusion: stale and broken sensors', () => {
  it(`the accelerometer silent longer than staleAfterMs: speed and position bad, stamped with its last sample`, () => {
    const car = new Car();
    car.stand(3000);
    expect(car.f.speed(6000).quality).toBe('good');
    expect(car.f.speed(6001)).toMatchObject({ quality: 'bad', at: 3000 });
    expect(car.f.position(6001)).toMatchObject({ quality: 'bad', at: 3000 });
    expect(car.f.status(6000).accelHealthy).toBe(true);
    expect(car.f.status(6001).accelHealthy).toBe(false);
  });

  it('the barometer silent: the position reads bad after 2 s (or half of staleAfterMs when longer), stamped with its last reading', () => {
    for (const [staleAfterMs, holdMs] of [
      [3000, 2000],
      [6000, 3000],
    ] as const) {
      const car = new Car({ staleAfterMs });
      car.stand(3000);
      car.baroOn = false;
      car.stand(500);
      const last = 2940; // readings every 140 ms
      expect(car.f.position(last + holdMs).quality, `${staleAfterMs}`).toBe('good');
      expect(car.f.position(last + holdMs + 1), `${staleAfterMs}`).toEqual({ value: car.f.position(0).value, quality: 'bad', at: last });
      // The status's own verdict keeps to staleAfterMs.
      expect(car.f.status(last + staleAfterMs).baroHealthy).toBe(true);
      expect(car.f.status(last + staleAfterMs + 1).baroHealthy).toBe(false);
    }
  });

  it('a barometer repeating one value (13 readings alike): the position reads bad from the 13th, stamped with the 12th', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 0, 3000);
    for (let i = 0; i < 12; i++) f.pressure(P0, 1000 + i * 140);
    expect(f.position(2540).quality).toBe('good');
    f.pressure(P0, 2680);
    expect(f.position(2680)).toMatchObject({ quality: 'bad', at: 2540 });
    expect(f.status(2680).baroHealthy).toBe(false);
    f.pressure(P0 + 0.1, 2820);
    expect(f.position(2820).quality).toBe('good');
  });

  it('the accelerometer at 98 % of its full scale is clipped: the speed reads bad for 1 s, stamped with the last good sample', () => {
    const car = new Car();
    car.stand(2000);
    car.f.accel(FULL_SCALE * 0.98, 2005);
    expect(car.f.speed(2005)).toMatchObject({ quality: 'bad', at: 2000 });
    expect(car.f.status(2005).samplesRejected).toBe(0); // clipped is not garbage
    rest(car.f, 2010, 3000);
    expect(car.f.speed(3004).quality).toBe('bad');
    expect(car.f.speed(3005).quality).toBe('good');
    expect(car.f.speed(3005).value).toBeCloseTo(0, 3); // the clipped sample was not integrated
  });

  it('just below 98 % of full scale the accelerometer is believed', () => {
    const car = new Car();
    car.stand(2000);
    car.f.accel(FULL_SCALE * 0.98 - 1e-6, 2005);
    expect(car.f.speed(2005)).toMatchObject({ quality: 'good', at: 2005 });
    expect(car.f.speed(2005).value).toBeCloseTo(((FULL_SCALE * 0.98 - G0) * 5) / 1000, 2);
  });

  it('the full scale is the configured one', () => {
    const car = new Car({ accelFullScaleMps2: 4 * G0 });
    car.stand(2000);
    car.f.accel(FULL_SCALE * 0.98, 2005);
    expect(car.f.speed(2005).quality).toBe('good');
  });

  it('samples beyond the full scale, or not numbers, are counted as rejected and ignored', () => {
    const car = new Car();
    car.stand(2000);
    const before = car.f.speed(2000).value;
    car.f.accel(FULL_SCALE * 1.011, 2001);
    car.f.accel(Number.NaN, 2002);
    car.f.accel(FULL_SCALE * 1.009, 2003);
    expect(car.f.status(2003).samplesRejected).toBe(2);
    expect(car.f.speed(2003).value).toBe(before);
  });

  it('an accelerometer sample not after the last one (or without a time) is ignored', () => {
    const car = new Car();
    car.stand(2000); // the last sample at 2000, the car proven still
    const before = car.f.speed(2000).value;
    car.f.accel(G0 + 3, 2000);
    car.f.accel(G0 + 3, 1990);
    car.f.accel(G0 + 3, Number.NaN);
    expect(car.f.status(2000).still).toBe(true);
    expect(car.f.speed(2000).value).toBe(before);
  });

  it('an accelerometer repeating one value (26 samples alike): the speed reads bad', () => {
    const f = fusion();
    f.sensor('upper', true, 0);
    f.sensor('lower', true, 0);
    rest(f, 0, 2000);
    for (let i = 1; i <= 25; i++) f.accel(G0, 2000 + i * 10);
    expect(f.speed(2250).quality).toBe('good');
    f.accel(G0, 2260);
    expect(f.speed(2260)).toMatchObject({ quality: 'bad', at: 2250 });
  });

  it('a pressure reading metres off the others is refused and counted; the position does not jump', () => {
    const car = new Car();
    car.stand(3000);
    const before = car.f.position(3000).value;
    car.f.pressure(P0 + 100, 3005); // 8.5 m lower, at once
    expect(car.f.status(3005).baroRejected).toBe(1);
    expect(car.f.position(3005).value).toBe(before);
  });

  it('pressures out of range are counted as barometer rejections', () => {
    const f = fusion();
    f.pressure(29_999, 0);
    f.pressure(115_001, 10);
    f.pressure(30_000, 20);
    f.pressure(Number.NaN, 30);
    f.pressure(P0, Number.NaN);
    expect(f.status(40).baroRejected).toBe(3);
    expect(f.status(40).baroHealthy).toBe(true);
  });
});

describe('fusion: a trip from landing 0 to landing 1', () => {
  function trip(
    o: Partial<FusionOptions> = {},
    car: CarOptions = {},
    toMm = 3000,
  ): { car: Car; cruise: { speed: ReturnType<ShaftFusion['speed']>; position: ReturnType<ShaftFusion['position']>; trueMm: number }[] } {
    const c = new Car(o, car);
    c.stand(2000);
    const cruise: { speed: ReturnType<ShaftFusion['speed']>; position: ReturnType<ShaftFusion['position']>; trueMm: number }[] = [];
    c.trip(toMm, () => cruise.push({ speed: c.f.speed(c.t), position: c.f.position(c.t), trueMm: c.hMm }));
    c.stand(3000);
    return { car: c, cruise };
  }

  it('while cruising the speed reads good and within 1 cm/s of 1 m/s, the position good and within 5 mm', () => {
    const { cruise } = trip();
    for (const s of cruise) {
      expect(s.speed.quality).toBe('good');
      expect(Math.abs(s.speed.value - 1)).toBeLessThan(0.01);
      expect(s.position.quality).toBe('good');
      expect(Math.abs(s.position.value - s.trueMm)).toBeLessThan(5);
    }
  });

  it('arrived: landing 1, position good within 2 mm of 3000 mm, levelling error within 2 mm, speed zero', () => {
    const { car } = trip();
    const now = car.t;
    expect(car.f.landing()).toBe(1);
    expect(car.f.position(now).quality).toBe('good');
    expect(Math.abs(car.f.position(now).value - 3000)).toBeLessThan(2);
    expect(car.f.levelingError(now)).toMatchObject({ quality: 'good', at: now });
    expect(Math.abs(car.f.levelingError(now).value)).toBeLessThan(2);
    expect(car.f.speed(now).value).toBeCloseTo(0, 3);
    expect(car.f.status(now)).toMatchObject({ identified: true, landing: 1, still: true, anchors: 4, anchorsRejected: 0 });
  });

  it('each vane edge is told with its landing, sensor, end and the height the filter had there', () => {
    const { car } = trip();
    expect(car.edges.map((e) => [e.landing, e.sensor, e.end])).toEqual([
      [0, 'upper', 1],
      [0, 'lower', 1],
      [1, 'upper', 0],
      [1, 'lower', 0],
    ]);
    const expected = [0.15, 0.18, 2.82, 2.85];
    for (const [i, e] of car.edges.entries()) expect(Math.abs(e.heightM - expected[i]!)).toBeLessThan(0.003);
    // Told at the ms the sensor switched: 150 mm up is 0.548 s into the 1 m/s² start (after 2 s standing).
    expect(car.edges[0]!.at).toBe(2548);
  });

  it('stopped 20 mm above the level: the levelling error says +20 mm', () => {
    const { car } = trip({}, {}, 3020);
    expect(Math.abs(car.f.levelingError(car.t).value - 20)).toBeLessThan(2);
    expect(car.f.landing()).toBe(1);
  });

  it("a landing's vane 20 mm above its table level, the car stopped level with the vane: the levelling error is about zero, not 20 mm", () => {
    const { car } = trip({}, { vaneShiftMm: [0, 20, 0] }, 3020);
    expect(Math.abs(car.f.levelingError(car.t).value)).toBeLessThan(2);
    expect(car.f.landing()).toBe(1);
  });

  it('an accelerometer silent for 2 s while cruising is bridged; for longer, the speed is unknown', () => {
    for (const [gapMs, quality] of [
      [2000, 'good'],
      [2010, 'bad'],
    ] as const) {
      const c = new Car();
      c.stand(2000);
      let resumeAt = 0;
      c.trip(6000, (ms) => {
        if (ms === 200) c.accelOn = false;
        if (ms === 200 + gapMs - 10) {
          c.accelOn = true;
          resumeAt = c.t + 10;
        }
        if (ms === 200 + gapMs) {
          expect(c.t).toBe(resumeAt);
          expect(c.f.speed(c.t).quality, `${gapMs}`).toBe(quality);
        }
      });
    }
  });
});

describe('fusion: finding the landing', () => {
  it('started without a known landing: position bad until the vanes of the whole shaft are counted, then good at the top', () => {
    const car = new Car({ startLanding: undefined });
    car.stand(2000);
    expect(car.f.speed(car.t).quality).toBe('good'); // the speed does not wait for the landing
    expect(car.f.position(car.t + 5)).toMatchObject({ quality: 'bad', at: car.t + 5 });
    expect(car.f.status(car.t)).toMatchObject({ identified: false, landing: undefined });
    car.trip(3000);
    car.stand(2000);
    expect(car.f.position(car.t).quality).toBe('bad');
    expect(car.f.landing()).toBeUndefined();
    expect(car.edges.every((e) => e.landing === undefined)).toBe(true);
    car.trip(6000);
    car.stand(3000);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 2 });
    expect(car.f.position(car.t).quality).toBe('good');
    expect(Math.abs(car.f.position(car.t).value - 6000)).toBeLessThan(10);
  });
});

describe('fusion: a missed vane', () => {
  /** From landing 0 to 2, the Hall sensors missing landing 1's vane; then down to landing 1. */
  function missed() {
    const car = new Car();
    car.stand(2000);
    car.blind.add(1);
    car.trip(6000);
    car.blind.clear();
    car.stand(3000);
    const atTop = { position: car.f.position(car.t), status: car.f.status(car.t) };
    car.trip(3000, (ms) => {
      if (ms === 1000) car.f.door(true);
    });
    const lost = { position: car.f.position(car.t), status: car.f.status(car.t) };
    return { car, atTop, lost };
  }

  it("one vane's edges refused (the count says landing 1 at landing 2): the position reads bad, the count kept", () => {
    const { atTop } = missed();
    expect(atTop.position.quality).toBe('bad');
    expect(atTop.status).toMatchObject({ identified: true, landing: 1, anchorsRejected: 2 });
  });

  it("a second vane's edges refused in a row: the landing is lost", () => {
    const { lost } = missed();
    expect(lost.position.quality).toBe('bad');
    // Refused: entering the top vane (2 edges), leaving it (2, the same vane), entering landing 1's (2: lost at the first).
    expect(lost.status).toMatchObject({ identified: false, landing: undefined, anchorsRejected: 6 });
  });

  it('lost, standing in a door zone: the landing is found from the height, the position bad until an edge confirms it', () => {
    const { car } = missed();
    car.stand(1500);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 1 });
    expect(car.f.position(car.t).quality).toBe('bad');
    car.trip(6000);
    car.stand(2000);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 2 });
    expect(car.f.position(car.t).quality).toBe('good');
    expect(Math.abs(car.f.position(car.t).value - 6000)).toBeLessThan(10);
  });
});

describe('fusion: a learning run', () => {
  it('edges are told with their landings, but none anchors the height: the levels are what is measured', () => {
    const car = new Car({ learning: true });
    car.stand(2000);
    car.trip(3000);
    car.stand(2000);
    expect(car.edges.map((e) => e.landing)).toEqual([0, 0, 1, 1]);
    expect(car.f.status(car.t)).toMatchObject({ anchors: 0, anchorsRejected: 0, landing: 1 });
    expect(car.f.height().still).toBe(true);
    expect(Math.abs(car.f.height().heightM - 3)).toBeLessThan(0.01);
  });
});
