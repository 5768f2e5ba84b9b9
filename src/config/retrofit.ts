import { z } from 'zod';
import { piHeaderLineSchema } from './sources.js';

/**
 * The parts of a retrofit sensor box profile besides its points (src/config/board.ts): which
 * chips at which I²C addresses, how the accelerometer is mounted, the vanes' geometry before a
 * learning run. Where each point's value comes from: a sensor, a Firmata pin or a Pi GPIO line.
 */

const address = z.number().int().min(0x03).max(0x77);

export const retrofitFieldsSchema = z.object({
  sensors: z
    .object({
      /** Bosch BMP280 (or BME280), read raw and set to the datasheet's floor-change preset. */
      barometer: z.object({ chip: z.enum(['bmp280']), address: address.default(0x76) }).strict(),
      accelerometer: z
        .object({
          chip: z.enum(['mpu6050']),
          address: address.default(0x68),
          /** The chip's axis that points up the shaft. */
          axis: z.enum(['x', 'y', 'z']).default('z'),
          /** Mounted upside down: the axis points down. */
          invert: z.boolean().default(false),
          /** Full scale, g (the driver sets ±2 g: 16384 counts per g). */
          rangeG: z.literal(2).default(2),
        })
        .strict(),
    })
    .strict(),
  /** A sensor without a new sample for this long reads bad (and health turns degraded), ms. */
  staleAfterMs: z.number().int().min(100).max(60_000).default(1000),
  /** Vane geometry before a learning run: each Hall sensor's span is `zoneMm` either side of the level, the sensors `spreadMm` apart. */
  vanes: z
    .object({ zoneMm: z.number().positive().max(1000).default(150), spreadMm: z.number().nonnegative().max(500).default(30) })
    .strict()
    .prefault({}),
});

export const retrofitSourceSchema = z.union([
  /** A reading of one of the box's sensors. */
  z.object({ sensor: z.literal('barometer'), field: z.enum(['pressure', 'temperature']) }).strict(),
  z.object({ sensor: z.literal('accelerometer'), field: z.literal('vertical') }).strict(),
  /** A contact on a Firmata board's digital pin (`retrofit-firmata`). */
  z.object({ pin: z.number().int().min(0).max(127), pullup: z.boolean().default(false) }).strict(),
  /** A contact on a Pi GPIO line, BCM number (`retrofit-i2c`). */
  z.object({ line: piHeaderLineSchema(), activeLow: z.boolean().default(false) }).strict(),
]);
export type RetrofitSource = z.infer<typeof retrofitSourceSchema>;

type Issue = { path: (string | number)[]; message: string };

/** Contacts fit the transport; the fusion's inputs each come from one point of the right source. */
export function retrofitIssues(b: { transport: string; points: readonly { signal?: string | undefined; source: RetrofitSource }[] }): Issue[] {
  const issues: Issue[] = [];
  const contact = b.transport === 'retrofit-firmata' ? 'pin' : 'line';
  b.points.forEach((p, i) => {
    const s = p.source;
    if (('pin' in s || 'line' in s) && !(contact in s))
      issues.push({
        path: ['points', i, 'source'],
        message: `a ${b.transport} contact is a ${contact === 'pin' ? 'Firmata pin { pin, pullup? }' : 'GPIO line { line, activeLow? }'}`,
      });
    const needs = p.signal === 'accelVerticalMps2' ? 'accelerometer' : p.signal === 'pressurePa' || p.signal === 'sensorTempC' ? 'barometer' : undefined;
    if (needs && !('sensor' in s && s.sensor === needs))
      issues.push({ path: ['points', i, 'source'], message: `${p.signal} comes from the ${needs}: expected { sensor: ${needs}, field: … }` });
    if ('sensor' in s && p.signal === undefined) return;
    if ('sensor' in s && needs === undefined)
      issues.push({ path: ['points', i, 'signal'], message: `a ${s.sensor} reading feeds accelVerticalMps2, pressurePa or sensorTempC, not ${p.signal}` });
  });
  for (const signal of ['accelVerticalMps2', 'pressurePa']) {
    const n = b.points.filter((p) => p.signal === signal).length;
    if (n > 1) issues.push({ path: ['points'], message: `${signal} is fed by ${n} points: expected one` });
  }
  // The fusion needs all four (src/signals/fusion/fused-signals.ts): without one it gives no position,
  // speed or floor at all, every motion rule goes unarmed and a learning run can record no stop.
  const missing = FUSION_INPUTS.filter((signal) => !b.points.some((p) => p.signal === signal));
  if (missing.length > 0) issues.push({ path: ['points'], message: `a retrofit box feeds the fusion ${FUSION_INPUTS.join(', ')}: no point gives ${missing.join(', ')}` });
  return issues;
}

/** What the retrofit box's fusion cannot do without (its position, speed and floor rest on all four). */
const FUSION_INPUTS = ['accelVerticalMps2', 'pressurePa', 'doorZoneUpper', 'doorZoneLower'] as const;
