import { MAX_SUB_STEP_MS, VirtualElevator } from './elevator.js';
import type { SimScenario, SimScenarioStep } from './scenario.js';
import { TrafficGenerator } from './traffic.js';

/**
 * Applies a scenario to a VirtualElevator as simulated time passes. `advance(dtMs)` steps the
 * model in sub-steps of at most 10 ms, cut so that each scenario step lands on its own time,
 * so the result does not depend on how time is handed in.
 *
 * `restart()` replays the timeline on the same elevator (for looping): position, counters and
 * heartbeat carry on, as they would in a real building.
 */
export class ScenarioRunner {
  readonly elevator: VirtualElevator;
  private readonly steps: readonly SimScenarioStep[];
  private next = 0;
  private startMs = 0;
  private traffic: TrafficGenerator | undefined;

  constructor(
    readonly scenario: SimScenario,
    elevator?: VirtualElevator,
  ) {
    this.elevator = elevator ?? new VirtualElevator(scenario.elevator);
    this.steps = [...scenario.steps].sort((a, b) => a.atS - b.atS); // stable: same-time steps keep their order
    this.traffic = scenario.traffic && new TrafficGenerator(scenario.traffic);
  }

  /** Simulated ms since the scenario (re)started. */
  get scenarioMs(): number {
    return this.elevator.simMs - this.startMs;
  }

  get finished(): boolean {
    return this.scenarioMs >= this.scenario.durationS * 1000;
  }

  restart(): void {
    this.startMs = this.elevator.simMs;
    this.next = 0;
    this.traffic = this.scenario.traffic && new TrafficGenerator(this.scenario.traffic);
  }

  advance(dtMs: number): void {
    let left = dtMs;
    while (left > 0) {
      this.applyDue();
      const untilNext = this.nextStepMs() - this.scenarioMs;
      const d = Math.min(MAX_SUB_STEP_MS, left, untilNext > 0 ? untilNext : Infinity);
      this.traffic?.tick(this.elevator);
      this.elevator.step(d);
      left -= d;
    }
    this.applyDue();
  }

  private nextStepMs(): number {
    const s = this.steps[this.next];
    return s === undefined ? Infinity : s.atS * 1000;
  }

  private applyDue(): void {
    while (this.next < this.steps.length && this.nextStepMs() <= this.scenarioMs) applyStep(this.elevator, this.steps[this.next++]!);
  }
}

function applyStep(e: VirtualElevator, s: SimScenarioStep): void {
  switch (s.action) {
    case 'call':
      e.call(s.floor);
      break;
    case 'board':
      e.boardPassengers(s.count);
      break;
    case 'alight':
      e.alightPassengers(s.count);
      break;
    case 'obstructDoor':
      e.obstructDoor();
      break;
    case 'stall':
      e.stallBetweenFloors();
      break;
    case 'release':
      e.releaseStall();
      break;
    case 'doorOpenWhileMoving':
      e.openDoorWhileMoving(s.durationMs);
      break;
    case 'overspeed':
      e.overspeed(s.factor, s.durationMs);
      break;
    case 'mainsOff':
      e.mainsOff();
      break;
    case 'mainsOn':
      e.mainsOn();
      break;
    case 'inspection':
      e.setInspection(s.on);
      break;
    case 'alarm':
      e.pressAlarm(s.on);
      break;
    case 'freezeHeartbeat':
      e.freezeHeartbeat(s.on);
      break;
  }
}
