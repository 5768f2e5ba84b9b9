import { z } from 'zod';
import { EVENT_TYPES } from '../contract/enums.js';
import { nearestFloor } from '../signals/derive.js';
import type { SignalName, SignalValues } from '../signals/types.js';
import { signalValuesSchema, SIGNAL_NAMES, type ReplaySample } from './sample.js';

/**
 * A rule scenario: a signal timeline in sample time, with what the rules must make of it.
 * It is a replay log in compact form — initial signals, then changes — so `elevgw replay` and
 * the corpus test read it the same way; a signal-playback simulator can serve the same samples.
 */

const signalName = z.enum(SIGNAL_NAMES as [SignalName, ...SignalName[]]);
const at = z.number().nonnegative();

const timelineStepSchema = z.union([
  /** From `at` on, these values. */
  z.strictObject({ at, set: signalValuesSchema }),
  /** At the sample at `at` only, these values (a glitch). */
  z.strictObject({ at, glitch: signalValuesSchema }),
  /** These signals read bad from `at`, for one sample or `forMs`. */
  z.strictObject({ at, bad: z.array(signalName).min(1), forMs: z.number().positive().optional() }),
  /**
   * The car travels from where it is to `toMm` at `speedMps`, then stands (speed 0). The door
   * zone and the controller's floor follow the position (when the scenario has them).
   */
  z.strictObject({ at, travel: z.strictObject({ toMm: z.number(), speedMps: z.number().positive() }) }),
]);

/**
 * One episode of a fault (or one instant event) that must happen. A type raised twice needs two
 * entries; any raise no entry takes (sooner, later, once more) fails the scenario.
 */
const expectationSchema = z
  .strictObject({
    type: z.enum(EVENT_TYPES),
    /** Sample time the raise condition begins. */
    conditionAt: at,
    /** The rule's threshold: raised at conditionAt + thresholdMs, at most one sample later. */
    thresholdMs: z.number().nonnegative(),
    /** When the clear condition begins; without it the fault must still be raised at the end... */
    clearAt: at.optional(),
    /** ...and its hold: cleared at clearAt + clearMs, at most one sample later. */
    clearMs: z.number().nonnegative().default(1000),
  })
  .refine((x) => x.clearAt === undefined || x.clearAt + x.clearMs > x.conditionAt + x.thresholdMs, {
    message: 'clearAt + clearMs must come after the raise (conditionAt + thresholdMs)',
    path: ['clearAt'],
  });
export type Expectation = z.infer<typeof expectationSchema>;

/**
 * A fault the scenario tolerates without requiring it: at most one episode of `type`, raised at a
 * sample time within [from, to] (its clear, if any, is free). Twice needs two entries.
 */
const allowanceSchema = z.strictObject({ type: z.enum(EVENT_TYPES), from: at, to: at }).refine((a) => a.from <= a.to, { message: 'from must not be after to', path: ['to'] });
export type Allowance = z.infer<typeof allowanceSchema>;

export const ruleScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  elevator: z
    .strictObject({
      ratedSpeedMps: z.number().positive().default(1.75),
      floorsMm: z.array(z.number()).min(2).default([0, 3000, 6000, 9000, 12000, 15000]),
      /** Half-width of the door zone the travel steps derive from the position. */
      doorZoneMm: z.number().positive().default(100),
    })
    .prefault({}),
  /** Threshold overrides (as under `rules:` in a site config). */
  rules: z.record(z.string(), z.unknown()).optional(),
  sampleMs: z.number().positive().default(100),
  durationMs: z.number().positive(),
  /** Initial values; a signal not named here (or set later) is one the board does not provide. */
  signals: signalValuesSchema,
  timeline: z.array(timelineStepSchema).default([]),
  /** Fault episodes that must happen, in time. */
  expect: z.array(expectationSchema).default([]),
  /** Other fault episodes this scenario may have, each once in its window (anything else fails it). */
  allow: z.array(allowanceSchema).default([]),
});
export type RuleScenario = z.infer<typeof ruleScenarioSchema>;

/** The scenario as samples every `sampleMs` from 0 to `durationMs`. */
export function scenarioSamples(sc: RuleScenario): ReplaySample[] {
  const steps = [...sc.timeline].sort((a, b) => a.at - b.at);
  const state: Partial<SignalValues> = { ...sc.signals };
  const badUntil = new Map<SignalName, number>();
  let travel: { toMm: number; speedMps: number } | undefined;
  let next = 0;
  const out: ReplaySample[] = [];
  for (let t = 0; t <= sc.durationMs; t += sc.sampleMs) {
    let glitch: Partial<SignalValues> = {};
    for (; next < steps.length && steps[next]!.at <= t; next++) {
      const step = steps[next]!;
      if ('set' in step) {
        Object.assign(state, step.set);
        // Setting the position or speed takes the car out of a travel step (e.g. a stop).
        if (step.set.positionMm !== undefined || step.set.speedMps !== undefined) travel = undefined;
      } else if ('glitch' in step) glitch = { ...glitch, ...step.glitch };
      else if ('bad' in step) for (const name of step.bad) badUntil.set(name, t + (step.forMs ?? sc.sampleMs));
      else travel = step.travel;
    }
    if (travel !== undefined && moveCar(state, travel, sc, t === 0 ? 0 : sc.sampleMs)) travel = undefined;
    const values = { ...state, ...glitch };
    const bad = [...badUntil].filter(([, until]) => t < until).map(([name]) => name);
    for (const name of bad) delete values[name];
    out.push({ t, values, bad, source: `${sc.name}@${t}` });
  }
  return out;
}

/** One sample of a travel step; true once arrived. */
function moveCar(state: Partial<SignalValues>, travel: { toMm: number; speedMps: number }, sc: RuleScenario, dtMs: number): boolean {
  const from = state.positionMm ?? 0;
  const left = travel.toMm - from;
  const stepMm = travel.speedMps * dtMs; // m/s × ms = mm
  const arrived = Math.abs(left) <= stepMm;
  state.positionMm = arrived ? travel.toMm : from + Math.sign(left) * stepMm;
  state.speedMps = arrived ? 0 : Math.sign(left) * travel.speedMps;
  const levels = sc.elevator.floorsMm;
  const floor = nearestFloor(levels, state.positionMm);
  if (state.doorZone !== undefined) state.doorZone = Math.abs(state.positionMm - levels[floor]!) <= sc.elevator.doorZoneMm;
  if (state.controllerFloor !== undefined) state.controllerFloor = floor;
  return arrived;
}
