import { describe, expect, it } from 'vitest';
import { type RunSample, StopWatch, type StopWatchOptions } from '../../../src/detect/health/stop-watch.js';
import { Recorder } from './recorder.js';

/**
 * The stop watch's figures trip by trip: what a trip is, which way it went, when it had a cruise,
 * where its ramp is measured, when a stop's levelling is read, what a re-levelling is. Rated
 * 2 m/s, so the bands' edges (10 %, 90 %, the near-miss factor) are exact in floating point.
 */
const OPTS: StopWatchOptions = { stationaryMps: 0.05, ratedSpeedMps: 2, tripMinMs: 1000, settleMs: 500, nearMissFactor: 1.05 };
/** Standing at landing 2 (6 m), door closed, levelled. */
const STAND: RunSample = { speedMps: 0, positionMm: 6000, door: 'closed', doorZone: true, levelingErrorMm: 0, landing: 2, inspection: false };

class Drive {
  readonly r = new Recorder();
  departures = 0;
  t = 0;
  readonly w = new StopWatch(this.r, OPTS, () => this.departures++);

  /** One step of `v` over the standing sample; the next comes `ms` later. */
  step(v: Partial<RunSample>, ms = 100): this {
    this.w.step({ ...STAND, ...v }, this.t);
    this.t += ms;
    return this;
  }

  /** Steps of `v` every 100 ms for `ms`. */
  stand(ms: number, v: Partial<RunSample> = {}): this {
    for (let i = 0; i < ms / 100; i++) this.step(v);
    return this;
  }

  /** One step per speed, 500 ms apart, door closed, out of the zone; then the stop, `stop` over standing. */
  trip(speeds: (number | undefined)[], stop: Partial<RunSample> = {}, moving: Partial<RunSample> = {}): this {
    for (const v of speeds) this.step({ speedMps: v, doorZone: false, landing: null, ...moving }, 500);
    return this.step({ speedMps: 0, ...stop });
  }

  get lines(): string[] {
    return this.r.lines;
  }
}

/** Up to rated with two samples in the ramp band, a 1.5 s cruise, braking: 4 s. */
const PROFILE = [0.8, 1.6, 2, 2, 2, 2, 1.2, 0.4];

describe('StopWatch trips', () => {
  it("a trip's figures go under its direction: 6 m in 4 s at 2 m/s rated is 1 s lost, either way", () => {
    const up = new Drive().stand(1000).trip(PROFILE, { positionMm: 12_000 });
    expect(up.lines).toEqual(['tally trip', 'expose trips 1', 'accelMps2@*/up=1.6', 'peakSpeedRatio@*/up=1', 'tripExcessS@*/up=1']);
    const down = new Drive().stand(1000, { positionMm: 12_000 }).trip(
      PROFILE.map((v) => -v),
      { positionMm: 6_000 },
    );
    expect(down.lines).toEqual(['tally trip', 'expose trips 1', 'accelMps2@*/down=1.6', 'peakSpeedRatio@*/down=1', 'tripExcessS@*/down=1']);
    expect([up.departures, down.departures]).toEqual([1, 1]);
  });

  it('a trip without a second of cruise has no peak or lost time; a ramp ends at its first sample that does not rise', () => {
    const d = new Drive().stand(1000).trip([0.8, 1.2, 1.2, 0.8], { positionMm: 9_000 });
    expect(d.lines).toEqual(['tally trip', 'expose trips 1', 'accelMps2@*/up=0.8']);
  });

  it('a movement shorter than tripMinMs is no trip; one of exactly tripMinMs is, at exactly stationaryMps too', () => {
    expect(new Drive().stand(1000).trip([0.1]).lines).toEqual([]);
    expect(new Drive().stand(1000).trip([0.1, 0.1]).lines).toEqual(['tally trip', 'expose trips 1']);
    expect(new Drive().stand(1000).trip([0.05, 0.05]).lines).toEqual(['tally trip', 'expose trips 1']);
  });

  it('a cruise is time between samples both at 90 % of rated or more: a speed hunting across that line has none', () => {
    const hunting = [0.8, 1.6, 2, 1.6, 2, 1.6, 2, 1.6, 2, 1.2, 0.4];
    expect(
      new Drive()
        .stand(1000)
        .trip(hunting, { positionMm: undefined })
        .lines.some((l) => l.startsWith('peak')),
    ).toBe(false);
    expect(new Drive().stand(1000).trip([2, 2, 2], { positionMm: undefined }).lines).toContain('peakSpeedRatio@*/up=1'); // exactly 1 s
  });

  it('a cruise at exactly 90 % of rated counts; a peak of exactly nearMissFactor × rated is no near-miss', () => {
    expect(new Drive().stand(1000).trip([1.8, 1.8, 1.8, 1.8], { positionMm: undefined }).lines).toEqual(['tally trip', 'expose trips 1', 'peakSpeedRatio@*/up=0.9']);
    expect(new Drive().stand(1000).trip([2.1, 2.1, 2.1, 2.1], { positionMm: undefined }).lines).toEqual(['tally trip', 'expose trips 1', 'peakSpeedRatio@*/up=1.05']);
  });

  it('the ramp is measured inside its band only: a creep below it, the band’s edges, a stall', () => {
    const accel = (speeds: number[]) =>
      new Drive()
        .stand(1000)
        .trip([...speeds, 2, 2, 2, 2, 1.2, 0.4], { positionMm: undefined })
        .lines.filter((l) => l.startsWith('accel'));
    expect(accel([0.1, 0.1, 0.8, 1.6])).toEqual(['accelMps2@*/up=1.6']);
    expect(accel([0.2, 0.6, 1.8])).toEqual(['accelMps2@*/up=1.6']);
    expect(accel([0.4, 0.8, 0.6, 1.2, 1.6])).toEqual(['accelMps2@*/up=0.8']);
  });

  it('lost time needs the position where the trip began: kept through a standing sample read bad, absent when never read', () => {
    const kept = new Drive().stand(1000).stand(200, { positionMm: undefined }).trip(PROFILE, { positionMm: 12_000 });
    expect(kept.lines).toContain('tripExcessS@*/up=1');
    const never = new Drive().stand(1000, { positionMm: undefined }).trip(PROFILE, { positionMm: 12_000 });
    expect(never.lines.some((l) => l.startsWith('tripExcessS'))).toBe(false);
  });

  it('a speed read bad a moment is no stop: one trip', () => {
    const d = new Drive().stand(1000).trip([0.8, 1.6, 2, 2, undefined, 2, 2, 1.2, 0.4], { positionMm: 12_000 });
    expect(d.lines.filter((l) => l === 'tally trip')).toHaveLength(1);
    expect(d.departures).toBe(1);
  });

  it('an inspection run is no trip and measures nothing', () => {
    const d = new Drive()
      .stand(1000, { inspection: true })
      .trip(PROFILE, { positionMm: 12_000, inspection: true }, { inspection: true })
      .stand(2000, { door: 'open', inspection: true, levelingErrorMm: 5 });
    expect(d.lines).toEqual([]);
  });

  it('a board without a door signal departs and times its trips', () => {
    const d = new Drive().stand(1000, { door: undefined }).trip(PROFILE, { positionMm: 12_000, door: undefined }, { door: undefined });
    expect(d.lines.slice(0, 2)).toEqual(['tally trip', 'expose trips 1']);
    expect(d.departures).toBe(1);
  });

  it('running time counts from the first step, and a skipped step moves the time on', () => {
    const d = new Drive();
    for (let i = 0; i < 10; i++) d.step({ speedMps: 1, doorZone: false, landing: null });
    d.step({});
    for (; d.t <= 5000; d.t += 100) d.w.skip(d.t);
    d.step({ speedMps: 1, doorZone: false, landing: null });
    expect(d.r.runningMs).toBe(1000);
  });
});

describe('StopWatch stops', () => {
  /** After a trip up to landing 3: door closed a second, then open. */
  const arrived = () => new Drive().stand(1000).trip(PROFILE, { positionMm: 12_000, landing: 3 });
  const levels = (d: Drive) => d.lines.filter((l) => l.startsWith('levelingMm'));

  it('the levelling is read once the door has stood open in the zone for settleMs, from its last opening', () => {
    const d = arrived()
      .stand(1000, { positionMm: 12_000, landing: 3, levelingErrorMm: 9 })
      .stand(200, { positionMm: 12_000, landing: 3, door: 'open', levelingErrorMm: 8 })
      .stand(200, { positionMm: 12_000, landing: 3, door: 'closed', levelingErrorMm: 7 })
      .step({ positionMm: 12_000, landing: 3, door: 'open', levelingErrorMm: 6 })
      .stand(1000, { positionMm: 12_000, landing: 3, door: 'open', levelingErrorMm: 3 });
    expect(levels(d)).toEqual(['levelingMm@3/up=3']);
  });

  it('no levelling with the floor unread; with the levelling unread, it is read when it reads', () => {
    expect(levels(arrived().stand(2000, { positionMm: 12_000, landing: null, door: 'open', levelingErrorMm: 4 }))).toEqual([]);
    const d = arrived()
      .stand(1000, { positionMm: 12_000, landing: 3, door: 'open', levelingErrorMm: undefined })
      .stand(500, { positionMm: 12_000, landing: 3, door: 'open', levelingErrorMm: 4 });
    expect(levels(d)).toEqual(['levelingMm@3/up=4']);
  });

  it('a re-levelling restarts the settling: the levelling is read settleMs after it', () => {
    const at3 = { positionMm: 12_000, landing: 3, door: 'open' as const };
    const d = arrived()
      .stand(200, { ...at3, levelingErrorMm: 8 })
      .stand(200, { ...at3, speedMps: 0.08, landing: null, levelingErrorMm: 6 })
      .stand(400, { ...at3, levelingErrorMm: 5 })
      .stand(1000, { ...at3, levelingErrorMm: 2 });
    expect(levels(d)).toEqual(['levelingMm@3/up=2']);
  });

  it('re-levellings are counted once per move, in the zone only, at the next departure', () => {
    const at3 = { positionMm: 12_000, landing: 3, door: 'open' as const };
    const relevel = { ...at3, speedMps: 0.06, landing: null };
    const d = arrived()
      .stand(300, at3)
      .stand(300, relevel)
      .stand(200, at3)
      .stand(200, relevel)
      .stand(200, at3)
      .stand(300, { ...relevel, doorZone: false }) // out of the zone with the door open: a fault, not a re-levelling
      .stand(200, at3)
      .stand(500, { ...at3, door: 'closed' })
      .trip(PROFILE, { positionMm: 6_000 });
    expect(d.lines.filter((l) => l.includes('relevels'))).toEqual(['count relevels 2']);
  });
});
