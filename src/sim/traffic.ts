import type { VirtualElevator } from './elevator.js';
import { prng } from './prng.js';
import type { TrafficConfig } from './scenario.js';

/**
 * Normal traffic, deterministic for a seed. When the doors open, everybody alights and, by
 * chance, 1–3 people board and press a car call at once (so nobody waits in an idle car).
 * After an idle pause, somebody calls the car to another floor.
 */
export class TrafficGenerator {
  private readonly random: () => number;
  private idleSinceMs: number | undefined;
  private pauseMs = 0;
  private wasOpen = false;

  constructor(private readonly cfg: TrafficConfig) {
    this.random = prng(cfg.seed);
  }

  /** Called before each model step. */
  tick(e: VirtualElevator): void {
    const s = e.state();
    if (s.doorOpen && !this.wasOpen) this.doorsOpened(e);
    this.wasOpen = s.doorOpen;
    if (!e.idle()) {
      this.idleSinceMs = undefined;
      return;
    }
    if (this.idleSinceMs === undefined) {
      this.idleSinceMs = s.simMs;
      this.pauseMs = (this.cfg.minIdleS + this.random() * (this.cfg.maxIdleS - this.cfg.minIdleS)) * 1000;
    } else if (s.simMs - this.idleSinceMs >= this.pauseMs) {
      e.call(this.otherFloor(e));
      this.idleSinceMs = undefined;
    }
  }

  private doorsOpened(e: VirtualElevator): void {
    e.alightPassengers(e.state().passengers);
    if (this.random() >= this.cfg.boardProbability) return;
    e.boardPassengers(1 + Math.floor(this.random() * 3));
    e.call(this.otherFloor(e));
  }

  private otherFloor(e: VirtualElevator): number {
    const here = e.nearestFloor();
    const to = Math.floor(this.random() * (e.floorCount - 1));
    return to >= here ? to + 1 : to;
  }
}
