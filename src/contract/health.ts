import { z } from 'zod';

/**
 * Early warning and maintenance guidance (docs/early-warning.md) in the contract: the health
 * indicators' names, the data of `early-warning` events and the indicator summary of the daily
 * statistics. Since 1.1; additive, so a 1.0 consumer reads the rest of the payloads as before.
 */

/** The health indicators. They name baselines, event data and the `rules.earlyWarning.minMargin` keys, so they never change meaning. */
export const INDICATORS = [
  'doorCloseS',
  'doorOpenS',
  'doorReopens',
  'failedCloses',
  'levelingMm',
  'relevels',
  'tripExcessS',
  'peakSpeedRatio',
  'accelMps2',
  'safetyGlitches',
  'lockGlitches',
  'sensorDrops',
] as const;
export const indicatorSchema = z.enum(INDICATORS);
export type IndicatorId = z.infer<typeof indicatorSchema>;

const count = z.number().int().nonnegative();
const landingIndex = z.number().int().nonnegative().nullable().describe('landing (floor index, 0 = bottom); null = all landings');

/** Which baseline a warning is about, and how it stands. */
const figures = {
  indicator: indicatorSchema,
  cause: z
    .string()
    .describe(
      'the baseline: `doorCloseS@5` (landing 5), `levelingMm@*/up` (all landings, travelling up), `sensorDrops` (the lift); the same cause has the same name in every event',
    ),
  floor: landingIndex,
  landing: z.string().nullable().describe("the landing's floor label; null for all landings"),
  direction: z.enum(['up', 'down']).nullable().describe('travel direction the baseline is kept for; null for both'),
  unit: z.string().describe('unit of baseline, now and band (s, mm, × rated, m/s², per 100 stops …)'),
  baseline: z.number().describe('the median (rates: mean) learned on this lift'),
  now: z.number().describe('the median (rates: mean) of the recent observations'),
  band: z.tuple([z.number(), z.number()]).describe('the band around the baseline; outside it for rules.earlyWarning.sustainH raises'),
};

/** `data` of `early-warning`: raised (with the hint), cleared, or a baseline reset (instant, info). */
export const earlyWarningDataSchema = z.union([
  z.object({
    ...figures,
    drift: z.enum(['high', 'low']).describe('which side of the band'),
    trendPerDay: z.number().nullable().describe('change per day over the last week of daily medians; null with fewer than three days'),
    overDays: count.describe('days the daily median has been past half the band'),
    learnedFrom: count.describe('observations the baseline was learned from'),
    hint: z.object({ en: z.string(), zh: z.string() }).describe('the maintenance hint: what changed, where, from what to what over how long, and what to check'),
  }),
  z.object({ ...figures, reason: z.enum(['back-in-band', 'baseline-reset']), durationS: z.number().nonnegative().describe('observed time since the raise, s') }),
  z.object({
    action: z.literal('baseline-reset'),
    indicator: indicatorSchema.nullable().describe('the indicator reset; null = all'),
    floor: landingIndex,
    keys: count.describe('baselines forgotten (learned again from now)'),
    by: z.string().describe('who asked: `platform` (reset-baseline command) or `diag:<user>` (elevgw diag baseline reset)'),
  }),
]);

const histogram = z.object({
  edges: z.array(z.number()).describe('bin i counts values in [edges[i−1], edges[i]); the first below edges[0], the last at or above the last edge'),
  byFloor: z.record(z.string(), z.array(count)).describe('per floor label: edges.length + 1 counts'),
});

/** Indicator summary of a daily statistics window, for the platform's trend charts. */
export const indicatorSummarySchema = z
  .object({
    counters: z.object({ trips: count, doorCycles: count, runningHours: z.number().nonnegative() }).describe('wear counters since the baselines began, kept across restarts'),
    counts: z.object({
      trips: count,
      doorCycles: count,
      reopenings: count,
      failedClosings: count,
      relevels: count,
      safetyGlitches: count,
      lockGlitches: count,
      sensorDrops: count,
      reconnects: count,
      overspeedNearMisses: count,
    }),
    histograms: z
      .object({ doorCloseS: histogram, doorOpenS: histogram, levelingMm: histogram })
      .describe('per landing: door closing and opening times (s), levelling error at the stop (mm)'),
    warnings: z.array(z.string()).describe('causes with an early warning raised at the end of the window'),
  })
  .describe('health indicators of the day (since 1.1; daily windows, when early warning is enabled)');
