import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';
import { DEFAULT_MODEL } from './model.js';

/**
 * The scenario format: a timeline of calls, passengers and injected faults in simulated seconds,
 * plus an optional seeded traffic generator. Plain data (JSON or YAML), validated with zod like
 * any other boundary; errors name the path of the offending field.
 */

const atS = z.number().nonnegative();
const on = z.boolean();

const stepSchema = z.discriminatedUnion('action', [
  z.strictObject({ atS, action: z.literal('call'), floor: z.number().int().nonnegative() }),
  z.strictObject({ atS, action: z.literal('board'), count: z.number().int().positive() }),
  z.strictObject({ atS, action: z.literal('alight'), count: z.number().int().positive() }),
  z.strictObject({ atS, action: z.literal('obstructDoor') }),
  z.strictObject({ atS, action: z.literal('stall') }),
  z.strictObject({ atS, action: z.literal('release') }),
  z.strictObject({ atS, action: z.literal('doorOpenWhileMoving'), durationMs: z.number().positive() }),
  z.strictObject({ atS, action: z.literal('overspeed'), factor: z.number().min(1).max(3), durationMs: z.number().positive() }),
  z.strictObject({ atS, action: z.literal('mainsOff') }),
  z.strictObject({ atS, action: z.literal('mainsOn') }),
  z.strictObject({ atS, action: z.literal('inspection'), on }),
  z.strictObject({ atS, action: z.literal('alarm'), on }),
  z.strictObject({ atS, action: z.literal('freezeHeartbeat'), on }),
]);
export type SimScenarioStep = z.infer<typeof stepSchema>;

/** Overrides of the elevator model (src/sim/model.ts); absent fields keep the defaults. */
const modelOverridesSchema = z.strictObject({
  floorLevelsMm: z.array(z.number().nonnegative()).min(2).optional(),
  ratedSpeedMps: z.number().positive().max(10).optional(),
  accelMps2: z.number().positive().max(5).optional(),
  doorOpenMs: z.number().positive().optional(),
  doorCloseMs: z.number().positive().optional(),
  dwellMs: z.number().nonnegative().optional(),
  doorZoneMm: z.number().positive().optional(),
  landingErrorMm: z.number().min(-100).max(100).optional(),
});

/** Normal traffic: after an idle pause of minIdleS…maxIdleS, a landing call to another floor; passengers ride to a random floor. */
const trafficSchema = z.strictObject({
  seed: z.number().int().default(1),
  minIdleS: z.number().nonnegative().default(5),
  maxIdleS: z.number().nonnegative().default(30),
  /** Chance that somebody boards when the doors open (then they press a car call at once). */
  boardProbability: z.number().min(0).max(1).default(0.6),
});
export type TrafficConfig = z.infer<typeof trafficSchema>;

const simScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    durationS: z.number().positive(),
    elevator: modelOverridesSchema.default({}),
    traffic: trafficSchema.optional(),
    steps: z.array(stepSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const levels = s.elevator.floorLevelsMm ?? DEFAULT_MODEL.floorLevelsMm;
    if (levels[0] !== 0) ctx.addIssue({ code: 'custom', path: ['elevator', 'floorLevelsMm', 0], message: 'the bottom landing must be at 0 mm' });
    levels.forEach((l, i) => {
      if (i > 0 && !(l > levels[i - 1]!))
        ctx.addIssue({ code: 'custom', path: ['elevator', 'floorLevelsMm', i], message: `landing levels must ascend (${l} after ${levels[i - 1]})` });
    });
    s.steps.forEach((step, i) => {
      if (step.atS > s.durationS) ctx.addIssue({ code: 'custom', path: ['steps', i, 'atS'], message: `${step.atS} s is after the end of the scenario (durationS ${s.durationS})` });
      if (step.action === 'call' && step.floor >= levels.length)
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'floor'], message: `no floor ${step.floor} (floors 0–${levels.length - 1})` });
    });
    if (s.traffic && s.traffic.maxIdleS < s.traffic.minIdleS) ctx.addIssue({ code: 'custom', path: ['traffic', 'maxIdleS'], message: 'must be ≥ minIdleS' });
  });
export type SimScenario = z.infer<typeof simScenarioSchema>;
export type SimScenarioInput = z.input<typeof simScenarioSchema>;

/** `steps[2].floor` style, as an installer would point at it in a YAML file. */
function formatPath(path: readonly PropertyKey[]): string {
  const s = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return s.startsWith('.') ? s.slice(1) : s || '(root)';
}

/** Validates a scenario; throws ElevgwError('SCENARIO_INVALID') listing each problem with its path. */
export function parseSimScenario(input: unknown, source = 'scenario'): SimScenario {
  const r = simScenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ElevgwError('SCENARIO_INVALID', `${source} is invalid:\n  ${problems.join('\n  ')}`, { problems });
}
