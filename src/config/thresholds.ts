import { z } from 'zod';

/**
 * The thresholds' schema, built anew on each call and kept by no module: a running gateway needs it
 * only while its config is loaded (site.ts says why that matters).
 */
export function thresholdsSchema() {
  /**
   * Early warning (docs/early-warning.md): health indicators against baselines learned on the lift.
   * Times are in days and hours of observed time (the gateway running), not of the calendar.
   */
  const earlyWarningSchema = z
    .object({
      /** Health indicators and early warnings on (they cost little: see `npm run bench`). */
      enabled: z.boolean().default(true),
      /** A baseline is learned over at least this many days of observation before it can warn. */
      learningDays: z.number().positive().default(7),
      /** ... and from at least this many observations of its indicator (per landing where it has one). */
      minObservations: z.number().int().min(3).default(20),
      /** Band around the baseline: this many standard errors of the recent median (or the indicator's minimum margin, whichever is wider). */
      marginSigmas: z.number().positive().default(4),
      /** Outside its band this long to raise a warning. */
      sustainH: z.number().nonnegative().default(6),
      /** Back inside its band this long to clear it. */
      clearH: z.number().nonnegative().default(24),
      /** The same cause is never raised twice within this. */
      repeatH: z.number().nonnegative().default(24),
      /** A trip faster than this × rated speed is an overspeed near-miss (counted in the daily statistics). */
      nearMissFactor: z.number().min(1).default(1.05),
      /** Smallest drift worth a warning, per indicator, in its unit: below it a change is not one a technician would act on. */
      minMargin: z
        .object({
          doorCloseS: z.number().positive().default(0.5),
          doorOpenS: z.number().positive().default(0.5),
          doorReopens: z.number().positive().default(10),
          failedCloses: z.number().positive().default(5),
          levelingMm: z.number().positive().default(3),
          relevels: z.number().positive().default(10),
          tripExcessS: z.number().positive().default(1),
          peakSpeedRatio: z.number().positive().default(0.04),
          accelMps2: z.number().positive().default(0.1),
          safetyGlitches: z.number().positive().default(2),
          lockGlitches: z.number().positive().default(2),
          sensorDrops: z.number().positive().default(3),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({});

  /**
   * Rule thresholds with the defaults of docs/domain.md (every key: docs/configuration.md). Site-wide
   * under `rules:` and overridable per elevator.
   * Units are in the key names (S = seconds, Ms = milliseconds, Mps = m/s, Mm = millimetres).
   */
  return z
    .object({
      /** Below this |speed| the car counts as stationary. */
      stationaryMps: z.number().positive().default(0.05),
      /**
       * A raised fault clears only after its clear condition has held this long, so a one-sample
       * glitch (a flaky PIR, a bouncing contact) never ends an episode. Rules with their own clear
       * hold (overspeed.clearS, powerLoss.clearS) use theirs.
       */
      clearHoldMs: z.number().nonnegative().default(1000),
      trapped: z
        .object({
          outsideZoneS: z.number().positive().default(30),
          insideZoneS: z.number().positive().default(120),
        })
        .strict()
        .default({ outsideZoneS: 30, insideZoneS: 120 }),
      doorOpenWhileMoving: z
        .object({
          holdMs: z.number().nonnegative().default(200),
          outsideZoneMps: z.number().positive().default(0.1),
          insideZoneMps: z.number().positive().default(0.3),
        })
        .strict()
        .default({ holdMs: 200, outsideZoneMps: 0.1, insideZoneMps: 0.3 }),
      overspeed: z
        .object({
          factor: z.number().min(1).default(1.15),
          holdMs: z.number().nonnegative().default(100),
          clearS: z.number().nonnegative().default(2),
          /** On a speed fused from a retrofit box's sensors, the limit is this much higher: the fusion's error bound (docs/retrofit.md). */
          fusedMarginMps: z.number().nonnegative().default(0.1),
        })
        .strict()
        .default({ factor: 1.15, holdMs: 100, clearS: 2, fusedMarginMps: 0.1 }),
      stoppedOutsideZone: z
        .object({ holdS: z.number().positive().default(5) })
        .strict()
        .default({ holdS: 5 }),
      powerLoss: z
        .object({
          holdS: z.number().nonnegative().default(2),
          clearS: z.number().nonnegative().default(2),
        })
        .strict()
        .default({ holdS: 2, clearS: 2 }),
      sensorLost: z
        .object({ holdS: z.number().positive().default(10) })
        .strict()
        .default({ holdS: 10 }),
      // Sections below use prefault({}): the inner defaults are the single place each figure lives.
      maintenanceSession: z
        .object({
          /** Inspection must be on this long to open a session (switch bounce). */
          holdS: z.number().nonnegative().default(1),
          /** ... and off this long to close it. */
          clearS: z.number().nonnegative().default(2),
        })
        .strict()
        .prefault({}),
      doorOpenTooLong: z
        .object({ holdS: z.number().positive().default(120) })
        .strict()
        .prefault({}),
      safetyCircuitOpen: z
        .object({ holdMs: z.number().nonnegative().default(500) })
        .strict()
        .prefault({}),
      overtravel: z
        .object({
          /** Beyond the top/bottom landing level by more than this. */
          marginMm: z.number().nonnegative().default(150),
          holdMs: z.number().nonnegative().default(200),
        })
        .strict()
        .prefault({}),
      movingWithDoorOpen: z
        .object({
          holdMs: z.number().nonnegative().default(200),
          /** Re-levelling with doors open is legal inside the unlocking zone up to this speed. */
          insideZoneMps: z.number().positive().default(0.3),
        })
        .strict()
        .prefault({}),
      doorLockFault: z
        .object({
          /** Lock circuit open while the car runs, for this long. */
          holdMs: z.number().nonnegative().default(500),
          /** Lock reports closed while the door is open (bypassed lock), for this long. */
          bypassHoldMs: z.number().nonnegative().default(1000),
        })
        .strict()
        .prefault({}),
      levelingError: z
        .object({
          /** Stopping accuracy: beyond this a warning. */
          warnMm: z.number().positive().default(10),
          /** Levelling accuracy: beyond this a fault. */
          faultMm: z.number().positive().default(20),
          /** Measure once the car has stood with doors open this long. */
          settleMs: z.number().nonnegative().default(500),
        })
        .strict()
        .prefault({}),
      doorReopenRepeated: z
        .object({
          count: z.number().int().min(1).default(5),
          windowS: z.number().positive().default(60),
        })
        .strict()
        .prefault({}),
      runTimeExceeded: z
        .object({
          /** Limit = full-travel time at rated speed + marginS, clamped to [minS, maxS]. */
          marginS: z.number().nonnegative().default(10),
          minS: z.number().positive().default(20),
          maxS: z.number().positive().default(45),
        })
        .strict()
        .prefault({}),
      doorCloseFault: z
        .object({
          /** A closing door (state 'closing') must reach 'closed' within this. */
          timeoutS: z.number().positive().default(15),
          /** Closings in a row that reverse (to opening/open) without reaching 'closed'. */
          failedClosings: z.number().int().min(1).default(3),
          /** A reversal counts as a failed closing only when the closing had lasted this long (not a contact glitch). */
          minAttemptMs: z.number().nonnegative().default(300),
        })
        .strict()
        .prefault({}),
      doorOpenFault: z
        .object({
          /** An opening door (state 'opening') of a car standing in the zone must reach 'open' within this. */
          timeoutS: z.number().positive().default(15),
          /** Openings in a row that reverse (to closing/closed) without reaching 'open'. */
          failedOpenings: z.number().int().min(1).default(3),
          /** A reversal counts as a failed opening only when the opening had lasted this long (not a contact glitch). */
          minAttemptMs: z.number().nonnegative().default(300),
        })
        .strict()
        .prefault({}),
      floorPositionLost: z
        .object({
          /** Derived floor and controller floor disagree this long while the car stands in a zone. */
          mismatchS: z.number().positive().default(5),
          /** A position step beyond ratedSpeed × jumpSpeedFactor × Δt + jumpMarginMm is a jump... */
          jumpSpeedFactor: z.number().min(1).default(1.5),
          jumpMarginMm: z.number().nonnegative().default(100),
          /** ...when the new position holds this long (a one-sample misread is not a lost position). */
          jumpConfirmMs: z.number().nonnegative().default(500),
          /** After a jump, standing in a zone this close to a landing counts as consistent again. */
          zoneMm: z.number().positive().default(200),
        })
        .strict()
        .prefault({}),
      alarmPressed: z
        .object({
          /**
           * A press counts once the button has been seen held this long, so a one-sample glitch of
           * the contact is no alarm. Keep it below the poll period × 2 of slow boards.
           */
          minPressMs: z.number().nonnegative().default(200),
        })
        .strict()
        .prefault({}),
      serviceMode: z
        .object({
          /** A new service mode must hold this long before it is reported (switch bounce, mains blips). */
          holdS: z.number().nonnegative().default(2),
        })
        .strict()
        .prefault({}),
      blackbox: z
        .object({
          /** Snapshots before a raised fault carried on the raised event. */
          beforeS: z.number().nonnegative().default(30),
          /** Snapshots after it, sent as a follow-up `blackbox` event (0 = none). */
          afterS: z.number().nonnegative().default(5),
          sampleEveryMs: z.number().positive().default(500),
        })
        .strict()
        .prefault({}),
      stats: z
        .object({
          /** A start from standstill counts as a trip once the car has moved this long with its door closed. */
          tripMinMs: z.number().nonnegative().default(1000),
          /** Sample gaps longer than this are not attributed to any figure (gateway down, bus dead). */
          maxGapMs: z.number().positive().default(10_000),
        })
        .strict()
        .prefault({}),
      earlyWarning: earlyWarningSchema,
    })
    .strict();
}

export type Thresholds = z.infer<ReturnType<typeof thresholdsSchema>>;
export type ThresholdsInput = z.input<ReturnType<typeof thresholdsSchema>>;

export const defaultThresholds: Thresholds = thresholdsSchema().parse({});

/** Deep-merge per-elevator overrides onto site thresholds, then validate. */
export function mergeThresholds(site: Thresholds, override: unknown): Thresholds {
  // No override: the site's thresholds, validated already, without building the schema again.
  if (override === undefined) return structuredClone(site);
  return thresholdsSchema().parse(deepMerge(site, override));
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
  }
  return over === undefined ? base : over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
