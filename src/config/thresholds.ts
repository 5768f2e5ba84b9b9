import { z } from 'zod';

/**
 * Rule thresholds with DOMAIN.md defaults. Site-wide under `rules:` and overridable per elevator.
 * Units are in the key names (S = seconds, Ms = milliseconds, Mps = m/s, Mm = millimetres).
 */
export const thresholdsSchema = z
  .object({
    /** Below this |speed| the car counts as stationary. */
    stationaryMps: z.number().positive().default(0.05),
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
      })
      .strict()
      .default({ factor: 1.15, holdMs: 100, clearS: 2 }),
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
  })
  .strict();

export type Thresholds = z.infer<typeof thresholdsSchema>;
export type ThresholdsInput = z.input<typeof thresholdsSchema>;

export const defaultThresholds: Thresholds = thresholdsSchema.parse({});

/** Deep-merge per-elevator overrides onto site thresholds, then validate. */
export function mergeThresholds(site: Thresholds, override: unknown): Thresholds {
  return thresholdsSchema.parse(deepMerge(site, override ?? {}));
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
