import { prng } from '../prng.js';
import type { SimState } from '../state.js';
import { Arrivals, DAY_MS, type Request } from './arrivals.js';
import { DoorCycles } from './door-cycle.js';
import { gauss } from './gauss.js';
import { crossingS, runProfile } from './profile.js';
import type { WearScenario } from './scenario.js';
import { evaluate, Intervals, type Piece } from './timeline.js';
import { Wear } from './wear.js';

/** The governor switch trips at 115 % of rated speed. */
const GOVERNOR_RATIO = 1.15;
/** Each leveling sensor stays active this much longer on its side (as VirtualElevator's). */
const SENSOR_SPREAD_MM = 30;
/** The speed at which a run's start and end are marked as events (the gateway's default "stationary"). */
const STATIONARY_MPS = 0.05;
/** Brake lift before a run. */
const START_DELAY_MS = 600;
const HOUR_MS = 3_600_000;

/**
 * A lift living through weeks in closed form: landing calls from the traffic model are served
 * one at a time; each run is a trapezoid evaluated exactly at any instant, each door phase a
 * straight line, so a sample costs the same whether the last one was 100 ms or an hour ago — a
 * simulated month of a busy lift takes seconds. Wear (src/sim/wear/wear.ts) changes door times,
 * stop positions, speed, contacts and the monitoring link as the days pass.
 *
 * Random draws come from separate seeded streams (calls, physics, people, wear, link), each used
 * in the order the story unfolds, so the story does not depend on when it is sampled.
 */
export class WearLift {
  readonly levelsMm: number[];
  readonly ratedSpeedMps: number;
  private readonly pieces: Piece[] = [];
  private head = 0;
  private end = 0;
  private posMm = 0;
  private floor = 0;
  private readonly queue: Request[] = [];
  private nextRequest: Request;
  private readonly arrivals: Arrivals;
  private readonly physics: () => number;
  private readonly wearRandom: () => number;
  private readonly linkRandom: () => number;
  private readonly wear: Wear;
  private readonly doors: DoorCycles;
  private readonly lock = new Intervals();
  private readonly drops = new Intervals();
  /** Drop-outs are drawn up to here. */
  private dropsUntil = 0;
  private nextVisitAt: number;
  /** Ground truth: runs (not in inspection) and door cycles. */
  trips = 0;
  private readonly levelOffsetMm: number[][];

  constructor(readonly scenario: WearScenario) {
    const b = scenario.building;
    const seed = scenario.seed;
    this.levelsMm = Array.from({ length: b.floors }, (_, i) => i * b.floorHeightMm);
    this.ratedSpeedMps = b.ratedSpeedMps;
    this.arrivals = new Arrivals(scenario.traffic, b.floors, prng(seed));
    this.physics = prng(seed * 7919 + 1);
    this.wearRandom = prng(seed * 7919 + 3);
    this.linkRandom = prng(seed * 7919 + 4);
    const building = prng(seed * 7919 + 5);
    // Each landing and direction has its own small stopping offset (vane position, rope stretch at that height).
    this.levelOffsetMm = this.levelsMm.map(() => [0, 1].map(() => Math.max(-3, Math.min(3, 1.5 * gauss(building)))));
    this.wear = new Wear(scenario.degradations);
    this.doors = new DoorCycles(scenario, this.wear, building, prng(seed * 7919 + 2), this.wearRandom, prng(seed * 7919 + 6), (p) => this.pieces.push(p));
    this.nextRequest = this.arrivals.next();
    this.nextVisitAt = scenario.maintenance ? scenario.maintenance.everyDays * DAY_MS + 10 * 3_600_000 : Number.POSITIVE_INFINITY;
  }

  get doorCycles(): number {
    return this.doors.cycles;
  }

  /** Everything a controller or sensor box would report at `t` (ms since the start). */
  stateAt(t: number): SimState {
    const p = this.pieceAt(t);
    const e = evaluate(p, t);
    const nearest = this.nearest(e.posMm);
    const offset = e.posMm - this.levelsMm[nearest]!;
    const zone = this.scenario.building.doorZoneMm;
    const closed = e.door === 'closed';
    return {
      simMs: t,
      positionMm: e.posMm,
      speedMps: e.speedMps,
      door: e.door,
      doorClosed: closed,
      doorOpen: e.door === 'open',
      doorZoneUpper: offset >= -zone - SENSOR_SPREAD_MM && offset <= zone,
      doorZoneLower: offset >= -zone && offset <= zone + SENSOR_SPREAD_MM,
      safetyCircuit: this.doors.safety.at(t) === undefined,
      doorLockCircuit: closed && this.lock.at(t) === undefined,
      overspeedSwitch: Math.abs(e.speedMps) >= GOVERNOR_RATIO * this.ratedSpeedMps,
      passengers: e.pax,
      occupied: e.pax > 0,
      inspection: e.insp,
      alarmButton: false,
      mainsPower: true,
      topFinalLimit: false,
      bottomFinalLimit: false,
      controllerFloor: nearest,
      heartbeat: Math.floor(t / 1000) & 0xffff,
    };
  }

  /** The monitoring link is down at `t` (reads fail): since when. */
  dropoutAt(t: number): number | undefined {
    this.extendTo(t);
    return this.drops.at(t)?.[0];
  }

  /** The next instant after `t` at which anything changes. */
  nextEventAfter(t: number): number {
    const p = this.pieceAt(t);
    return Math.min(p.t1, this.doors.safety.nextAfter(t), this.lock.nextAfter(t), this.drops.nextAfter(t));
  }

  /** How often to look at the lift at `t` when nothing changes: often while it moves, rarely while it waits. */
  cadenceAt(t: number): number {
    if (this.doors.safety.at(t) || this.lock.at(t)) return 100;
    const p = this.pieceAt(t);
    if (p.k === 'run' || this.drops.at(t) !== undefined) return 1000;
    if (p.k === 'door' || p.pax > 0 || p.insp || p.t1 - p.t0 < 10_000) return 2000;
    return 60_000;
  }

  private pieceAt(t: number): Piece {
    this.extendTo(t);
    while (this.pieces[this.head]!.t1 <= t) this.head++;
    if (this.head > 4096) {
      this.pieces.splice(0, this.head);
      this.head = 0;
    }
    return this.pieces[this.head]!;
  }

  /** Writes the story on until it covers `t`. */
  private extendTo(t: number): void {
    while (this.end <= t) this.serveNext();
    this.extendDrops(this.end);
  }

  private serveNext(): void {
    if (this.queue.length === 0) {
      const next = this.nextRequest;
      if (this.nextVisitAt < next.atMs) {
        this.stand(this.nextVisitAt);
        this.visit();
        return;
      }
      this.stand(Math.max(this.end, next.atMs));
      this.queue.push(next);
      this.nextRequest = this.arrivals.next();
    }
    const r = this.queue.shift()!;
    if (r.from !== this.floor) this.run(r.from, 0);
    this.cycle(r.from, 0, r.pax);
    this.run(r.to, r.pax);
    this.cycle(r.to, r.pax, 0);
    while (this.nextRequest.atMs <= this.end) {
      this.queue.push(this.nextRequest);
      this.nextRequest = this.arrivals.next();
    }
  }

  private stand(until: number, insp = false, pax = 0): void {
    if (until <= this.end) return;
    this.pieces.push({ k: 'stand', t0: this.end, t1: until, posMm: this.posMm, pax, insp });
    this.end = until;
  }

  private cycle(floor: number, paxIn: number, paxOut: number): void {
    this.end = this.doors.cycle(floor, this.posMm, this.end, paxIn, paxOut);
    this.stand(this.end + START_DELAY_MS, false, paxOut);
  }

  /** A run to `floor` with `pax` aboard: where it stops, how fast it goes, and whether the lock chatters on the way. */
  private run(floor: number, pax: number, o: { insp?: boolean; vMax?: number; accel?: number } = {}): void {
    const b = this.scenario.building;
    const day = this.end / DAY_MS;
    const level = this.levelsMm[floor]!;
    const dir: 1 | -1 = level >= this.posMm ? 1 : -1;
    const wearOffset = o.insp ? 0 : this.wear.stopOffsetMm(dir, pax, day);
    const target = level + this.levelOffsetMm[floor]![dir > 0 ? 0 : 1]! + gauss(this.physics) - 0.3 * pax + wearOffset;
    const vMax = o.vMax ?? this.ratedSpeedMps * (this.wear.speedFactor(day) + 0.003 * gauss(this.physics));
    const prof = runProfile((target - this.posMm) / 1000, vMax, (o.accel ?? b.accelMps2) * (1 + 0.015 * gauss(this.physics)));
    const t0 = this.end;
    const cross = crossingS(prof, STATIONARY_MPS);
    // Cut where the gateway would see something change: leaving and reaching standstill, two
    // points on the ramp (its slope is the acceleration), the end of the ramp (the peak), braking.
    const a = prof.accelEndS;
    const cuts = [0, cross, 0.3 * a, 0.7 * a, a, prof.brakeStartS, prof.durationS - cross, prof.durationS].map((s) => t0 + s * 1000);
    cuts.sort((x, y) => x - y);
    for (let i = 0; i + 1 < cuts.length; i++) {
      if (cuts[i + 1]! > cuts[i]!)
        this.pieces.push({ k: 'run', t0: cuts[i]!, t1: cuts[i + 1]!, fromMm: this.posMm, dir, prof, s0: (cuts[i]! - t0) / 1000, pax, insp: o.insp ?? false });
    }
    if (!o.insp) {
      this.trips++;
      this.chatterLock(t0, prof.accelEndS, prof.brakeStartS, day);
    }
    this.end = t0 + prof.durationS * 1000;
    this.posMm = target;
    this.floor = floor;
  }

  /** A worn lock contact opens for a moment while the car runs (rarely for longer: the fault). */
  private chatterLock(t0: number, fromS: number, toS: number, day: number): void {
    const p = this.wear.chatter('lock', day);
    if (p === 0 || this.wearRandom() >= p) return;
    const at = t0 + (fromS * 0.5 + this.wearRandom() * Math.max(0.1, toS - fromS * 0.5)) * 1000;
    const long = this.wearRandom() < 0.15 * p;
    this.lock.add(at, at + (long ? 600 + this.wearRandom() * 900 : 80 + this.wearRandom() * 270));
  }

  /** A maintenance visit: inspection on, the stop switches tested (safety circuit open), a slow inspection run up a floor and back. */
  private visit(): void {
    const m = this.scenario.maintenance!;
    const start = this.end;
    const from = this.floor;
    this.stand(start + 10 * 60_000, true);
    this.doors.safety.add(this.end, this.end + 3000);
    this.stand(this.end + 5 * 60_000, true);
    const other = from + 1 < this.levelsMm.length ? from + 1 : from - 1;
    this.run(other, 0, { insp: true, vMax: 0.3, accel: 0.3 });
    this.stand(this.end + 60_000, true);
    this.run(from, 0, { insp: true, vMax: 0.3, accel: 0.3 });
    this.stand(Math.max(this.end + 60_000, start + m.minutes * 60_000), true);
    this.nextVisitAt += m.everyDays * DAY_MS;
  }

  /**
   * Drop-outs of the monitoring link, an hour at a time: a Poisson number per hour at the day's
   * rate, each of a length that grows with the link's wear — most healthy ones are shorter than
   * the gateway's staleness window and never show.
   */
  private extendDrops(t: number): void {
    while (this.dropsUntil <= t) {
      const from = this.dropsUntil;
      this.dropsUntil += HOUR_MS;
      const day = from / DAY_MS;
      const worn = this.wear.dropsPerDay(day);
      const perHour = (this.scenario.linkDropsPerDay + worn) / 24;
      if (perHour <= 0) continue;
      const wear = this.wear.linkWear(day);
      // A healthy line's drop-outs are mostly a lost frame or two; a loose connector's last seconds.
      const visible = 0.2 + (0.4 * worn) / (this.scenario.linkDropsPerDay + worn);
      const starts = Array.from({ length: poisson(perHour, this.linkRandom) }, () => from + this.linkRandom() * HOUR_MS).sort((a, b) => a - b);
      for (const start of starts) {
        const r = this.linkRandom();
        const lengthS = r < 0.1 * wear * wear ? 12 + 13 * this.linkRandom() : r < visible ? 3.5 + 5.5 * this.linkRandom() : 0.3 + 2.2 * this.linkRandom();
        const at = Math.max(start, (this.drops.last()?.[1] ?? 0) + 1000);
        this.drops.add(at, at + lengthS * 1000);
      }
    }
  }

  private nearest(posMm: number): number {
    const h = this.scenario.building.floorHeightMm;
    return Math.max(0, Math.min(this.levelsMm.length - 1, Math.round(posMm / h)));
  }
}

/** A Poisson-distributed count with mean `mean` (Knuth: small means only). */
function poisson(mean: number, random: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}
