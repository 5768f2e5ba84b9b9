import { z } from 'zod';
import { ElevgwError } from '../../core/errors.js';

/**
 * A wear scenario: weeks of a lift's life — its building, its traffic, its passengers, and the
 * parts that wear out — as plain data validated by zod. Days are simulated days from the start;
 * every random draw comes from `seed`, so a scenario tells the same story every time.
 */

const day = z.number().nonnegative();
const landing = z.number().int().nonnegative();

/** How fast a wear grows: the effect is `rate × x × (1 + growth × x)` or `× e^(growth × x)` after `onsetDay` (x = days since onset). */
const onset = { onsetDay: day };

const degradationSchema = z.discriminatedUnion('kind', [
  /** A door operator slowing at one landing (rollers, belt, sill): its time grows by e^(growthPerDay·x); past `stallS` it starts to stall and reverse. */
  z.strictObject({
    kind: z.literal('door-operator'),
    ...onset,
    landing,
    motion: z.enum(['closing', 'opening']).default('closing'),
    growthPerDay: z.number().positive().default(0.03),
    stallS: z.number().positive().default(5),
  }),
  /** Suspension ropes stretching: every stop lower by mmPerDay·x, more so the fuller the car. */
  z.strictObject({ kind: z.literal('rope-stretch'), ...onset, mmPerDay: z.number().positive().default(0.35), loadMmPerPaxPerDay: z.number().nonnegative().default(0.05) }),
  /** A brake lining wearing: the car stops past the landing in its direction of travel, more and more. */
  z.strictObject({ kind: z.literal('brake-wear'), ...onset, mmPerDay: z.number().positive().default(0.2), growthPerDay: z.number().nonnegative().default(0.05) }),
  /** A contact starting to chatter: short interruptions (safety: at stops; lock: while running), ever more often, ever longer. */
  z.strictObject({
    kind: z.literal('contact-chatter'),
    ...onset,
    circuit: z.enum(['safety', 'lock']),
    /** Chance of an interruption per stop (safety) or per run (lock) at onset, growing by e^(growthPerDay·x). */
    p0: z.number().positive().max(1).default(0.005),
    growthPerDay: z.number().nonnegative().default(0.15),
  }),
  /** The drive's speed creeping up (a slipping encoder, a drifting setting): peak speed rises by perDay × rated per day. */
  z.strictObject({ kind: z.literal('speed-drift'), ...onset, perDay: z.number().positive().default(0.006) }),
  /** A light curtain getting dirty: closings reverse for nothing, ever more often. */
  z.strictObject({ kind: z.literal('door-edge'), ...onset, p0: z.number().positive().max(1).default(0.01), growthPerDay: z.number().nonnegative().default(0.15) }),
  /** The monitoring link working loose: drop-outs per day growing by e^(growthPerDay·x), and longer. */
  z.strictObject({ kind: z.literal('signal-link'), ...onset, perDay0: z.number().positive().default(0.5), growthPerDay: z.number().nonnegative().default(0.2) }),
]);
export type Degradation = z.infer<typeof degradationSchema>;

const buildingSchema = z
  .strictObject({
    floors: z.number().int().min(2).max(64).default(10),
    floorHeightMm: z.number().positive().default(3000),
    ratedSpeedMps: z.number().positive().max(10).default(1.75),
    accelMps2: z.number().positive().max(3).default(0.8),
    doorOpenS: z.number().positive().default(2.5),
    doorCloseS: z.number().positive().default(3),
    dwellS: z.number().nonnegative().default(4),
    doorZoneMm: z.number().positive().default(150),
  })
  .prefault({});

const trafficSchema = z
  .strictObject({
    /** residential: morning down, evening up; office: morning up, lunch, evening down, quiet weekends; light: even and thin. */
    profile: z.enum(['residential', 'office', 'light']).default('residential'),
    /** Landing calls on a weekday (a call is one group riding one way). */
    requestsPerDay: z.number().positive().default(90),
    /** Day 0's weekday, 0 = Monday. */
    startWeekday: z.number().int().min(0).max(6).default(0),
  })
  .prefault({});

const passengersSchema = z
  .strictObject({
    /** Chance per stop that somebody holds the door: blocks the closing (it reverses), keeps it open, or leans on it (a slow close). */
    holdDoor: z.number().min(0).max(1).default(0.04),
    /** Chance per stop of a long hold (furniture, a pram): 30–100 s open. */
    longHold: z.number().min(0).max(1).default(0.002),
  })
  .prefault({});

const wearScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  days: z.number().positive().max(400),
  seed: z.number().int().default(1),
  building: buildingSchema,
  traffic: trafficSchema,
  passengers: passengersSchema,
  /** Maintenance visits: inspection every `everyDays` (the half-monthly cycle), `minutes` long; the technician tests the stop switches. */
  maintenance: z.strictObject({ everyDays: z.number().positive(), minutes: z.number().positive().default(45) }).optional(),
  /** Monitoring-link drop-outs per day on a healthy line (most too short to outlast the gateway's staleness window). */
  linkDropsPerDay: z.number().nonnegative().default(0),
  degradations: z.array(degradationSchema).default([]),
});
export type WearScenario = z.infer<typeof wearScenarioSchema>;
export type WearScenarioInput = z.input<typeof wearScenarioSchema>;

/** Validates a wear scenario; problems name their path, as the other scenario formats do. */
export function parseWearScenario(input: unknown, source = 'wear scenario'): WearScenario {
  const r = wearScenarioSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ElevgwError('SCENARIO_INVALID', `${source} is invalid:\n  ${problems.join('\n  ')}`, { problems });
  }
  const s = r.data;
  s.degradations.forEach((d, i) => {
    if ('landing' in d && d.landing >= s.building.floors)
      throw new ElevgwError('SCENARIO_INVALID', `${source}: degradations.${i}.landing: no landing ${d.landing} (0–${s.building.floors - 1})`);
  });
  return s;
}
