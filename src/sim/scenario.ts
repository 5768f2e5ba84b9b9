import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';
import { VirtualElevator, type ElevatorModel } from './elevator.js';

/**
 * A scenario is a timeline of calls, passengers and injected faults, plus an optional seeded
 * traffic generator. Validated by zod, so a scenario file is a boundary like any other.
 */
const at = { atS: z.number().nonnegative() };
export const stepSchema = z.discriminatedUnion('action', [
  z.object({ ...at, action: z.literal('call'), floor: z.number().int().nonnegative() }).strict(),
  z.object({ ...at, action: z.literal('board'), count: z.number().int().positive() }).strict(),
  z.object({ ...at, action: z.literal('alight'), count: z.number().int().positive() }).strict(),
  z.object({ ...at, action: z.literal('stall') }).strict(),
  z.object({ ...at, action: z.literal('release') }).strict(),
  z.object({ ...at, action: z.literal('doorOpenWhileMoving'), durationMs: z.number().positive() }).strict(),
  z.object({ ...at, action: z.literal('overspeed'), factor: z.number().min(1), durationMs: z.number().positive() }).strict(),
  z.object({ ...at, action: z.literal('mainsOff') }).strict(),
  z.object({ ...at, action: z.literal('mainsOn') }).strict(),
  z.object({ ...at, action: z.literal('inspection'), on: z.boolean() }).strict(),
  z.object({ ...at, action: z.literal('alarm'), on: z.boolean() }).strict(),
  z.object({ ...at, action: z.literal('freezeHeartbeat'), on: z.boolean() }).strict(),
]);
export type ScenarioStep = z.infer<typeof stepSchema>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    durationS: z.number().positive(),
    elevator: z
      .object({
        floorLevelsMm: z.array(z.number()).min(2).optional(),
        ratedSpeedMps: z.number().positive().optional(),
        accelMps2: z.number().positive().optional(),
        doorOpenMs: z.number().positive().optional(),
        doorCloseMs: z.number().positive().optional(),
        dwellMs: z.number().positive().optional(),
        doorZoneMm: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    /** Random calls while idle: after an idle pause of minIdleS..maxIdleS, a call to another floor. */
    traffic: z
      .object({ seed: z.number().int().default(1), minIdleS: z.number().nonnegative().default(5), maxIdleS: z.number().positive().default(30), passengers: z.boolean().default(true) })
      .strict()
      .optional(),
    steps: z.array(stepSchema).default([]),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${source} ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)'}: ${i.message}`);
  throw new ElevgwError('SCENARIO_INVALID', lines.join('\n'));
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same traffic on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUB_STEP_MS = 10;

/** Applies a scenario to a VirtualElevator as simulated time passes. */
export class ScenarioRunner {
  readonly elevator: VirtualElevator;
  private next = 0;
  private readonly steps: ScenarioStep[];
  private readonly random: () => number;
  private idleUntil: number | undefined;
  /** Passengers per trip of the traffic generator, seen as simulator truth by tests. */
  constructor(readonly scenario: Scenario) {
    const model: Partial<ElevatorModel> = Object.fromEntries(Object.entries(scenario.elevator).filter(([, v]) => v !== undefined));
    this.elevator = new VirtualElevator(model);
    this.steps = [...scenario.steps].sort((a, b) => a.atS - b.atS);
    this.random = prng(scenario.traffic?.seed ?? 1);
    if (scenario.traffic?.passengers) {
      this.elevator.onDoorsOpen = () => {
        const e = this.elevator;
        e.alightPassengers(Number.MAX_SAFE_INTEGER);
        if (this.random() < 0.6) e.boardPassengers(1 + Math.floor(this.random() * 3));
      };
    }
  }

  get simMs(): number {
    return this.elevator.nowMs;
  }

  get finished(): boolean {
    return this.simMs >= this.scenario.durationS * 1000;
  }

  advance(dtMs: number): void {
    let left = dtMs;
    while (left > 0) {
      const d = Math.min(SUB_STEP_MS, left);
      this.applyDue();
      this.traffic();
      this.elevator.step(d);
      left -= d;
    }
    this.applyDue();
  }

  private applyDue(): void {
    while (this.next < this.steps.length && this.steps[this.next]!.atS * 1000 <= this.simMs) apply(this.elevator, this.steps[this.next++]!);
  }

  private traffic(): void {
    const t = this.scenario.traffic;
    if (!t || !this.elevator.idle()) {
      this.idleUntil = undefined;
      return;
    }
    if (this.idleUntil === undefined) {
      this.idleUntil = this.simMs + (t.minIdleS + this.random() * (t.maxIdleS - t.minIdleS)) * 1000;
      return;
    }
    if (this.simMs < this.idleUntil) return;
    const floors = this.elevator.model.floorLevelsMm.length;
    const here = this.elevator.nearestFloor();
    let to = Math.floor(this.random() * (floors - 1));
    if (to >= here) to++;
    this.elevator.call(to);
    this.idleUntil = undefined;
  }
}

function apply(e: VirtualElevator, s: ScenarioStep): void {
  switch (s.action) {
    case 'call':
      return e.call(Math.min(s.floor, e.model.floorLevelsMm.length - 1));
    case 'board':
      return e.boardPassengers(s.count);
    case 'alight':
      return e.alightPassengers(s.count);
    case 'stall':
      return e.stallBetweenFloors();
    case 'release':
      return e.releaseStall();
    case 'doorOpenWhileMoving':
      return e.openDoorWhileMoving(s.durationMs);
    case 'overspeed':
      return e.overspeed(s.factor, s.durationMs);
    case 'mainsOff':
      return e.mainsOff();
    case 'mainsOn':
      return e.mainsOn();
    case 'inspection':
      return e.setInspection(s.on);
    case 'alarm':
      return e.pressAlarm(s.on);
    case 'freezeHeartbeat':
      return e.freezeHeartbeat(s.on);
  }
}
