import { DAY_MS } from './arrivals.js';
import { gauss } from './gauss.js';
import type { WearScenario } from './scenario.js';
import { Intervals, type Piece } from './timeline.js';
import type { Wear } from './wear.js';

/** Door attempts before the operator is let through anyway (the rules have long raised their fault by then). */
const MAX_ATTEMPTS = 8;
/** After a reversal the door stays open this long before it tries again. */
const RETRY_OPEN_MS = 1500;

type Behaviour = 'block' | 'keep' | 'lean' | undefined;

/**
 * One stop's door cycle: open, passengers out and in, close — with what people and wear do to it.
 * People: somebody blocks the closing door (it reverses and reopens), keeps it open a while, or
 * leans on it (the closing pauses: a slow close); now and then a long hold. Wear: a slow operator
 * at a landing, one that stalls and reverses, a light curtain reversing for nothing, a safety
 * contact interrupting while passengers step in.
 */
export class DoorCycles {
  /** Safety-circuit interruptions (chatter at stops, and the maintenance visits' switch tests). */
  readonly safety = new Intervals();
  cycles = 0;
  private readonly openMs: number[];
  private readonly closeMs: number[];

  constructor(
    private readonly scenario: WearScenario,
    private readonly wear: Wear,
    building: () => number,
    private readonly people: () => number,
    private readonly wearRandom: () => number,
    private readonly physics: () => number,
    private readonly push: (p: Piece) => void,
  ) {
    const b = scenario.building;
    // Every landing door is a little different (hanger rollers, sill, door weight).
    this.openMs = Array.from({ length: b.floors }, () => b.doorOpenS * 1000 * (1 + 0.03 * gauss(building)));
    this.closeMs = Array.from({ length: b.floors }, () => b.doorCloseS * 1000 * (1 + 0.03 * gauss(building)));
  }

  /** The cycle at `floor` from `t`: pieces pushed, the time the door is closed again returned. */
  cycle(floor: number, posMm: number, t: number, paxIn: number, paxOut: number): number {
    const day = t / DAY_MS;
    const noise = () => 1 + 0.015 * gauss(this.physics);
    const openMs = this.openMs[floor]! * noise() * this.wear.doorFactor(floor, 'opening', day);
    const closeMs = this.closeMs[floor]! * noise() * this.wear.doorFactor(floor, 'closing', day);
    let now = t;
    const door = (phase: 'opening' | 'open' | 'closing', f0: number, f1: number, ms: number, pax: number) => {
      this.push({ k: 'door', t0: now, t1: now + ms, posMm, pax, phase, f0, f1 });
      now += ms;
    };
    for (let a = 0; ; a++) {
      const stall = a < MAX_ATTEMPTS ? this.wear.stallChance(floor, 'opening', openMs / 1000, day) : 0;
      if (stall > 0 && this.wearRandom() < stall) {
        // The operator gives up near the end of its stroke and the door falls back closed.
        const f = 0.85 + 0.1 * this.wearRandom();
        door('opening', 0, f, f * openMs, paxIn);
        door('closing', f, 0, f * closeMs, paxIn);
        this.push({ k: 'stand', t0: now, t1: now + 1000, posMm, pax: paxIn, insp: false });
        now += 1000;
        continue;
      }
      door('opening', 0, 1, openMs, paxIn);
      break;
    }
    const behaviour = this.behaviour();
    let dwell = this.scenario.building.dwellS * 1000 + 1000 * (paxIn + paxOut);
    if (behaviour === 'keep') dwell += 3000 + 17_000 * this.people();
    if (this.people() < this.scenario.passengers.longHold) dwell += 30_000 + 70_000 * this.people();
    this.chatter(now, dwell, day);
    door('open', 1, 1, dwell, paxOut);
    for (let a = 0; ; a++) {
      const reverseAt = this.reversal(a, floor, closeMs, day, behaviour);
      if (reverseAt !== undefined) {
        door('closing', 1, reverseAt, (1 - reverseAt) * closeMs, paxOut);
        door('opening', reverseAt, 1, (1 - reverseAt) * openMs, paxOut);
        door('open', 1, 1, RETRY_OPEN_MS, paxOut);
        continue;
      }
      if (a === 0 && behaviour === 'lean') {
        const f = 0.3 + 0.5 * this.people();
        door('closing', 1, f, (1 - f) * closeMs, paxOut);
        door('closing', f, f, 1000 + 2000 * this.people(), paxOut);
        door('closing', f, 0, f * closeMs, paxOut);
      } else door('closing', 1, 0, closeMs, paxOut);
      break;
    }
    this.cycles++;
    return now;
  }

  private behaviour(): Behaviour {
    if (this.people() >= this.scenario.passengers.holdDoor) return undefined;
    const r = this.people();
    return r < 0.5 ? 'block' : r < 0.8 ? 'keep' : 'lean';
  }

  /** Where (opening fraction) a closing attempt reverses, if it does: a stalling operator near the end, a dirty curtain anywhere, a passenger. */
  private reversal(attempt: number, floor: number, closeMs: number, day: number, behaviour: Behaviour): number | undefined {
    if (attempt < MAX_ATTEMPTS) {
      const stall = this.wear.stallChance(floor, 'closing', closeMs / 1000, day);
      if (stall > 0 && this.wearRandom() < stall) return 0.05 + 0.1 * this.wearRandom();
      const edge = this.wear.edgeReversal(day);
      if (edge > 0 && this.wearRandom() < edge) return 0.3 + 0.6 * this.wearRandom();
    }
    return attempt === 0 && behaviour === 'block' ? 0.2 + 0.6 * this.people() : undefined;
  }

  /** A chattering safety contact opens while passengers step in; a long opening is the fault. */
  private chatter(from: number, dwellMs: number, day: number): void {
    const p = this.wear.chatter('safety', day);
    if (p === 0 || this.wearRandom() >= p) return;
    const at = from + this.wearRandom() * dwellMs * 0.8;
    const long = this.wearRandom() < 0.15 * p;
    this.safety.add(at, at + (long ? 600 + 2000 * this.wearRandom() : 80 + 270 * this.wearRandom()));
  }
}
